import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DeliveryQueue } from "../src/delivery/delivery-queue.js";
import type { QueueOptions } from "../src/delivery/queue-options.js";
import type { IwEvent } from "../src/events/events.js";
import { ScriptSink, audit, expectInvariant, scan } from "./helpers/script-sink.js";

const opts = (o: Partial<QueueOptions> = {}): Partial<QueueOptions> => ({ flushIntervalMs: 1000, ...o });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("push", () => {
  it("drops the newest scan log when the byte budget is full", async () => {
    const sink = new ScriptSink();
    const q = new DeliveryQueue(sink, opts({ maxQueueBytes: 400, auditReserveBytes: 100, maxBatchSize: 100 }), { sizeOf: () => 100 });
    for (const id of ["s1", "s2", "s3", "s4", "s5"]) q.push(scan(id));
    const s = q.stats();
    expect(s.dropped.queue_full).toBe(2);
    expect(s.queued).toBe(3);
    expectInvariant(s);
    expect(await q.flush(1000)).toBe(true);
    expect(sink.ids()).toEqual(["s1", "s2", "s3"]);
    expect(q.stats().delivered).toBe(3);
  });

  it("keeps every audit event when a flood of scan logs fills the budget: the audit reserve is theirs", async () => {
    const sink = new ScriptSink();
    const q = new DeliveryQueue(sink, opts({ maxQueueBytes: 800, auditReserveBytes: 300, maxBatchSize: 100 }), { sizeOf: () => 100 });
    q.push(audit("a1"));
    for (let i = 0; i < 1000; i++) q.push(scan(`s${i}`));
    q.push(audit("a2"));
    expect(q.stats().dropped.queue_full).toBe(995);
    await q.flush(1000);
    expect(sink.ids().filter((id) => id.startsWith("a"))).toEqual(["a1", "a2"]);
  });

  it("drops the newest audit event when the whole budget is full", async () => {
    const sink = new ScriptSink();
    const q = new DeliveryQueue(sink, opts({ maxQueueBytes: 200, auditReserveBytes: 100, maxBatchSize: 100 }), { sizeOf: () => 100 });
    for (const id of ["a1", "a2", "a3"]) q.push(audit(id));
    expect(q.stats().dropped.queue_full).toBe(1);
    await q.flush(1000);
    expect(sink.ids()).toEqual(["a1", "a2"]);
  });

  it("does not call the sink or the transform synchronously, and sizes an event once", () => {
    const sink = new ScriptSink();
    const transform = vi.fn((e: IwEvent) => e);
    const sizeOf = vi.fn(() => 10);
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 1 }), { transform, sizeOf });
    q.push(scan());
    q.push(scan(), 99); // a size given by the dispatcher is not estimated again
    expect(sink.calls).toHaveLength(0);
    expect(transform).not.toHaveBeenCalled();
    expect(sizeOf).toHaveBeenCalledTimes(1);
    expect(q.stats().heldBytes).toBe(109);
  });

  it("never throws, even for garbage", () => {
    const q = new DeliveryQueue(new ScriptSink(), opts());
    expect(() => q.push(null as never)).not.toThrow();
    expect(q.stats().dropped.malformed).toBe(1);
    expectInvariant(q.stats());
  });
});

describe("batching", () => {
  it("sends audit events before scan logs", async () => {
    const sink = new ScriptSink();
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 2, maxConcurrency: 1 }));
    q.push(scan("s1"));
    q.push(scan("s2"));
    q.push(audit("a1"));
    q.push(audit("a2"));
    await q.flush(1000);
    expect(sink.calls.map((c) => c.batch.map((e) => e.event_id))).toEqual([
      ["a1", "a2"],
      ["s1", "s2"],
    ]);
  });

  it("closes a batch as soon as it holds maxBatchSize events", async () => {
    const sink = new ScriptSink();
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 3 }));
    q.push(scan());
    q.push(scan());
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.calls).toHaveLength(0);
    q.push(scan());
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.calls.map((c) => c.batch.length)).toEqual([3]);
  });

  it("closes a partial batch when its first event is flushIntervalMs old", async () => {
    const sink = new ScriptSink();
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 100, flushIntervalMs: 1000 }));
    q.push(scan());
    await vi.advanceTimersByTimeAsync(500);
    q.push(scan());
    await vi.advanceTimersByTimeAsync(499);
    expect(sink.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.calls.map((c) => c.batch.length)).toEqual([2]);
    expect(q.stats().delivered).toBe(2);
  });

  it("closes batches on estimated bytes", async () => {
    const sink = new ScriptSink();
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 100, maxBatchBytes: 250 }), { sizeOf: () => 100 });
    for (let i = 0; i < 5; i++) q.push(scan());
    await q.flush(1000);
    expect(sink.calls.map((c) => c.batch.length)).toEqual([2, 2, 1]);
  });

  it("closes batches on bytes with the default estimate", async () => {
    const sink = new ScriptSink();
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 100, maxBatchBytes: 2600 }));
    const big = { ...scan(), policy: "x".repeat(900) } as ReturnType<typeof scan>;
    for (let i = 0; i < 4; i++) q.push({ ...big, event_id: `b${i}` });
    await q.flush(1000);
    expect(sink.calls.map((c) => c.batch.length)).toEqual([2, 2]);
  });

  it("sends an event larger than maxBatchBytes alone", async () => {
    const sink = new ScriptSink();
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 100, maxBatchBytes: 10 }), { sizeOf: () => 100 });
    q.push(scan());
    q.push(scan());
    await q.flush(1000);
    expect(sink.calls.map((c) => c.batch.length)).toEqual([1, 1]);
  });

  it("applies the transform at batch-assembly time and counts a throwing transform as malformed", async () => {
    const sink = new ScriptSink();
    const transform = vi.fn((e: ReturnType<typeof scan>) => {
      if (e.event_id === "bad") throw new Error("cannot redact");
      return { ...e, request_id: "redacted" } as typeof e;
    });
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 10 }), { transform });
    q.push(scan("ok"));
    q.push(scan("bad"));
    expect(transform).not.toHaveBeenCalled();
    await q.flush(1000);
    expect(sink.calls[0]!.batch).toHaveLength(1);
    expect((sink.calls[0]!.batch[0] as { request_id: string }).request_id).toBe("redacted");
    expect(q.stats().dropped.malformed).toBe(1);
    expectInvariant(q.stats());
  });
});

describe("concurrency", () => {
  it("keeps at most maxConcurrency batches in flight", async () => {
    const sink = new ScriptSink();
    sink.fallback = "manual";
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 2, maxConcurrency: 2 }));
    for (let i = 0; i < 10; i++) q.push(scan());
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.calls).toHaveLength(2);
    expect(q.stats().inFlight).toBe(4);
    expectInvariant(q.stats());
    sink.calls[0]!.resolve!({ status: "success" });
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.calls).toHaveLength(3);
    expect(q.stats().inFlight).toBe(4); // still two batches of two in flight
    expectInvariant(q.stats());
    for (const c of sink.calls.slice(1)) c.resolve!({ status: "success" });
    sink.fallback = { status: "success" };
    expect(await q.flush(1000)).toBe(true);
    expect(q.stats().delivered).toBe(10);
  });
});
