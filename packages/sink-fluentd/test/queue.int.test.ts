import { afterEach, describe, expect, it } from "vitest";
import { DeliveryQueue, type QueueOptions } from "@iw/core";
import { createFluentdSink } from "../src/index.js";
import { events, recordingLogger, startFluentdReceiver, type FluentdReceiver } from "./helpers.js";

const FAST: Partial<QueueOptions> = { flushIntervalMs: 10, retryInitialMs: 20, retryMaxMs: 100, attemptTimeoutMs: 500, maxBatchSize: 50 };

let receiver: FluentdReceiver | undefined;
let queue: DeliveryQueue | undefined;
afterEach(async () => {
  await queue?.close(1000);
  await receiver?.close();
  queue = receiver = undefined;
});

function invariant(q: DeliveryQueue): void {
  const s = q.stats();
  expect(s.emitted).toBe(s.delivered + s.dropped.total + s.queued + s.inFlight);
}

describe("Fluentd sink behind core's DeliveryQueue", () => {
  it("a receiver restarted mid-stream loses nothing with acks on", async () => {
    receiver = await startFluentdReceiver();
    queue = new DeliveryQueue(createFluentdSink({ url: new URL(receiver.url) }), FAST);
    const all = events(600);
    for (const e of all.slice(0, 200)) queue.push(e);
    await receiver.waitForEvents(1);
    await receiver.down();
    for (const e of all.slice(200, 400)) queue.push(e);
    await new Promise((r) => setTimeout(r, 200));
    await receiver.up();
    for (const e of all.slice(400)) queue.push(e);
    expect(await queue.flush(5000)).toBe(true);
    expect(receiver.distinctEvents).toBe(600);
    expect(receiver.distinctTagCounts()).toEqual({ "inferwall.scan": 300, "inferwall.audit": 300 });
    const s = queue.stats();
    expect([s.delivered, s.dropped.total]).toEqual([600, 0]);
    expect(s.retried).toBeGreaterThan(0);
    invariant(queue);
  });

  it("resets before the ack are retried under the same chunk id and the receiver sees no loss", async () => {
    receiver = await startFluentdReceiver();
    receiver.setFault({ kind: "reset_before_ack", times: 3 });
    queue = new DeliveryQueue(createFluentdSink({ url: new URL(receiver.url) }), FAST);
    for (const e of events(120, "scan")) queue.push(e);
    expect(await queue.flush(5000)).toBe(true);
    expect(receiver.distinctEvents).toBe(120);
    const dropped = receiver.messages.filter((m) => m.outcome === "dropped");
    expect(dropped).toHaveLength(3);
    const acked = new Set(receiver.messages.filter((m) => m.outcome === "acked").map((m) => m.option["chunk"]));
    for (const m of dropped) expect(acked.has(m.option["chunk"])).toBe(true);
    expect(queue.stats().retried).toBeGreaterThanOrEqual(3);
  });

  it.each(["fluentd", "fluent-bit"] as const)("a wrong shared key keeps events queued and counted (%s); they arrive once the receiver is fixed", async (flavour) => {
    receiver = await startFluentdReceiver({ flavour, security: { sharedKey: "server-key" } });
    const log = recordingLogger();
    queue = new DeliveryQueue(createFluentdSink({ url: new URL(receiver.url), sharedKey: "client-key", authRetryMs: 50 }, { logger: log.logger }), FAST, { logger: log.logger });
    for (const e of events(40)) queue.push(e);
    expect(await queue.flush(400)).toBe(false);
    const stuck = queue.stats();
    expect(stuck.dropped.total).toBe(0);
    expect(stuck.queued + stuck.inFlight).toBe(40);
    expect(stuck.lastError?.message).toMatch(/IW_FLUENTD_SHARED_KEY/);
    invariant(queue);
    receiver.setSecurity({ sharedKey: "client-key" });
    expect(await queue.flush(3000)).toBe(true);
    expect(receiver.distinctEvents).toBe(40);
    expect(queue.stats().delivered).toBe(40);
  });

  it("a wrong password keeps events queued; fixing the user on the receiver delivers them", async () => {
    receiver = await startFluentdReceiver({ security: { sharedKey: "k", users: [{ username: "iw", password: "other" }] } });
    queue = new DeliveryQueue(createFluentdSink({ url: new URL(receiver.url), sharedKey: "k", username: "iw", password: "pw", authRetryMs: 50 }), FAST);
    for (const e of events(10)) queue.push(e);
    expect(await queue.flush(300)).toBe(false);
    expect(queue.stats().dropped.total).toBe(0);
    receiver.setSecurity({ sharedKey: "k", users: [{ username: "iw", password: "pw" }] });
    expect(await queue.flush(3000)).toBe(true);
    expect(receiver.distinctEvents).toBe(10);
  });

  it("close() with the collector down resolves and keeps nothing alive", async () => {
    receiver = await startFluentdReceiver();
    await receiver.down();
    queue = new DeliveryQueue(createFluentdSink({ url: new URL(receiver.url) }), FAST);
    for (const e of events(5)) queue.push(e);
    expect(await queue.close(200)).toBe(false);
    expect(queue.stats().dropped.closed).toBe(5);
  });
});
