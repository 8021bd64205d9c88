import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DeliveryQueue } from "../src/delivery/delivery-queue.js";
import { IwError } from "../src/diagnostics/errors.js";
import type { QueueOptions, QueueStateChange } from "../src/delivery/queue-options.js";
import type { Logger } from "../src/diagnostics/logger.js";
import { ScriptSink, audit, expectInvariant, failure, retryable, scan, tooLarge } from "./helpers/script-sink.js";

const opts = (o: Partial<QueueOptions> = {}): Partial<QueueOptions> => ({
  flushIntervalMs: 1000,
  retryInitialMs: 100,
  retryMaxMs: 1000,
  ...o,
});

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("retries", () => {
  it("waits capped full-jitter exponential delays between attempts", async () => {
    const sink = new ScriptSink();
    sink.fallback = retryable();
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 1, maxRetries: 5 }), { random: () => 0.5 });
    q.push(scan());
    await vi.advanceTimersByTimeAsync(10_000);
    const times = sink.calls.map((c) => c.at);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps).toEqual([50, 100, 200, 400, 500]);
    expect(q.stats().retried).toBe(5);
    expect(q.stats().dropped.retries_exhausted).toBe(1);
    expectInvariant(q.stats());
  });

  it("retries the same batch: same batchId, same events, attempt counting up", async () => {
    const sink = new ScriptSink().script(retryable(), retryable(), { status: "success" });
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 2 }), { random: () => 0 });
    q.push(scan("x"));
    q.push(audit("y"));
    await vi.advanceTimersByTimeAsync(100);
    expect(sink.calls).toHaveLength(3);
    expect(new Set(sink.calls.map((c) => c.ctx.batchId)).size).toBe(1);
    expect(sink.calls.map((c) => c.ctx.attempt)).toEqual([1, 2, 3]);
    for (const c of sink.calls) expect(c.batch.map((e) => e.event_id)).toEqual(["y", "x"]);
    expect(q.stats()).toMatchObject({ delivered: 2, retried: 2, state: "active", inFlight: 0 });
  });

  it("honours Retry-After", async () => {
    const sink = new ScriptSink().script(retryable(700));
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 1 }), { random: () => 0 });
    q.push(scan());
    await vi.advanceTimersByTimeAsync(699);
    expect(sink.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.calls).toHaveLength(2);
  });

  it("caps Retry-After at retryMaxMs", async () => {
    const sink = new ScriptSink().script(retryable(3_600_000));
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 1, retryMaxMs: 1000 }), { random: () => 0 });
    q.push(scan());
    await vi.advanceTimersByTimeAsync(999);
    expect(sink.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.calls).toHaveLength(2);
  });

  it("pauses the sink while a batch backs off, keeps queueing, and resumes after a success", async () => {
    const sink = new ScriptSink().script(retryable(500));
    const changes: QueueStateChange[] = [];
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 1, maxConcurrency: 4 }), { onStateChange: (c) => changes.push(c) });
    q.push(scan("first"));
    await vi.advanceTimersByTimeAsync(0);
    expect(q.stats().state).toBe("backoff");
    for (let i = 0; i < 5; i++) q.push(scan(`later${i}`));
    await vi.advanceTimersByTimeAsync(499);
    expect(sink.calls).toHaveLength(1); // nothing new sent to a sick collector
    expect(q.stats().queued).toBe(5);
    expectInvariant(q.stats());
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.calls[1]!.batch[0]!.event_id).toBe("first");
    await vi.advanceTimersByTimeAsync(0);
    expect(q.stats()).toMatchObject({ state: "active", delivered: 6, queued: 0 });
    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual(["active->backoff", "backoff->active"]);
    expect(changes[0]!.error?.message).toContain("503");
  });

  it("probes a destination that refuses connections at least once a second, so delivery resumes within a second of its return", async () => {
    const refused = { status: "retryable" as const, reason: "network" as const, error: new IwError("IW_NETWORK", "ECONNREFUSED") };
    const sink = new ScriptSink().script(...Array.from({ length: 12 }, () => refused));
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 1, retryMaxMs: 30_000 }), { random: () => 1 - 1e-9 });
    q.push(scan());
    await vi.advanceTimersByTimeAsync(20_000);
    const gaps = sink.calls.slice(1).map((c, i) => c.at - sink.calls[i]!.at);
    expect(sink.calls).toHaveLength(13);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1000);
    expect(q.stats().delivered).toBe(1);
  });

  it("backs off up to retryMaxMs from a collector that answers 503", async () => {
    const sink = new ScriptSink().script(...Array.from({ length: 8 }, () => retryable()));
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 1, retryInitialMs: 250, retryMaxMs: 30_000 }), { random: () => 1 - 1e-9 });
    q.push(scan());
    await vi.advanceTimersByTimeAsync(120_000);
    const gaps = sink.calls.slice(1).map((c, i) => c.at - sink.calls[i]!.at);
    expect(Math.max(...gaps)).toBeGreaterThan(15_000); // 250 × 2^6 = 16 s: a sick collector is not hammered
  });

  it("drops a batch after maxRetries and then probes the collector with the next batch", async () => {
    const sink = new ScriptSink().script(retryable(), retryable());
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 1, maxRetries: 1, maxConcurrency: 1 }), { random: () => 0 });
    q.push(scan("a"));
    q.push(scan("b"));
    await vi.advanceTimersByTimeAsync(10);
    expect(q.stats().dropped.retries_exhausted).toBe(1);
    expect(sink.ids()).toEqual(["a", "a", "b"]);
    expect(q.stats()).toMatchObject({ delivered: 1, state: "active" });
  });
});

