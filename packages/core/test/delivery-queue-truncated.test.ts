import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DeliveryQueue } from "../src/delivery/delivery-queue.js";
import { ScriptSink, expectInvariant, retryable, scan } from "./helpers/script-sink.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("truncated", () => {
  it("counts the events a sink delivered shortened, as delivered, once per delivered batch", async () => {
    const sink = new ScriptSink().script(retryable(), { status: "success", truncated: 2 }, { status: "success", truncated: 99 });
    const q = new DeliveryQueue(sink, { flushIntervalMs: 1000, maxBatchSize: 3, retryInitialMs: 1, retryMaxMs: 1 });
    for (let i = 0; i < 6; i++) q.push(scan());
    expect(await q.flush(1000)).toBe(true);
    const s = q.stats();
    // The retried batch counts its 2 once; the second batch claims 99 of 3: capped at its size.
    expect(s).toMatchObject({ emitted: 6, delivered: 6, truncated: 5 });
    expect(s.dropped.total).toBe(0);
    expectInvariant(s);
  });
});
