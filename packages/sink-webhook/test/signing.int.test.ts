import { afterEach, describe, expect, it, vi } from "vitest";
import { request } from "undici";
import { WebhookSink } from "../src/index.js";
import { blockedScan, failedLogin, SECRET_A, SECRET_B } from "./fixtures.js";
import { ctx, recordingLogger } from "./helpers.js";
import { computeWebhookSignature, startWebhookReceiver } from "./testkit.js";
import type { WebhookReceiver } from "./testkit.js";

let receiver: WebhookReceiver | undefined;
let sink: WebhookSink | undefined;

afterEach(async () => {
  vi.useRealTimers();
  await sink?.close();
  await receiver?.close();
  sink = receiver = undefined;
});

describe("Standard Webhooks signing, verified by the testkit receiver's own implementation", () => {
  it("a receiver that knows only the old secret accepts during a rotation", async () => {
    receiver = await startWebhookReceiver({ secrets: [SECRET_B] });
    sink = new WebhookSink({ url: receiver.url, secret: [SECRET_A, SECRET_B] });
    expect(await sink.send([blockedScan()], ctx())).toEqual({ status: "success" });
    const signature = receiver.requests[0]!.headers["webhook-signature"] as string;
    expect(signature.split(" ")).toHaveLength(2);
  });

  it("a receiver that knows only the new secret accepts too", async () => {
    receiver = await startWebhookReceiver({ secrets: [SECRET_A] });
    sink = new WebhookSink({ url: receiver.url, secret: `${SECRET_A},${SECRET_B}` });
    expect(await sink.send([blockedScan()], ctx())).toEqual({ status: "success" });
  });

  it("a wrong secret is refused (401): the batch is kept for a retry, one clear diagnostic, never the secret", async () => {
    receiver = await startWebhookReceiver({ secrets: [SECRET_B] });
    const logger = recordingLogger();
    sink = new WebhookSink({ url: receiver.url, secret: SECRET_A }, logger);
    const first = await sink.send([blockedScan()], ctx());
    const second = await sink.send([blockedScan()], ctx());
    expect(receiver.requests.map((r) => r.status)).toEqual([401, 401]);
    expect(first).toMatchObject({ status: "retryable", reason: "auth", error: { code: "IW_AUTH", status: 401 } });
    // How long to pause is core's decision from the reason, not a number the sink makes up.
    expect(first).not.toHaveProperty("retryAfterMs");
    expect(second).toMatchObject({ status: "retryable", reason: "auth" });
    const text = (first as { error: Error }).error.message;
    expect(text).toContain("IW_WEBHOOK_SECRET");
    expect(text).toContain("clock");
    expect(logger.lines.filter((l) => l.level === "error")).toHaveLength(1);
    const everything = JSON.stringify(logger.lines) + text + (second as { error: Error }).error.message;
    expect(everything).not.toContain(SECRET_A.slice(6, 20));
  });

  it("an unsigned request to a receiver that requires signatures: 400, with a hint to set the secret", async () => {
    receiver = await startWebhookReceiver({ secrets: [SECRET_A] });
    sink = new WebhookSink({ url: receiver.url });
    const result = await sink.send([blockedScan()], ctx());
    expect(receiver.requests[0]!.status).toBe(400);
    expect(result.status).toBe("failure");
  });

  it("keeps the webhook-id of a batch across retries and stamps each attempt anew", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    receiver = await startWebhookReceiver({ secrets: [SECRET_A] });
    sink = new WebhookSink({ url: receiver.url, secret: SECRET_A });
    await receiver.setFault({ mode: "status", status: 503, retryAfter: "3", count: 1 });
    const batch = [blockedScan(), failedLogin()];
    const first = await sink.send(batch, ctx(2000, "0190c2a4-7d7e-7abc-8def-0123456789ab", 1));
    expect(first).toMatchObject({ status: "retryable", retryAfterMs: 3000 });
    vi.setSystemTime(Date.now() + 3000);
    const second = await sink.send(batch, ctx(2000, "0190c2a4-7d7e-7abc-8def-0123456789ab", 2));
    expect(second).toEqual({ status: "success" });
    expect(receiver.webhookIds()).toEqual(["msg_0190c2a4-7d7e-7abc-8def-0123456789ab", "msg_0190c2a4-7d7e-7abc-8def-0123456789ab"]);
    const [t1, t2] = receiver.requests.map((r) => Number(r.timestamp));
    expect(t2! - t1!).toBe(3);
    expect(receiver.requests[0]!.headers["webhook-signature"]).not.toBe(receiver.requests[1]!.headers["webhook-signature"]);
  });

  it("a different batch gets a different webhook-id", async () => {
    receiver = await startWebhookReceiver({ secrets: [SECRET_A] });
    sink = new WebhookSink({ url: receiver.url, secret: SECRET_A });
    await sink.send([blockedScan()], ctx());
    await sink.send([blockedScan()], ctx());
    const ids = receiver.webhookIds();
    expect(new Set(ids).size).toBe(2);
  });

  it("a sender whose clock is more than 5 minutes off is refused as a replay", async () => {
    const skew = 6 * 60;
    receiver = await startWebhookReceiver({ secrets: [SECRET_A], nowSeconds: () => Math.floor(Date.now() / 1000) + skew });
    sink = new WebhookSink({ url: receiver.url, secret: SECRET_A });
    const result = await sink.send([blockedScan()], ctx());
    expect(receiver.requests[0]!.status).toBe(401);
    expect(receiver.requests[0]!.reason).toContain("too old");
    expect(result).toMatchObject({ status: "retryable", reason: "auth", error: { code: "IW_AUTH" } });
  });

  it("signs the bytes prepared once anew on every attempt: same body and webhook-id, a new timestamp", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    receiver = await startWebhookReceiver({ secrets: [SECRET_A] });
    sink = new WebhookSink({ url: receiver.url, secret: SECRET_A });
    await receiver.setFault({ mode: "status", status: 503, count: 1 });
    const batch = [blockedScan(), failedLogin()];
    const batchId = "0190c2a4-7d7e-7abc-8def-0123456789ab";
    const { payload } = sink.prepare(batch);
    expect((await sink.send(batch, ctx(2000, batchId, 1, payload))).status).toBe("retryable");
    vi.setSystemTime(Date.now() + 61_000);
    expect(await sink.send(batch, ctx(2000, batchId, 2, payload))).toEqual({ status: "success" });
    const [r1, r2] = receiver.requests;
    expect(r1!.body.equals(payload.body)).toBe(true);
    expect(r2!.body.equals(payload.body)).toBe(true);
    expect(r2!.webhookId).toBe(r1!.webhookId);
    expect(Number(r2!.timestamp) - Number(r1!.timestamp)).toBe(61);
    expect(r2!.headers["webhook-signature"]).toBe(computeWebhookSignature(SECRET_A, r2!.webhookId!, r2!.timestamp!, payload.body));
    expect(r2!.headers["webhook-signature"]).not.toBe(r1!.headers["webhook-signature"]);
  });
});

