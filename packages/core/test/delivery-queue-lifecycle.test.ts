import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DeliveryQueue } from "../src/delivery/delivery-queue.js";
import type { QueueOptions } from "../src/delivery/queue-options.js";
import type { SendResult } from "../src/sink/sink.js";
import { ScriptSink, expectInvariant, retryable, scan } from "./helpers/script-sink.js";

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

describe("flush", () => {
  it("sends partial batches at once and resolves true when drained", async () => {
    const sink = new ScriptSink();
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 100, flushIntervalMs: 60_000 }));
    q.push(scan());
    q.push(scan());
    const drained = q.flush(1000);
    await vi.advanceTimersByTimeAsync(0);
    expect(await drained).toBe(true);
    expect(sink.calls.map((c) => c.batch.length)).toEqual([2]);
  });

  it("resolves true at once when there is nothing to send", async () => {
    const q = new DeliveryQueue(new ScriptSink(), opts());
    expect(await q.flush()).toBe(true);
  });

  it("shares one promise between concurrent calls and resolves false at the deadline without rejecting", async () => {
    const sink = new ScriptSink();
    sink.fallback = "hang";
    const q = new DeliveryQueue(sink, opts({ attemptTimeoutMs: 60_000 }));
    q.push(scan());
    const a = q.flush(5000);
    const b = q.flush(1000);
    expect(b).toBe(a); // a shorter wait rides along with the longer one
    const c = q.flush(9000);
    expect(c).not.toBe(a); // a longer one is not answered by an earlier, shorter deadline
    await vi.advanceTimersByTimeAsync(5000);
    await expect(a).resolves.toBe(false);
    let settled = false;
    void c.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(3999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(c).resolves.toBe(false);
    expect(q.flush(1000)).not.toBe(a); // a new flush after the first one settled
  });

  it("waits for a retry to succeed", async () => {
    const sink = new ScriptSink().script(retryable(300));
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 100 }));
    q.push(scan());
    const drained = q.flush(1000);
    await vi.advanceTimersByTimeAsync(299);
    expect(q.stats().inFlight).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await drained).toBe(true);
    expect(q.stats().delivered).toBe(1);
  });
});

describe("close", () => {
  it("flushes, closes the sink once, and is idempotent", async () => {
    const sink = new ScriptSink();
    const q = new DeliveryQueue(sink, opts());
    q.push(scan());
    const a = q.close(1000);
    const b = q.close(1000);
    expect(b).toBe(a);
    await vi.advanceTimersByTimeAsync(0);
    expect(await a).toBe(true);
    expect(await q.close()).toBe(true);
    expect(sink.closeCalls).toBe(1);
    expect(q.stats().delivered).toBe(1);
  });

  it("aborts in-flight requests at the deadline and counts leftovers as closed", async () => {
    const sink = new ScriptSink();
    sink.fallback = "hang";
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 2, maxConcurrency: 1, attemptTimeoutMs: 60_000 }));
    for (let i = 0; i < 5; i++) q.push(scan());
    await vi.advanceTimersByTimeAsync(0);
    const closing = q.close(2000);
    await vi.advanceTimersByTimeAsync(1999);
    expect(sink.calls[0]!.ctx.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(closing).resolves.toBe(false);
    expect(sink.calls[0]!.ctx.signal.aborted).toBe(true);
    expect((sink.calls[0]!.ctx.signal.reason as { code?: string }).code).toBe("IW_CLOSED");
    const s = q.stats();
    expect(s.dropped.closed).toBe(5);
    expect(s).toMatchObject({ queued: 0, inFlight: 0 });
    expectInvariant(s);
    expect(sink.closeCalls).toBe(1);
  });

  it("sends a batch waiting for a retry at once, and drops it when the collector still fails", async () => {
    const sink = new ScriptSink();
    sink.fallback = retryable(10_000);
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 1, retryMaxMs: 10_000 }));
    q.push(scan());
    await vi.advanceTimersByTimeAsync(0);
    const closing = q.close(500);
    await vi.advanceTimersByTimeAsync(500);
    expect(await closing).toBe(false);
    expect(q.stats().dropped.closed).toBe(1);
    expect(sink.calls).toHaveLength(2); // the 10 s backoff did not hold close() back
  });

  it("drops events pushed after close as closed", async () => {
    const q = new DeliveryQueue(new ScriptSink(), opts());
    await q.close();
    q.push(scan());
    expect(q.stats().dropped.closed).toBe(1);
    expectInvariant(q.stats());
  });

  it("resolves a pending flush with false when close gives up", async () => {
    const sink = new ScriptSink();
    sink.fallback = "hang";
    const q = new DeliveryQueue(sink, opts({ attemptTimeoutMs: 60_000 }));
    q.push(scan());
    const flushing = q.flush(30_000);
    const closing = q.close(100);
    await vi.advanceTimersByTimeAsync(100);
    await expect(closing).resolves.toBe(false);
    await expect(flushing).resolves.toBe(false);
  });

  it("never rejects, even if the sink's close throws or never settles", async () => {
    const sink = new ScriptSink();
    sink.close = () => new Promise(() => {});
    const q = new DeliveryQueue(sink, opts());
    const closing = q.close(100);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(closing).resolves.toBe(true);
    const sink2 = new ScriptSink();
    sink2.close = () => {
      throw new Error("boom");
    };
    await expect(new DeliveryQueue(sink2, opts()).close(100)).resolves.toBe(true);
  });

  it("leaves no timer behind", async () => {
    const sink = new ScriptSink().script("hang", retryable(5000));
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 1, attemptTimeoutMs: 60_000, retryMaxMs: 60_000 }));
    q.push(scan());
    q.push(scan());
    q.push(scan()); // waits for its age timer: concurrency 2 is full
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    const closing = q.close(100);
    await vi.advanceTimersByTimeAsync(100);
    await closing;
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("options", () => {
  it("rejects a nonsensical option with a clear error", () => {
    expect(() => new DeliveryQueue(new ScriptSink("x"), { maxBatchSize: 0 })).toThrow(
      /x: queue option maxBatchSize is 0; expected a number >= 1/,
    );
  });
});

describe("flush and close without a deadline", () => {
  it("treat Infinity (or any delay past setTimeout's 2^31-1 ms) as no deadline, not as 1 ms", async () => {
    vi.useRealTimers(); // Node's own clamp of oversized delays is what is tested
    const sink = new ScriptSink().script(retryable(30));
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 100 }));
    q.push(scan());
    expect(await q.flush(Number.POSITIVE_INFINITY)).toBe(true);
    q.push(scan());
    expect(await q.close(3_000_000_000)).toBe(true);
    expect(q.stats()).toMatchObject({ delivered: 2, dropped: { total: 0 } });
  });
});

describe("timer options past setTimeout's limit", () => {
  it("an attemptTimeoutMs of Infinity is no deadline, not a 1 ms one", async () => {
    vi.useRealTimers();
    const slow = (): Promise<SendResult> => new Promise((resolve) => setTimeout(() => resolve({ status: "success" }), 30));
    const sink = new ScriptSink().script(slow);
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 1, attemptTimeoutMs: Number.POSITIVE_INFINITY }));
    q.push(scan());
    expect(await q.flush(2000)).toBe(true);
    expect(q.stats()).toMatchObject({ delivered: 1, retried: 0 });
    expect(sink.calls).toHaveLength(1);
  });
});
