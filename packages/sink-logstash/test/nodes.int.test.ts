import { afterEach, describe, expect, it } from "vitest";
import { makeTestEvents, startLogstashReceiver } from "@iw/testkit";
import type { LogstashReceiver } from "@iw/testkit";
import { createLogstashSink } from "../src/index.js";
import type { LogstashSink } from "../src/index.js";
import { ctx, ids, recordingLogger } from "./helpers.js";

let receivers: LogstashReceiver[] = [];
let sink: LogstashSink | undefined;

afterEach(async () => {
  await sink?.close();
  await Promise.all(receivers.map((r) => r.close()));
  sink = undefined;
  receivers = [];
});

async function twoNodes(logger = recordingLogger(), nodeRetryInitialMs = 200) {
  receivers = [await startLogstashReceiver(), await startLogstashReceiver()];
  const [a, b] = receivers as [LogstashReceiver, LogstashReceiver];
  sink = createLogstashSink({ urls: [a.url, b.url], nodeRetryInitialMs }, { logger });
  return { a, b, sink, logger };
}

describe("several Logstash nodes", () => {
  it("spreads batches over the healthy nodes", async () => {
    const { a, b, sink } = await twoNodes();
    for (let i = 0; i < 10; i++) expect((await sink.send(makeTestEvents(5), ctx())).status).toBe("success");
    expect(a.requests.length).toBe(5);
    expect(b.requests.length).toBe(5);
  });

  it("delivers everything to the other node while one is down, in the same send", async () => {
    const { a, b, sink, logger } = await twoNodes();
    await a.setFault("down");
    const sent: string[] = [];
    for (let i = 0; i < 10; i++) {
      const batch = makeTestEvents(5);
      sent.push(...ids(batch));
      expect(await sink.send(batch, ctx())).toEqual({ status: "success" });
    }
    expect(ids(b.events)).toEqual(sent);
    expect(sink.nodes().map((n) => n.state)).toEqual(["down", "up"]);
    expect(logger.lines.filter((l) => l.startsWith("warn"))).toEqual([
      expect.stringMatching(/node http:\/\/127\.0\.0\.1:\d+\/ is unavailable \(ECONNREFUSED\); batches go to the other nodes/),
    ]);
  });

  it("fails over on a 5xx and a 429 too", async () => {
    const { a, b, sink } = await twoNodes();
    await a.setFault({ mode: "status", status: 503 });
    // First batch: a (503) → b (429) → every node tried: retryable, with b's Retry-After.
    await b.setFault({ mode: "status", status: 429, retryAfter: 1, count: 1 });
    expect(await sink.send(makeTestEvents(2), ctx())).toMatchObject({ status: "retryable", retryAfterMs: 1000 });
    expect(a.requests).toHaveLength(1);
    // Both paused now; each send still tries them in turn and b answers.
    for (let i = 0; i < 4; i++) expect(await sink.send(makeTestEvents(2), ctx())).toEqual({ status: "success" });
    expect(b.events).toHaveLength(8);
    expect(a.events).toHaveLength(0);
  });

  it("probes a node that came back and uses it again", async () => {
    const { a, b, sink, logger } = await twoNodes(recordingLogger(), 100);
    await a.setFault("down");
    for (let i = 0; i < 4; i++) await sink.send(makeTestEvents(1), ctx());
    await a.setFault("none");
    await new Promise((r) => setTimeout(r, 250));
    for (let i = 0; i < 6; i++) expect(await sink.send(makeTestEvents(1), ctx())).toEqual({ status: "success" });
    expect(a.events.length).toBeGreaterThanOrEqual(2);
    expect(b.events.length + a.events.length).toBe(10);
    expect(sink.nodes().map((n) => n.state)).toEqual(["up", "up"]);
    expect(logger.text()).toMatch(/is back; batches go to it again/);
  });

  it("answers retryable when every node is down, and delivers when one returns", async () => {
    const { a, b, sink } = await twoNodes();
    await a.setFault("down");
    await b.setFault("down");
    const result = await sink.send(makeTestEvents(3), ctx());
    expect(result.status).toBe("retryable");
    expect(a.requests.length + b.requests.length).toBe(0);
    await b.setFault("none");
    const batch = makeTestEvents(3);
    expect(await sink.send(batch, ctx())).toEqual({ status: "success" });
    expect(ids(b.events)).toEqual(ids(batch));
  });

  it("does not fail over after the deadline fired: the queue's retry does", async () => {
    const { a, b, sink } = await twoNodes();
    await a.setFault("blackhole");
    const result = await sink.send(makeTestEvents(2), ctx(300));
    expect((result as { error?: { code?: string } }).error?.code).toBe("IW_SEND_TIMEOUT");
    expect(b.requests).toHaveLength(0);
    expect(await sink.send(makeTestEvents(2), ctx())).toEqual({ status: "success" });
    expect(b.events).toHaveLength(2);
  });
});

describe("several Logstash nodes, one refusing the credentials", () => {
  it("sends the batches to the nodes that accept them, with one error line for the other", async () => {
    const logger = recordingLogger();
    receivers = [
      await startLogstashReceiver({ user: "shipper", password: "other" }),
      await startLogstashReceiver({ user: "shipper", password: "pw" }),
    ];
    const [a, b] = receivers as [LogstashReceiver, LogstashReceiver];
    sink = createLogstashSink({ urls: [a.url, b.url], user: "shipper", password: "pw" }, { logger });
    for (let i = 0; i < 6; i++) expect(await sink.send(makeTestEvents(2), ctx())).toEqual({ status: "success" });
    expect(b.events).toHaveLength(12);
    expect(a.events).toHaveLength(0);
    // The refusing node is held for the longest node pause (30 s), not probed every second.
    expect(a.requests).toHaveLength(1);
    expect(Date.parse(sink.nodes()[0]!.retryAt!) - Date.now()).toBeGreaterThan(25_000);
    expect(logger.lines.filter((l) => l.startsWith("error"))).toEqual([
      expect.stringMatching(/refused the credentials \(401\).*meanwhile batches go to the other nodes/),
    ]);
  });

  it("keeps the batch (retryable IW_AUTH) when every node refuses it", async () => {
    receivers = [await startLogstashReceiver({ user: "u", password: "x" }), await startLogstashReceiver({ user: "u", password: "y" })];
    const [a, b] = receivers as [LogstashReceiver, LogstashReceiver];
    sink = createLogstashSink({ urls: [a.url, b.url], user: "u", password: "z" });
    const result = await sink.send(makeTestEvents(2), ctx());
    expect(result).toMatchObject({ status: "retryable", reason: "auth", error: { code: "IW_AUTH" } });
    expect(a.requests.length + b.requests.length).toBe(2);
    expect(a.events.length + b.events.length).toBe(0);
  });
});
