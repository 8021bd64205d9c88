import { connect } from "node:net";
import { rawRequest } from "./http-client.js";
import { afterEach, describe, expect, it } from "vitest";
import { auditEvent } from "@iw/core";
import { computeWebhookSignature, startWebhookReceiver, verifyStandardWebhook } from "../src/index.js";
import type { WebhookReceiver } from "../src/index.js";

const SECRET = `whsec_${Buffer.alloc(32, 5).toString("base64")}`;
let receiver: WebhookReceiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await rawRequest(url, { path: new URL(url).pathname, body, headers: { "content-type": "application/json", ...headers } });
  return { status: res.status, headers: res.headers, text: res.body };
}

function signed(body: string, id = "msg_1", ts = Math.floor(Date.now() / 1000)): Record<string, string> {
  return { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": computeWebhookSignature(SECRET, id, ts, body) };
}

const event = (id: string) => auditEvent({ category: "auth", action: "login_failed", event_id: id });

describe("verifyStandardWebhook", () => {
  it("accepts the published Standard Webhooks test vector", () => {
    const result = verifyStandardWebhook({
      headers: {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
      },
      body: Buffer.from('{"test": 2432232314}'),
      secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
      nowSeconds: 1614265330,
    });
    expect(result).toEqual({ ok: true, id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1614265330 });
  });
});

describe("startWebhookReceiver", () => {
  it("counts distinct events across formats and duplicates", async () => {
    receiver = await startWebhookReceiver({ secrets: [SECRET] });
    const json = JSON.stringify([event("a"), event("b")]);
    expect((await post(receiver.url, json, signed(json))).status).toBe(200);
    const ndjson = `${JSON.stringify(event("b"))}\n${JSON.stringify(event("c"))}\n`;
    expect((await post(receiver.url, ndjson, { ...signed(ndjson), "content-type": "application/x-ndjson" })).status).toBe(200);
    const summary = JSON.stringify([{ summary: "x", details: event("d") }]);
    expect((await post(receiver.url, summary, signed(summary))).status).toBe(200);
    const ce = JSON.stringify({ specversion: "1.0", id: "e", source: "urn:x", type: "t", data: event("e") });
    expect((await post(receiver.url, ce, { ...signed(ce), "content-type": "application/cloudevents+json" })).status).toBe(200);
    expect(receiver.events).toHaveLength(6);
    expect(receiver.distinctEvents).toBe(5);
    expect(receiver.requests.map((r) => r.format)).toEqual(["json", "ndjson", "summary", "cloudevents"]);
  });

  it("refuses invalid payloads: bad JSON, a CloudEvent without source, a wrong specversion, an unknown type", async () => {
    receiver = await startWebhookReceiver();
    expect((await post(receiver.url, "[{")).status).toBe(400);
    const noSource = JSON.stringify([{ specversion: "1.0", id: "1", type: "t" }]);
    expect((await post(receiver.url, noSource, { "content-type": "application/cloudevents-batch+json" })).text).toContain("no source");
    const v03 = JSON.stringify({ specversion: "0.3", id: "1", source: "s", type: "t" });
    expect((await post(receiver.url, v03, { "content-type": "application/cloudevents+json" })).status).toBe(400);
    expect((await post(receiver.url, "x", { "content-type": "text/plain" })).status).toBe(415);
    expect((await post(receiver.url, JSON.stringify([{ no: "id" }]))).status).toBe(400);
    expect(receiver.distinctEvents).toBe(0);
  });

  it("answers status faults with Retry-After for the next N requests, then accepts", async () => {
    receiver = await startWebhookReceiver();
    await receiver.setFault({ mode: "status", status: 429, retryAfter: 3, count: 2 });
    const body = JSON.stringify([event("a")]);
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const r = await post(receiver.url, body);
      statuses.push([r.status, r.headers["retry-after"]]);
    }
    expect(statuses).toEqual([
      [429, "3"],
      [429, "3"],
      [200, undefined],
    ]);
  });

  it("redirects to a path that would accept", async () => {
    receiver = await startWebhookReceiver();
    await receiver.setFault({ mode: "redirect", status: 308, count: 1 });
    const body = JSON.stringify([event("a")]);
    const first = await post(receiver.url, body);
    expect(first.status).toBe(308);
    expect(first.headers.location).toBe(receiver.redirectTargetUrl);
    expect((await post(receiver.redirectTargetUrl, body)).status).toBe(200);
  });

  it("goes down (connection refused) and comes back on the same port", async () => {
    receiver = await startWebhookReceiver();
    await receiver.setFault({ mode: "down" });
    await expect(post(receiver.url, "[]")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await receiver.setFault({ mode: "none" });
    expect((await post(receiver.url, "[]")).status).toBe(200);
  });

  it("close() destroys open connections, even a blackholed one", async () => {
    receiver = await startWebhookReceiver();
    await receiver.setFault({ mode: "blackhole" });
    const socket = connect(receiver.port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    socket.write("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n[]");
    await receiver.waitForRequests(1);
    const closed = new Promise((r) => socket.once("close", r));
    await receiver.close();
    await closed;
    expect(socket.destroyed).toBe(true);
  });
});
