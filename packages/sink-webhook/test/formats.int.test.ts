import { afterEach, describe, expect, it } from "vitest";
import { WebhookSink } from "../src/index.js";
import type { WebhookFormat } from "../src/index.js";
import { blockedScan, failedLogin, mixedBatch, SECRET_A } from "./fixtures.js";
import { ctx } from "./helpers.js";
import { startWebhookReceiver } from "./testkit.js";
import type { WebhookReceiver } from "./testkit.js";

let receiver: WebhookReceiver | undefined;
let sink: WebhookSink | undefined;

afterEach(async () => {
  await sink?.close();
  await receiver?.close();
  sink = receiver = undefined;
});

async function deliver(format: WebhookFormat, batchSize: number) {
  receiver = await startWebhookReceiver({ secrets: [SECRET_A] });
  sink = new WebhookSink({ url: receiver.url, secret: SECRET_A, format, cloudEventsSource: "urn:inferwall:gw-1" });
  const batch = mixedBatch(batchSize);
  expect(await sink.send(batch, ctx())).toEqual({ status: "success" });
  return { batch, req: receiver.requests[0]!, receiver };
}

describe("formats on the wire (signed, parsed by the receiver)", () => {
  it.each([
    ["json", 3, "application/json", "json"],
    ["ndjson", 3, "application/x-ndjson", "ndjson"],
    ["cloudevents", 1, "application/cloudevents+json; charset=utf-8", "cloudevents"],
    ["cloudevents", 3, "application/cloudevents-batch+json; charset=utf-8", "cloudevents-batch"],
    ["summary", 3, "application/json", "summary"],
  ] as const)("%s with %i event(s): %s", async (format, n, contentType, seen) => {
    const { batch, req, receiver } = await deliver(format, n);
    expect(req.headers["content-type"]).toBe(contentType);
    expect(req.format).toBe(seen);
    expect(receiver.distinctEvents).toBe(n);
    expect(req.events.map((e) => e.event)).toEqual(batch);
    expect(req.events.map((e) => e.id)).toEqual(batch.map((e) => e.event_id));
  });

  it("cloudevents carry id, source, type, time and the event as data", async () => {
    const { batch, req } = await deliver("cloudevents", 2);
    expect(req.events.map((e) => e.envelope)).toEqual([
      expect.objectContaining({
        specversion: "1.0",
        id: batch[0]!.event_id,
        source: "urn:inferwall:gw-1",
        type: "com.inferwall.scan.block",
        time: batch[0]!.timestamp,
        datacontenttype: "application/json",
      }),
      expect.objectContaining({ id: batch[1]!.event_id, type: "com.inferwall.audit.auth" }),
    ]);
  });

  it("summary items read like an incident line", async () => {
    receiver = await startWebhookReceiver();
    sink = new WebhookSink({ url: receiver.url, format: "summary" });
    await sink.send([blockedScan(), failedLogin()], ctx());
    expect(receiver.requests[0]!.events.map((e) => e.envelope["summary"])).toEqual([
      "[InferenceWall] Prompt injection blocked (INJ-D-002)",
      "[InferenceWall] Audit auth: login_failed from 192.0.2.1",
    ]);
  });

  it("counts a retried batch once at the receiver (same event ids)", async () => {
    receiver = await startWebhookReceiver();
    sink = new WebhookSink({ url: receiver.url, format: "cloudevents" });
    const batch = mixedBatch(4);
    await receiver.setFault({ mode: "slow", delayMs: 400, count: 1 });
    expect((await sink.send(batch, ctx(100))).status).toBe("retryable");
    expect(await sink.send(batch, ctx())).toEqual({ status: "success" });
    await receiver.waitForRequests(2);
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.events).toHaveLength(8);
    expect(receiver.distinctEvents).toBe(4);
  });
});
