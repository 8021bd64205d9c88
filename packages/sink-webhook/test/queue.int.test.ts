import { afterEach, describe, expect, it } from "vitest";
import { DeliveryQueue } from "../../core/src/delivery/index.js";
import { plugin, WebhookSink } from "../src/index.js";
import { countingScan, mixedBatch, SECRET_A } from "./fixtures.js";
import { startRawServer } from "./helpers.js";
import type { RawServer } from "./helpers.js";
import { computeWebhookSignature, startWebhookReceiver } from "./testkit.js";
import type { WebhookReceiver } from "./testkit.js";

let receiver: WebhookReceiver | undefined;
let raw: RawServer | undefined;
let queue: DeliveryQueue | undefined;

afterEach(async () => {
  await queue?.close(1000);
  await receiver?.close();
  await raw?.close();
  queue = receiver = raw = undefined;
});

const AUTH_PAUSE_MS = 250;
const FAST = {
  flushIntervalMs: 10,
  retryInitialMs: 20,
  retryMaxMs: 200,
  // The deadline the plugin asks core for (15 s).
  attemptTimeoutMs: plugin.queueDefaults!.attemptTimeoutMs!,
  maxBatchSize: 5,
  authPauseMs: AUTH_PAUSE_MS,
};

async function start(fault?: Parameters<WebhookReceiver["setFault"]>[0]) {
  receiver = await startWebhookReceiver({ secrets: [SECRET_A] });
  if (fault) await receiver.setFault(fault);
  queue = new DeliveryQueue(new WebhookSink({ url: receiver.url, secret: SECRET_A }), FAST);
  return { receiver, queue };
}

describe("WebhookSink behind core's DeliveryQueue", () => {
  it("keeps events refused with 401/403, pausing core's authPauseMs after each refusal, and delivers them under the same webhook-id", async () => {
    const { receiver, queue } = await start({ mode: "status", status: 403, count: 2 });
    const started = Date.now();
    for (const e of mixedBatch(5)) queue.push(e);
    expect(await queue.flush(5000)).toBe(true);
    // The pause comes from reason "auth" alone: the sink no longer sends a retryAfterMs. Core caps
    // it with retryMaxMs, like every pause.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * Math.min(AUTH_PAUSE_MS, FAST.retryMaxMs) - 20);
    expect(receiver.requests.map((r) => r.status)).toEqual([403, 403, 200]);
    expect(new Set(receiver.webhookIds()).size).toBe(1);
    expect(receiver.distinctEvents).toBe(5);
    expect(queue.stats()).toMatchObject({ delivered: 5, dropped: { total: 0 } });
  });

  it("delivers every event once through 503s with Retry-After, reusing each batch's webhook-id", async () => {
    const { receiver, queue } = await start({ mode: "status", status: 503, retryAfter: "0", count: 2 });
    for (const e of mixedBatch(5)) queue.push(e);
    expect(await queue.flush(5000)).toBe(true);
    expect(receiver.distinctEvents).toBe(5);
    const ids = receiver.webhookIds();
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
    const s = queue.stats();
    expect(s).toMatchObject({ emitted: 5, delivered: 5, queued: 0, inFlight: 0 });
    expect(s.dropped.total).toBe(0);
  });

  it("encodes a batch once across 503, 503, 200: the same bytes every attempt, each attempt signed anew", async () => {
    const { receiver, queue } = await start({ mode: "status", status: 503, retryAfter: "0", count: 2 });
    const counted = countingScan();
    for (const e of [...mixedBatch(4), counted.event]) queue.push(e);
    expect(await queue.flush(5000)).toBe(true);
    const reqs = receiver.requests;
    expect(reqs.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(counted.encodes()).toBe(1);
    for (const r of reqs) {
      expect(r.body.equals(reqs[0]!.body)).toBe(true);
      expect(r.webhookId).toBe(reqs[0]!.webhookId);
      expect(r.headers["webhook-signature"]).toBe(computeWebhookSignature(SECRET_A, r.webhookId!, r.timestamp!, r.body));
    }
    expect(receiver.distinctEvents).toBe(5);
    expect(queue.stats()).toMatchObject({ delivered: 5, retried: 2, dropped: { total: 0 } });
  });

  it("counts a 200 whose body never ends as delivered, once, and never sends the batch again", async () => {
    raw = await startRawServer((res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("accepted, and then nothing more");
    });
    queue = new DeliveryQueue(new WebhookSink({ url: raw.url }), { ...FAST, attemptTimeoutMs: 300 });
    for (const e of mixedBatch(5)) queue.push(e);
    const flushed = await queue.flush(3000);
    expect(raw.bodies).toHaveLength(1);
    expect(flushed).toBe(true);
    expect(queue.stats()).toMatchObject({ delivered: 5, retried: 0, dropped: { total: 0 }, queued: 0, inFlight: 0 });
  });

  it("410 Gone disables the destination for good: later events are dropped as disabled", async () => {
    const { receiver, queue } = await start({ mode: "status", status: 410 });
    for (const e of mixedBatch(5)) queue.push(e);
    await queue.flush(5000);
    await receiver.setFault({ mode: "none" });
    for (const e of mixedBatch(3)) queue.push(e);
    await queue.flush(2000);
    const s = queue.stats();
    expect(s.state).toBe("disabled");
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.distinctEvents).toBe(0);
    expect(s.delivered).toBe(0);
    expect(s.dropped.total).toBe(8);
    expect(s.dropped.disabled).toBeGreaterThanOrEqual(3);
    expect(s.emitted).toBe(s.delivered + s.dropped.total + s.queued + s.inFlight);
  });

  it("413 makes the queue split the batch until the halves fit", async () => {
    receiver = await startWebhookReceiver({ maxBodyBytes: 1500 });
    queue = new DeliveryQueue(new WebhookSink({ url: receiver.url }), { ...FAST, maxBatchSize: 8 });
    for (const e of mixedBatch(8)) queue.push(e);
    expect(await queue.flush(5000)).toBe(true);
    expect(receiver.distinctEvents).toBe(8);
    expect(receiver.requests.some((r) => r.status === 413)).toBe(true);
  });

  it("a redirect is a permanent failure: the batch is dropped as rejected, the target never reached", async () => {
    const { receiver, queue } = await start({ mode: "redirect", status: 307 });
    for (const e of mixedBatch(5)) queue.push(e);
    await queue.flush(5000);
    const s = queue.stats();
    expect(s.dropped.rejected).toBe(5);
    expect(s.lastError?.message).toContain("redirect");
    expect(receiver.requests.every((r) => r.path === "/hook")).toBe(true);
  });
});
