import { afterEach, describe, expect, it } from "vitest";
import type { SendResult } from "@iw/core";
import { WebhookSink } from "../src/index.js";
import { blockedScan, mixedBatch } from "./fixtures.js";
import { ctx } from "./helpers.js";
import { startWebhookReceiver } from "./testkit.js";
import type { WebhookFault, WebhookReceiver } from "./testkit.js";

let receiver: WebhookReceiver | undefined;
let sink: WebhookSink | undefined;

afterEach(async () => {
  await sink?.close();
  await receiver?.close();
  sink = receiver = undefined;
});

async function sendUnder(fault: WebhookFault, timeoutMs = 2000): Promise<{ result: SendResult; receiver: WebhookReceiver }> {
  receiver = await startWebhookReceiver();
  sink = new WebhookSink({ url: receiver.url });
  await receiver.setFault(fault);
  const result = await sink.send(mixedBatch(4), ctx(timeoutMs));
  return { result, receiver };
}

function message(result: SendResult): string {
  return result.status === "success" ? "" : result.error.message;
}

describe("WebhookSink.send under faults", () => {
  it("down: retryable network error (connection refused)", async () => {
    const { result } = await sendUnder({ mode: "down" });
    expect(result).toMatchObject({ status: "retryable", error: { code: "IW_NETWORK" } });
    expect(message(result)).toContain("ECONNREFUSED");
  });

  it("down then up again: the next batch goes through", async () => {
    const { receiver } = await sendUnder({ mode: "down" });
    await receiver.setFault({ mode: "none" });
    expect(await sink!.send([blockedScan()], ctx())).toEqual({ status: "success" });
    expect(receiver.distinctEvents).toBe(1);
  });

  it("blackhole: the attempt deadline (ctx.signal) ends it as a retryable timeout", async () => {
    const started = Date.now();
    const { result } = await sendUnder({ mode: "blackhole" }, 300);
    expect(result).toMatchObject({ status: "retryable", error: { code: "IW_SEND_TIMEOUT" } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("slow but within the deadline: delivered", async () => {
    const { result, receiver } = await sendUnder({ mode: "slow", delayMs: 150 }, 2000);
    expect(result).toEqual({ status: "success" });
    expect(receiver.distinctEvents).toBe(4);
  });

  it("slow past the deadline: retryable timeout", async () => {
    const { result } = await sendUnder({ mode: "slow", delayMs: 1000 }, 200);
    expect(result).toMatchObject({ status: "retryable", error: { code: "IW_SEND_TIMEOUT" } });
  });

  it("reset mid-request: retryable network error", async () => {
    const { result, receiver } = await sendUnder({ mode: "reset", afterBytes: 10 });
    expect(result).toMatchObject({ status: "retryable", error: { code: "IW_NETWORK" } });
    expect(receiver.distinctEvents).toBe(0);
  });

  it.each([
    [429, "7", 7000],
    [503, "2", 2000],
    [502, undefined, undefined],
    [504, undefined, undefined],
    [500, undefined, undefined],
    [408, undefined, undefined],
  ])("%i: retryable, honouring Retry-After %s", async (status, retryAfter, retryAfterMs) => {
    const { result } = await sendUnder({ mode: "status", status, ...(retryAfter ? { retryAfter } : {}) });
    expect(result.status).toBe("retryable");
    expect((result as { retryAfterMs?: number }).retryAfterMs).toBe(retryAfterMs);
    expect(message(result)).toContain(String(status));
  });

  it("status for the next N requests only, then accepted", async () => {
    const { result, receiver } = await sendUnder({ mode: "status", status: 503, retryAfter: "1", count: 1 });
    expect(result.status).toBe("retryable");
    expect(await sink!.send([blockedScan()], ctx())).toEqual({ status: "success" });
    expect(receiver.requests.map((r) => r.status)).toEqual([503, 200]);
  });

  it("413: too_large, so the queue splits the batch", async () => {
    const { result } = await sendUnder({ mode: "status", status: 413 });
    expect(result).toMatchObject({ status: "too_large" });
  });

  it("410: failure that disables the destination", async () => {
    const { result } = await sendUnder({ mode: "status", status: 410 });
    expect(result).toMatchObject({ status: "failure", disable: true });
    expect(message(result)).toContain("410 Gone");
  });

  it.each([501, 400, 404, 422])("%i: permanent failure", async (status) => {
    const { result } = await sendUnder({ mode: "status", status });
    expect(result.status).toBe("failure");
    expect((result as { disable?: boolean }).disable).toBeUndefined();
  });

  it.each([301, 302, 307, 308] as const)("%i redirect: not followed, a failure naming the Location", async (status) => {
    const { result, receiver } = await sendUnder({ mode: "redirect", status });
    expect(result.status).toBe("failure");
    expect(message(result)).toContain(`${status} redirect to ${receiver.redirectTargetUrl}`);
    expect(message(result)).toContain("not followed");
    expect(receiver.requests.map((r) => r.path)).toEqual(["/hook"]);
    expect(receiver.distinctEvents).toBe(0);
  });

  it("names only the origin in errors: webhook paths often hold tokens", async () => {
    receiver = await startWebhookReceiver({ path: "/services/T000/B000/sekrit-token" });
    sink = new WebhookSink({ url: receiver.url });
    await receiver.setFault({ mode: "status", status: 404 });
    const result = await sink.send([blockedScan()], ctx());
    expect(message(result)).toContain(new URL(receiver.url).origin);
    expect(message(result)).not.toContain("sekrit-token");
  });
});