describe("outcomes", () => {
  it("splits a too-large batch in halves with new batch ids, down to a single event", async () => {
    const sink = new ScriptSink();
    sink.fallback = (batch) => (batch.length > 1 || batch[0]!.event_id === "huge" ? tooLarge() : { status: "success" });
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 8, maxConcurrency: 1 }));
    for (const id of ["a", "b", "c", "huge", "e", "f", "g", "h"]) q.push(scan(id));
    await vi.advanceTimersByTimeAsync(0);
    const s = q.stats();
    expect(s).toMatchObject({ delivered: 7, queued: 0, inFlight: 0 });
    expect(s.dropped.too_large).toBe(1);
    expect(s.dropped.total).toBe(1);
    expect(new Set(sink.calls.map((c) => c.ctx.batchId)).size).toBe(sink.calls.length);
    expect(
      sink.calls
        .filter((c) => c.batch.length === 1)
        .map((c) => c.batch[0]!.event_id)
        .sort(),
    ).toEqual(["a", "b", "c", "e", "f", "g", "h", "huge"]);
  });

  it("narrows a permanently refused batch down to the event at fault, drops it named, and carries on", async () => {
    const lines: string[] = [];
    const log = (m: string): void => void lines.push(m);
    const sink = new ScriptSink();
    sink.fallback = (batch) => (batch.some((e) => e.event_id === "bad") ? failure() : { status: "success" });
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 4 }), { logger: { debug: log, info: log, warn: log, error: log } });
    for (const id of ["a", "bad", "c", "d", "e", "f", "g", "h"]) q.push(scan(id));
    await vi.advanceTimersByTimeAsync(0);
    expect(q.stats()).toMatchObject({ delivered: 7, state: "active" });
    expect(q.stats().dropped.rejected).toBe(1);
    expect(q.stats().lastError?.message).toContain("400");
    expect(lines.find((l) => l.includes("dropped"))).toMatch(/dropped 1 event the collector refused \(rejected\).*event_id bad/);
    expectInvariant(q.stats());
  });

  it("finds a poison event even with no other traffic to compare against, so flush() ends", async () => {
    const sink = new ScriptSink();
    sink.fallback = (batch) => (batch.some((e) => e.event_id === "bad") ? retryable() : { status: "success" });
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 4, maxConcurrency: 1, retryMaxMs: 1000 }), { random: () => 0.5 });
    for (const id of ["a", "bad", "c", "d"]) q.push(scan(id));
    let drained: boolean | undefined;
    void q.flush(120_000).then((d) => (drained = d));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(drained).toBe(true);
    expect(q.stats()).toMatchObject({ delivered: 3, queued: 0, inFlight: 0, dropped: { rejected: 1, total: 1 } });
  });

  it("keeps a lone batch whole while the collector refuses connections (an outage is not a refusal)", async () => {
    const refused = { status: "retryable" as const, reason: "network" as const, error: new IwError("IW_NETWORK", "ECONNREFUSED") };
    const sink = new ScriptSink().script(...Array.from({ length: 20 }, () => refused));
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 4, maxConcurrency: 1 }), { random: () => 0.5 });
    for (const id of ["a", "b", "c", "d"]) q.push(scan(id));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sink.calls.every((c) => c.batch.length === 4)).toBe(true);
    expect(q.stats()).toMatchObject({ delivered: 4, dropped: { total: 0 } });
  });

  it("drops a batch whole, without splitting it further, when a destination refuses everything (a wrong path)", async () => {
    const sink = new ScriptSink();
    sink.fallback = failure();
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 8, maxConcurrency: 1 }));
    for (let i = 0; i < 8; i++) q.push(scan());
    await vi.advanceTimersByTimeAsync(0);
    expect(q.stats().dropped.rejected).toBe(8);
    expect(sink.calls.map((c) => c.batch.length)).toEqual([8, 4, 4]); // one split to look, no more
  });

  it("disables the sink on failure with disable: true", async () => {
    const sink = new ScriptSink().script(failure(true));
    const changes: string[] = [];
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 2, maxConcurrency: 1 }), { onStateChange: (c) => changes.push(c.to) });
    for (let i = 0; i < 5; i++) q.push(scan());
    await vi.advanceTimersByTimeAsync(0);
    q.push(scan());
    const s = q.stats();
    expect(s.state).toBe("disabled");
    expect(s.dropped.rejected).toBe(2);
    expect(s.dropped.disabled).toBe(4);
    expect(sink.calls).toHaveLength(1);
    expect(changes).toEqual(["disabled"]);
    expectInvariant(s);
    expect(await q.flush(100)).toBe(true);
  });

  it("disable(reason) drops queued and later events and stops retries", async () => {
    const sink = new ScriptSink().script(retryable());
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 1, maxConcurrency: 1 }), { random: () => 0.9 });
    q.push(scan());
    q.push(scan());
    await vi.advanceTimersByTimeAsync(0);
    q.disable("integration deleted");
    q.push(scan());
    await vi.advanceTimersByTimeAsync(10_000);
    const s = q.stats();
    expect(s.state).toBe("disabled");
    expect(s.dropped.disabled).toBe(3);
    expect(s.lastError?.message).toContain("integration deleted");
    expect(sink.calls).toHaveLength(1);
    expectInvariant(s);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("counts a sink that throws (sync or async) as malformed and keeps going", async () => {
    const sink = new ScriptSink().script("throw", "reject");
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 1, maxConcurrency: 1 }));
    for (let i = 0; i < 3; i++) q.push(scan());
    await vi.advanceTimersByTimeAsync(0);
    const s = q.stats();
    expect(s.dropped.malformed).toBe(2);
    expect(s.delivered).toBe(1);
    expect(s.lastError?.code).toBe("IW_SINK_THREW");
  });

  it("bounds a sink that never answers by the attempt timeout and aborts its signal", async () => {
    const sink = new ScriptSink().script("hang");
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 1, attemptTimeoutMs: 2000 }), { random: () => 0 });
    q.push(scan());
    await vi.advanceTimersByTimeAsync(1999);
    const signal = sink.calls[0]!.ctx.signal;
    expect(signal.aborted).toBe(false);
    expect(q.stats().inFlight).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as { code?: string }).code).toBe("IW_SEND_TIMEOUT");
    expect(q.stats().lastError?.code).toBe("IW_SEND_TIMEOUT");
    expect(q.stats().retried).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(q.stats().delivered).toBe(1);
  });
});

