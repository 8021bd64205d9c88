import { describe, expect, it } from "vitest";
import { DeliveryQueue } from "../src/delivery/delivery-queue.js";
import { ScriptSink, retryable, scan } from "./helpers/script-sink.js";

// In a file of its own, with real timers only: the count of ref'd timers in this worker is
// the thing measured, and timers left by other tests (fake or real) would make it drift.
const opts = { flushIntervalMs: 1000, retryInitialMs: 100, retryMaxMs: 1000 };
const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("process lifetime (real timers)", () => {
  it("holds no ref'd timer while events wait, retry or hang; only an awaited flush's deadline is ref'd", async () => {
    const timeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    await tick(5); // let whatever the runner started settle
    const before = timeouts();
    const sink = new ScriptSink().script("hang", retryable(60_000));
    const q = new DeliveryQueue(sink, { ...opts, maxBatchSize: 1, attemptTimeoutMs: 60_000, retryMaxMs: 60_000, flushIntervalMs: 60_000 });
    q.push(scan());
    q.push(scan());
    q.push(scan());
    await tick(20);
    expect(sink.calls.length).toBe(2);
    expect(timeouts()).toBe(before);
    const pendingFlush = q.flush(60_000);
    expect(timeouts()).toBe(before + 1);
    await q.close(10);
    expect(await pendingFlush).toBe(false);
    expect(timeouts()).toBe(before);
  });
});
