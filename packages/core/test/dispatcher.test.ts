import { afterEach, describe, expect, it, vi } from "vitest";
import { NOOP_DISPATCHER, createDispatcher } from "../src/dispatch/dispatcher.js";
import type { Route } from "../src/dispatch/dispatcher.js";
import type { IwEvent } from "../src/events/events.js";
import type { Logger } from "../src/diagnostics/logger.js";
import { IwEventSchema } from "../src/schema/events.js";
import { ScriptSink, audit, expectInvariant, failure, scan } from "./helpers/script-sink.js";

const route = (sink: ScriptSink, accepts: (e: IwEvent) => boolean = () => true): Route => ({
  sink,
  queue: { flushIntervalMs: 1000 },
  accepts,
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe("emit", () => {
  it("fans each event out by reference to every route whose filter accepts it", async () => {
    const all = new ScriptSink("all");
    const auditOnly = new ScriptSink("audit-only");
    const d = createDispatcher([route(all), route(auditOnly, (e) => e.log_type === "audit")]);
    const s = scan();
    const a = audit();
    d.emit(s);
    d.emit(a);
    expect(await d.flush(1000)).toBe(true);
    expect(all.calls.flatMap((c) => c.batch)).toEqual([a, s]);
    expect(auditOnly.calls.flatMap((c) => c.batch)).toEqual([a]);
    expect(all.calls[0]!.batch[1]).toBe(s); // same object: no copy on the hot path
    expect(d.stats().map((x) => [x.sink, x.emitted])).toEqual([
      ["all", 2],
      ["audit-only", 1],
    ]);
    expect(d.sinks).toEqual(["all", "audit-only"]);
    await d.close();
  });

  it("never throws on garbage and counts it as malformed on every sink", () => {
    const lines: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (m) => void lines.push(m), error() {} };
    const d = createDispatcher([route(new ScriptSink("a")), route(new ScriptSink("b"))], { logger });
    for (const garbage of [null, undefined, 42, "x", {}, { log_type: "nope" }, Symbol("s")]) {
      expect(() => d.emit(garbage as never)).not.toThrow();
    }
    for (const s of d.stats()) {
      expect(s.dropped.malformed).toBe(7);
      expectInvariant(s);
    }
    expect(lines.filter((l) => l.startsWith("[iw] emit()"))).toHaveLength(1);
  });

  it("skips a route whose filter throws, and still serves the others", () => {
    const good = new ScriptSink("good");
    const d = createDispatcher([
      route(new ScriptSink("bad"), () => {
        throw new Error("filter bug");
      }),
      route(good),
    ]);
    expect(() => d.emit(scan())).not.toThrow();
    expect(d.stats().map((s) => s.queued)).toEqual([0, 1]);
    expect(d.stats().map((s) => s.dropped.malformed)).toEqual([1, 0]); // counted where it was lost
  });

  it("counts an event whose getter throws inside the traffic summary as malformed, on every sink", async () => {
    const d = createDispatcher([route(new ScriptSink("a")), route(new ScriptSink("b"))], { summaryIntervalMs: 60_000 });
    const hostile = scan();
    Object.defineProperty(hostile, "matches", {
      enumerable: true,
      get: () => {
        throw new Error("getter");
      },
    });
    expect(() => d.emit(hostile)).not.toThrow();
    d.emit(scan());
    for (const s of d.stats()) {
      expect(s.dropped.malformed).toBe(1);
      expect(s.emitted).toBe(2);
      expectInvariant(s);
    }
    await d.close(1000);
  });

  it("freezes emitted events in development mode only", () => {
    vi.stubEnv("NODE_ENV", "development");
    const dev = createDispatcher([route(new ScriptSink())]);
    const e1 = scan();
    dev.emit(e1);
    expect(Object.isFrozen(e1)).toBe(true);
    vi.stubEnv("NODE_ENV", "production");
    const prod = createDispatcher([route(new ScriptSink())]);
    const e2 = scan();
    prod.emit(e2);
    expect(Object.isFrozen(e2)).toBe(false);
  });
});

describe("flush and close", () => {
  it("close closes every sink once and is idempotent", async () => {
    const a = new ScriptSink("a");
    const b = new ScriptSink("b");
    const d = createDispatcher([route(a), route(b)]);
    d.emit(scan());
    const c1 = d.close(1000);
    expect(d.close(1000)).toBe(c1);
    expect(await c1).toBe(true);
    expect([a.closeCalls, b.closeCalls]).toEqual([1, 1]);
    expect(a.calls).toHaveLength(1);
  });

  it("flush reports false when one sink does not drain in time", async () => {
    vi.useFakeTimers();
    const slow = new ScriptSink("slow");
    slow.fallback = "hang";
    const d = createDispatcher([route(new ScriptSink("ok")), route(slow)]);
    d.emit(scan());
    const flushing = d.flush(500);
    await vi.advanceTimersByTimeAsync(500);
    expect(await flushing).toBe(false);
  });
});

describe("NOOP_DISPATCHER", () => {
  it("does nothing and resolves true", async () => {
    expect(NOOP_DISPATCHER.enabled).toBe(false);
    expect(() => NOOP_DISPATCHER.emit(scan())).not.toThrow();
    expect(await NOOP_DISPATCHER.flush()).toBe(true);
    expect(await NOOP_DISPATCHER.close()).toBe(true);
    expect(await NOOP_DISPATCHER.test()).toEqual([]);
    expect(NOOP_DISPATCHER.stats()).toEqual([]);
    expect(createDispatcher([])).toBe(NOOP_DISPATCHER);
  });
});

describe("test()", () => {
  it("sends valid [Test message] events straight to each sink, filtered per sink", async () => {
    const all = new ScriptSink("all");
    const allowAndAuth = new ScriptSink("allow-auth");
    const d = createDispatcher([
      route(all),
      route(allowAndAuth, (e) => (e.log_type === "scan" ? e.decision === "allow" : e.log_type === "audit" && e.category === "auth")),
    ]);
    const reports = await d.test(1000);
    expect(reports.map((r) => [r.sink, r.ok, r.events])).toEqual([
      ["all", true, 2],
      ["allow-auth", true, 2],
    ]);
    for (const r of reports) expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    const sent = all.calls[0]!.batch;
    expect(sent.map((e) => e.log_type)).toEqual(["scan", "audit"]);
    for (const e of sent) {
      expect(e.test).toBe(true);
      expect(JSON.stringify(e)).toContain("[Test message]");
      expect(IwEventSchema.safeParse(e).success).toBe(true);
    }
    const picked = allowAndAuth.calls[0]!.batch;
    expect(picked.map((e) => (e.log_type === "scan" ? e.decision : e.log_type === "audit" ? e.category : e.log_type))).toEqual([
      "allow",
      "auth",
    ]);
    expect(d.stats().every((s) => s.emitted === 0)).toBe(true); // bypasses the queue
  });

  it("reports errors, throws and timeouts per sink without rejecting", async () => {
    const refused = new ScriptSink("refused").script(failure());
    const throws = new ScriptSink("throws").script("throw");
    const hangs = new ScriptSink("hangs").script("hang");
    const none = new ScriptSink("none");
    const d = createDispatcher([route(refused), route(throws), route(hangs), route(none, () => false)]);
    const reports = await d.test(50);
    expect(reports.map((r) => r.ok)).toEqual([false, false, false, false]);
    expect(reports[0]!.error).toContain("400");
    expect(reports[1]!.error).toContain("sink bug");
    expect(reports[2]!.error).toContain("no answer within 50 ms");
    expect(hangs.calls[0]!.ctx.signal.aborted).toBe(true);
    expect(reports[3]).toMatchObject({ events: 0 });
    expect(none.calls).toHaveLength(0);
  });

  it("treats a deadline past setTimeout's 2^31-1 ms limit as a long wait, not 1 ms", async () => {
    const slow = new ScriptSink("slow").script(() => new Promise((resolve) => setTimeout(() => resolve({ status: "success" }), 30)));
    const reports = await createDispatcher([route(slow)]).test(Number.POSITIVE_INFINITY);
    expect(reports[0]).toMatchObject({ sink: "slow", ok: true });
  });
});
