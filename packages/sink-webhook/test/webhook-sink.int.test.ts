import { afterEach, describe, expect, it } from "vitest";
import { WebhookSink } from "../src/index.js";
import type { WebhookSinkOptions } from "../src/index.js";
import { blockedScan, countingScan, mixedBatch, SECRET_A } from "./fixtures.js";
import { ctx, recordingLogger } from "./helpers.js";
import { startWebhookReceiver } from "./testkit.js";
import type { WebhookReceiver } from "./testkit.js";

let receiver: WebhookReceiver | undefined;
let sink: WebhookSink | undefined;

afterEach(async () => {
  await sink?.close();
  await receiver?.close();
  sink = receiver = undefined;
});

async function setup(options: Partial<WebhookSinkOptions> = {}, secrets: string[] = [SECRET_A]) {
  receiver = await startWebhookReceiver({ secrets });
  sink = new WebhookSink({ url: receiver.url, secret: SECRET_A, ...options });
  return { receiver, sink };
}

describe("WebhookSink.send", () => {
  it("delivers a signed JSON batch that a strict receiver verifies", async () => {
    const { receiver, sink } = await setup();
    const batch = mixedBatch(5);
    expect(await sink.send(batch, ctx())).toEqual({ status: "success" });
    expect(receiver.distinctEvents).toBe(5);
    const req = receiver.requests[0]!;
    expect(req.status).toBe(200);
    expect(req.method).toBe("POST");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.body.toString()).toBe(JSON.stringify(batch));
  });

  it("uses PUT and adds the custom headers when configured", async () => {
    const { receiver, sink } = await setup({ method: "PUT", headers: { "X-Tenant": "acme" } });
    expect((await sink.send([blockedScan()], ctx())).status).toBe("success");
    expect(receiver.requests[0]!.method).toBe("PUT");
    expect(receiver.requests[0]!.headers["x-tenant"]).toBe("acme");
  });

  it("turns URL credentials into a Basic authorization header and never prints them", async () => {
    receiver = await startWebhookReceiver();
    const url = new URL(receiver.url);
    url.username = "iw";
    url.password = "s3cret-pass";
    sink = new WebhookSink({ url });
    await receiver.setFault({ mode: "status", status: 500 });
    const result = await sink.send([blockedScan()], ctx());
    expect(receiver.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from("iw:s3cret-pass").toString("base64")}`);
    expect(result.status).toBe("retryable");
    expect(JSON.stringify(result) + String((result as { error: Error }).error.message)).not.toContain("s3cret-pass");
  });

  it("reuses one keep-alive connection for consecutive batches", async () => {
    const { receiver, sink } = await setup();
    for (let i = 0; i < 6; i++) expect((await sink.send([blockedScan(i)], ctx())).status).toBe("success");
    const ports = new Set(receiver.requests.map((r) => r.remotePort));
    expect(receiver.requests).toHaveLength(6);
    // undici may open a second socket while the first is being released; never one per batch.
    expect(ports.size).toBeLessThanOrEqual(2);
  });

  it("refuses to send after close, and close is idempotent", async () => {
    const { receiver, sink } = await setup();
    await Promise.all([sink.close(), sink.close()]);
    const result = await sink.send([blockedScan()], ctx());
    expect(result).toMatchObject({ status: "failure", reason: "closed", error: { code: "IW_CLOSED" } });
    expect(receiver.requests).toHaveLength(0);
  });

  it("leaves out only the events it cannot serialize, signs and delivers the rest, and counts them malformed", async () => {
    const { receiver, sink } = await setup();
    const [a, b] = [blockedScan(), blockedScan()];
    const bad = { ...blockedScan(), policy: 1n } as unknown as ReturnType<typeof blockedScan>;
    expect(await sink.send([a, bad, b], ctx())).toEqual({ status: "success", malformed: 1 });
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.status).toBe(200);
    expect(receiver.requests[0]!.body.toString()).toBe(JSON.stringify([a, b]));
  });

  it("fails a batch it cannot serialize without sending anything", async () => {
    const { receiver, sink } = await setup();
    const bad = { ...blockedScan(), policy: 1n } as unknown as ReturnType<typeof blockedScan>;
    expect(await sink.send([bad], ctx())).toMatchObject({ status: "failure", reason: "serialize", error: { code: "IW_SERIALIZE" } });
    expect(receiver.requests).toHaveLength(0);
  });

  it("logs a warning when TLS verification is turned off", () => {
    const logger = recordingLogger();
    sink = new WebhookSink({ url: "https://127.0.0.1:9/x", tlsVerify: false }, logger);
    expect(logger.lines).toEqual([{ level: "warn", message: expect.stringContaining("TLS certificate verification is OFF") as string }]);
  });
});

describe("WebhookSink.prepare", () => {
  const bad = (): ReturnType<typeof blockedScan> => ({ ...blockedScan(), policy: 1n }) as unknown as ReturnType<typeof blockedScan>;

  it("encodes the whole batch, listing no events when every one could be encoded", async () => {
    const { sink } = await setup();
    const batch = mixedBatch(3);
    const prepared = sink.prepare(batch);
    expect(prepared.events).toBeUndefined();
    expect(prepared.payload).toEqual({ body: Buffer.from(JSON.stringify(batch)), contentType: "application/json" });
  });

  it("leaves out the events it cannot serialize and lists the ones the payload carries", async () => {
    const { sink } = await setup();
    const [a, b] = [blockedScan(1), blockedScan(2)];
    const prepared = sink.prepare([a, bad(), b]);
    expect(prepared.events).toEqual([a, b]);
    expect(prepared.payload.body.toString()).toBe(JSON.stringify([a, b]));
  });

  it("throws IW_SERIALIZE when no event can be serialized (the queue counts them malformed)", async () => {
    const { sink } = await setup();
    expect(() => sink.prepare([bad()])).toThrow(expect.objectContaining({ code: "IW_SERIALIZE" }) as Error);
  });

  it("send with ctx.payload delivers exactly those bytes and serializes nothing again", async () => {
    const { receiver, sink } = await setup();
    const counted = countingScan();
    const batch = [blockedScan(1), counted.event];
    const { payload } = sink.prepare(batch);
    await receiver.setFault({ mode: "status", status: 500, count: 1 });
    expect((await sink.send(batch, ctx(2000, "b-1", 1, payload))).status).toBe("retryable");
    expect(await sink.send(batch, ctx(2000, "b-1", 2, payload))).toEqual({ status: "success" });
    expect(counted.encodes()).toBe(1);
    expect(receiver.requests.map((r) => r.body.equals(payload.body))).toEqual([true, true]);
    expect(receiver.distinctEvents).toBe(2);
  });
});

describe("WebhookSink.send with an empty batch", () => {
  it("succeeds without a request", async () => {
    const { receiver, sink } = await setup();
    expect(await sink.send([], ctx())).toEqual({ status: "success" });
    expect(receiver.requests).toHaveLength(0);
  });
});