describe("the testkit receiver's verification (so that the tests above can fail)", () => {
  async function post(headers: Record<string, string>, body: string): Promise<number> {
    const res = await request(receiver!.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    await res.body.dump();
    return res.statusCode;
  }
  const body = JSON.stringify([blockedScan()]);
  const now = (): number => Math.floor(Date.now() / 1000);

  it("accepts a correct signature among unknown ones, refuses a tampered body, an old or a future timestamp", async () => {
    receiver = await startWebhookReceiver({ secrets: [SECRET_A] });
    const sign = (ts: number, b = body) => computeWebhookSignature(SECRET_A, "msg_x", ts, b);
    const good = { "webhook-id": "msg_x", "webhook-timestamp": String(now()), "webhook-signature": `v1,bm9wZQ== ${sign(now())}` };
    expect(await post(good, body)).toBe(200);
    expect(await post(good, body.replace("block", "allow"))).toBe(401);
    const old = now() - 301;
    expect(await post({ ...good, "webhook-timestamp": String(old), "webhook-signature": sign(old) }, body)).toBe(401);
    const future = now() + 301;
    expect(await post({ ...good, "webhook-timestamp": String(future), "webhook-signature": sign(future) }, body)).toBe(401);
    expect(await post({ "webhook-id": "msg_x", "webhook-timestamp": String(now()) }, body)).toBe(400);
    expect(await post({ ...good, "webhook-signature": sign(now()).replace("v1,", "v2,") }, body)).toBe(401);
  });
});