describe("diagnostics", () => {
  it("a dead collector produces a handful of log lines, not one per batch", async () => {
    const lines: string[] = [];
    const log = (m: string): void => void lines.push(m);
    const logger: Logger = { debug: log, info: log, warn: log, error: log };
    const sink = new ScriptSink();
    sink.fallback = retryable();
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 10, maxQueueBytes: 100 * 1024, maxRetries: 3 }), {
      logger,
      random: () => 1 - 1e-9,
      sizeOf: () => 1024,
    });
    for (let i = 0; i < 50_000; i++) {
      q.push(scan());
      if (i % 1000 === 0) await vi.advanceTimersByTimeAsync(500);
    }
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sink.calls.length).toBeGreaterThan(20);
    expect(q.stats().dropped.queue_full).toBeGreaterThan(40_000);
    expect(lines.length).toBeLessThan(10);
    expect(lines.join("\n")).toContain("503");
  });
});

describe("onStateChange", () => {
  it("may emit into the queue from the listener (lifecycle audit events) without breaking accounting", async () => {
    const sink = new ScriptSink().script(retryable(), { status: "success" }, failure(true));
    const q: DeliveryQueue = new DeliveryQueue(sink, opts({ maxBatchSize: 1, maxConcurrency: 1 }), {
      random: () => 0,
      onStateChange: (c) => {
        q.push(audit(`lifecycle-${c.to}`));
        throw new Error("listener bug"); // ignored
      },
    });
    q.push(scan("s"));
    await vi.advanceTimersByTimeAsync(50);
    const s = q.stats();
    expect(s.state).toBe("disabled");
    expect(sink.ids()).toEqual(["s", "s", "lifecycle-backoff"]);
    expect(s.delivered).toBe(1);
    expect(s.dropped.rejected).toBe(1); // lifecycle-backoff, refused with disable
    expect(s.dropped.disabled).toBe(2); // lifecycle-active (queued) and lifecycle-disabled (pushed while disabling)
    expectInvariant(s);
  });
});

