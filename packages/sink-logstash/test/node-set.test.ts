import { describe, expect, it } from "vitest";
import { silentLogger } from "@iw/core";
import type { Logger } from "@iw/core";
import { NodeSet } from "../src/node-set.js";
import type { NodeHealth } from "../src/node-set.js";

function node(label: string): NodeHealth {
  return { label, inFlight: 0, failures: 0, downUntil: 0, probing: false };
}

function setup(count: number, logger: Logger = silentLogger) {
  let now = 1_000_000;
  const nodes = Array.from({ length: count }, (_, i) => node(`n${i}`));
  const set = new NodeSet(nodes, { initialMs: 1000, maxMs: 8000, logger, now: () => now });
  return { nodes, set, advance: (ms: number) => (now += ms) };
}

describe("NodeSet.pick", () => {
  it("goes round-robin over healthy nodes with equal load", () => {
    const { set } = setup(3);
    const picked = [0, 1, 2, 3].map(() => set.pick(new Set())!.label);
    expect(picked).toEqual(["n0", "n1", "n2", "n0"]);
  });

  it("prefers the node with the fewest requests in flight", () => {
    const { set, nodes } = setup(2);
    nodes[0]!.inFlight = 3;
    expect(set.pick(new Set())!.label).toBe("n1");
    expect(set.pick(new Set())!.label).toBe("n1");
  });

  it("skips a down node, tries it only when every other node was tried, never twice", () => {
    const { set, nodes } = setup(2);
    set.down(nodes[0]!, "ECONNREFUSED");
    expect(set.pick(new Set())!.label).toBe("n1");
    expect(set.pick(new Set([nodes[1]!]))!.label).toBe("n0");
    expect(set.pick(new Set(nodes))).toBeUndefined();
  });

  it("probes a down node once its pause is over, one probe at a time", () => {
    const { set, nodes, advance } = setup(2);
    set.down(nodes[0]!, "HTTP 503");
    advance(1000);
    expect(set.pick(new Set())!.label).toBe("n0");
    expect(set.pick(new Set())!.label).toBe("n1");
    set.up(nodes[0]!);
    expect(set.status()[0]).toMatchObject({ state: "up", failures: 0, retryAt: null });
  });

  it("still tries every node, the one due back first first, when all are down", () => {
    const { set, nodes } = setup(2);
    set.down(nodes[0]!, "x");
    set.down(nodes[0]!, "x");
    set.down(nodes[1]!, "x");
    expect(set.pick(new Set())!.label).toBe("n1");
    expect(set.pick(new Set([nodes[1]!]))!.label).toBe("n0");
  });

  it("doubles the pause up to the cap and honours Retry-After", () => {
    const { set, nodes } = setup(1);
    const n = nodes[0]!;
    const pauses = [1, 2, 3, 4, 5].map(() => {
      set.down(n, "x");
      return n.downUntil - 1_000_000;
    });
    expect(pauses).toEqual([1000, 2000, 4000, 8000, 8000]);
    set.down(n, "429", { retryAfterMs: 3000 });
    expect(n.downUntil - 1_000_000).toBe(3000);
  });

  it("holds a node that refused the credentials for the longest pause, from the first refusal", () => {
    const { set, nodes } = setup(2);
    set.down(nodes[0]!, "HTTP 401", { hold: true, quiet: true });
    expect(nodes[0]!.downUntil - 1_000_000).toBe(8000);
    expect(set.pick(new Set())!.label).toBe("n1");
  });

  it("logs one warning when a node goes down and one line when it comes back", () => {
    const lines: string[] = [];
    const logger = { ...silentLogger, warn: (m: string) => lines.push(`warn ${m}`), info: (m: string) => lines.push(`info ${m}`) };
    const { set, nodes } = setup(2, logger);
    set.down(nodes[0]!, "ECONNREFUSED");
    set.down(nodes[0]!, "ECONNREFUSED");
    set.up(nodes[0]!);
    set.up(nodes[0]!);
    expect(lines).toEqual([
      "warn Logstash node n0 is unavailable (ECONNREFUSED); batches go to the other nodes",
      "info Logstash node n0 is back; batches go to it again",
    ]);
  });
});
