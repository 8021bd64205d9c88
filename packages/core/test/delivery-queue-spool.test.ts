import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DeliveryQueue } from "../src/delivery/delivery-queue.js";
import type { QueueOptions } from "../src/delivery/queue-options.js";
import type { Logger } from "../src/diagnostics/logger.js";
import type { SinkStats } from "../src/delivery/stats.js";
import { MemorySpool } from "./helpers/memory-spool.js";
import { ScriptSink, audit, retryable, scan } from "./helpers/script-sink.js";

const opts = (o: Partial<QueueOptions> = {}): Partial<QueueOptions> => ({ flushIntervalMs: 10, retryInitialMs: 10, retryMaxMs: 50, ...o });

/** The invariant with a spool: every event is delivered, dropped, held in memory or held on disk. */
function expectSpoolInvariant(s: SinkStats): void {
  expect(s.emitted, JSON.stringify(s)).toBe(s.delivered + s.dropped.total + s.queued + s.inFlight + s.spooled);
  expect(s.heldBytes).toBeLessThanOrEqual(s.budgetBytes);
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("DeliveryQueue with a spool", () => {
  it("appends every event and acknowledges each once it is delivered", async () => {
    const spool = new MemorySpool();
    const sink = new ScriptSink();
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 10 }), { spool });
    for (let i = 0; i < 25; i++) q.push(scan(`s${i}`));
    const flushed = q.flush(5000);
    await vi.advanceTimersByTimeAsync(100);
    expect(await flushed).toBe(true);
    expect(spool.appended).toHaveLength(25);
    expect(spool.unacked).toBe(0);
    expect(sink.ids()).toEqual(Array.from({ length: 25 }, (_, i) => `s${i}`));
    expectSpoolInvariant(q.stats());
  });

  it("keeps memory within the budget during an outage, holds the rest on disk, and delivers all of it in order on recovery", async () => {
    const spool = new MemorySpool();
    const sink = new ScriptSink();
    let down = true;
    sink.fallback = () => (down ? retryable() : { status: "success" });
    const q = new DeliveryQueue(
      sink,
      opts({ maxBatchSize: 20, maxQueueBytes: 64 * 1024, auditReserveBytes: 8 * 1024, maxConcurrency: 1 }),
      { spool, random: () => 0.5 },
    );
    const ids: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const id = i % 50 === 0 ? `a${i}` : `s${i}`;
      ids.push(id);
      q.push(id.startsWith("a") ? audit(id) : scan(id));
      if (i % 100 === 0) {
        await vi.advanceTimersByTimeAsync(20);
        expectSpoolInvariant(q.stats());
      }
    }
    const during = q.stats();
    expect(during.spooled).toBeGreaterThan(1000);
    expect(during.dropped.total).toBe(0);
    down = false;
    const flushed = q.flush(60_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await flushed).toBe(true);
    const s = q.stats();
    expect(s).toMatchObject({ delivered: 2000, spooled: 0, queued: 0, inFlight: 0, dropped: { total: 0 } });
    const delivered = sink.calls
      .filter((c) => c.batch.length > 0 && sink.calls.indexOf(c) >= 0)
      .flatMap((c) => c.batch.map((e) => e.event_id));
    const firstDelivery = new Map<string, number>();
    delivered.forEach((id, i) => firstDelivery.has(id) || firstDelivery.set(id, i));
    // Every event arrived, and each lane kept its order.
    expect(new Set(delivered)).toEqual(new Set(ids));
    const order = (prefix: string) => ids.filter((id) => id.startsWith(prefix)).map((id) => firstDelivery.get(id)!);
    expect(order("s")).toEqual([...order("s")].sort((a, b) => a - b));
    expect(order("a")).toEqual([...order("a")].sort((a, b) => a - b));
    expect(spool.unacked).toBe(0);
  });

  it("replays an earlier run's backlog before new events, and says so once", async () => {
    const first = new MemorySpool();
    const dead = new ScriptSink();
    dead.fallback = retryable();
    const q1 = new DeliveryQueue(dead, opts({ maxBatchSize: 5 }), { spool: first, random: () => 0.5 });
    for (let i = 0; i < 12; i++) q1.push(scan(`old${i}`));
    const closing = q1.close(100);
    await vi.advanceTimersByTimeAsync(2000);
    await closing;
    expect(q1.stats()).toMatchObject({ spooled: 12, dropped: { closed: 0, total: 0 } });
    expectSpoolInvariant(q1.stats());

    const lines: string[] = [];
    const log = (m: string): void => void lines.push(m);
    const logger: Logger = { debug: log, info: log, warn: log, error: log };
    const sink = new ScriptSink();
    const q2 = new DeliveryQueue(sink, opts({ maxBatchSize: 5 }), { spool: first.restart(), logger });
    q2.push(scan("new0"));
    const flushed = q2.flush(5000);
    await vi.advanceTimersByTimeAsync(200);
    expect(await flushed).toBe(true);
    expect(sink.ids()).toEqual([...Array.from({ length: 12 }, (_, i) => `old${i}`), "new0"]);
    expect(lines.filter((l) => l.includes("replaying 12 events left in the spool"))).toHaveLength(1);
    expect(q2.stats()).toMatchObject({ emitted: 13, delivered: 13, spooled: 0 });
  });

  it("says at close how many events it keeps on disk, counting those that never fitted in memory", async () => {
    const spool = new MemorySpool();
    const sink = new ScriptSink();
    sink.fallback = retryable();
    const lines: string[] = [];
    const log = (m: string): void => void lines.push(m);
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 10, maxQueueBytes: 64 * 1024, auditReserveBytes: 0 }), {
      spool,
      random: () => 0.5,
      logger: { debug: log, info: log, warn: log, error: log },
    });
    for (let i = 0; i < 1000; i++) q.push(scan());
    expect(q.stats().spooled).toBeGreaterThan(0);
    const closing = q.close(10);
    await vi.advanceTimersByTimeAsync(2000);
    await closing;
    expect(q.stats()).toMatchObject({ spooled: 1000, dropped: { total: 0 } });
    expect(lines.filter((l) => l.includes("closed with 1000 events kept in the spool"))).toHaveLength(1);
    expect(spool.unacked).toBe(1000);
  });

  it("drops scan logs as spool_full when the disk bound is reached, and goes on delivering", async () => {
    const spool = new MemorySpool({ maxRecords: 10 });
    const sink = new ScriptSink();
    sink.fallback = retryable();
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 100 }), { spool, random: () => 0.5 });
    for (let i = 0; i < 15; i++) q.push(scan());
    expect(q.stats().dropped.spool_full).toBe(5);
    expectSpoolInvariant(q.stats());
    const closing = q.close(10);
    await vi.advanceTimersByTimeAsync(2000);
    await closing;
  });

  it("falls back to memory when the spool fails: what was only on disk is counted lost, the rest is delivered", async () => {
    const spool = new MemorySpool();
    const sink = new ScriptSink();
    let down = true;
    sink.fallback = () => (down ? retryable() : { status: "success" });
    const q = new DeliveryQueue(sink, opts({ maxBatchSize: 10, maxQueueBytes: 64 * 1024, auditReserveBytes: 0 }), {
      spool,
      random: () => 0.5,
    });
    for (let i = 0; i < 600; i++) q.push(scan());
    await vi.advanceTimersByTimeAsync(50);
    const spilled = q.stats().spooled;
    expect(spilled).toBeGreaterThan(0);
    spool.failed = new Error("EIO: i/o error");
    down = false;
    const flushed = q.flush(10_000);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await flushed).toBe(true);
    q.push(scan("after")); // memory only from now on
    const again = q.flush(10_000);
    await vi.advanceTimersByTimeAsync(100);
    expect(await again).toBe(true);
    const s = q.stats();
    expect(s.dropped.spool_failed).toBe(spilled);
    expect(s.delivered).toBe(601 - spilled);
    expect(sink.ids()).toContain("after");
    expect(spool.appended).toHaveLength(600);
    expectSpoolInvariant(s);
  });
});