describe("a partial success", () => {
  it("counts the events the collector refused as dropped rejected, logs its reason, and sends nothing again", async () => {
    const lines: string[] = [];
    const logger = { debug: () => {}, info: () => {}, warn: (m: string) => void lines.push(m), error: (m: string) => void lines.push(m) };
    const sink = new ScriptSink("s").script({
      status: "success",
      rejected: { count: 3, error: new Error("collector: 3 log records had no body") },
    });
    const q = new DeliveryQueue(sink, { maxBatchSize: 5, flushIntervalMs: 10 }, { logger });
    for (let i = 0; i < 5; i++) q.push(scan());
    expect(await q.flush(1000)).toBe(true);
    const stats = q.stats();
    expect([stats.delivered, stats.dropped.rejected, stats.retried, sink.calls.length]).toEqual([2, 3, 0, 1]);
    expect(lines.join("\n")).toContain("dropped 3 events (rejected): collector: 3 log records had no body");
    expectInvariant(stats);
    await q.close(100);
  });

  it("never counts more refused events than the batch held, nor a nonsense count", async () => {
    const sink = new ScriptSink("s").script(
      { status: "success", rejected: { count: 99, error: new Error("all") } },
      { status: "success", rejected: { count: Number.NaN, error: new Error("?") } },
    );
    const q = new DeliveryQueue(sink, { maxBatchSize: 4, flushIntervalMs: 10 });
    for (let i = 0; i < 4; i++) q.push(scan());
    expect(await q.flush(1000)).toBe(true);
    for (let i = 0; i < 4; i++) q.push(scan());
    expect(await q.flush(1000)).toBe(true);
    const stats = q.stats();
    expect([stats.delivered, stats.dropped.rejected]).toEqual([4, 4]);
    expectInvariant(stats);
    await q.close(100);
  });
});

describe("events a sink could not serialize", () => {
  it("counts a success's malformed events as dropped and the rest as delivered", async () => {
    const sink = new ScriptSink("s").script(
      { status: "success", malformed: 2 },
      { status: "failure", error: new IwError("IW_SERIALIZE", "nothing serializable") },
    );
    const q = new DeliveryQueue(sink, { maxBatchSize: 5, flushIntervalMs: 10 });
    for (let i = 0; i < 5; i++) q.push(scan());
    expect(await q.flush(1000)).toBe(true);
    for (let i = 0; i < 3; i++) q.push(scan());
    expect(await q.flush(1000)).toBe(true);
    const stats = q.stats();
    // The unencodable batch is split until the events at fault stand alone; here the halves go
    // through, so only the success's own 2 are lost.
    expect([stats.delivered, stats.dropped.malformed, stats.dropped.rejected]).toEqual([6, 2, 0]);
    expectInvariant(stats);
    await q.close(100);
  });
});
