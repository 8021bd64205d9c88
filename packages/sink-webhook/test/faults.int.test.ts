import { afterEach, describe, expect, it } from "vitest";
import type { SendResult } from "@iw/core/sink-kit";
import { WebhookSink } from "../src/index.js";
import { blockedScan, mixedBatch } from "./fixtures.js";
import { ctx, recordingLogger, startRawServer } from "./helpers.js";
import type { RawServer } from "./helpers.js";
import { startWebhookReceiver } from "./testkit.js";
import type { WebhookFault, WebhookReceiver } from "./testkit.js";

let receiver: WebhookReceiver | undefined;
let raw: RawServer | undefined;
let sink: WebhookSink | undefined;

afterEach(async () => {
  await sink?.close();
  await receiver?.close();
  await raw?.close();
  sink = receiver = raw = undefined;
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
    expect(result).toMatchObject({ status: "retryable", reason: "network", error: { code: "IW_NETWORK" } });
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
    expect(result).toMatchObject({ status: "retryable", reason: "timeout", error: { code: "IW_SEND_TIMEOUT" } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("slow but within the deadline: delivered", async () => {
    const { result, receiver } = await sendUnder({ mode: "slow", delayMs: 150 }, 2000);
    expect(result).toEqual({ status: "success" });
    expect(receiver.distinctEvents).toBe(4);
  });

  it("slow past the deadline: retryable timeout", async () => {
    const { result } = await sendUnder({ mode: "slow", delayMs: 1000 }, 200);
    expect(result).toMatchObject({ status: "retryable", reason: "timeout", error: { code: "IW_SEND_TIMEOUT" } });
  });

  it("reset mid-request: retryable network error", async () => {
    const { result, receiver } = await sendUnder({ mode: "reset", afterBytes: 10 });
    expect(result).toMatchObject({ status: "retryable", reason: "network", error: { code: "IW_NETWORK" } });
    expect(receiver.distinctEvents).toBe(0);
  });

  it.each([
    [429, "7", 7000, "throttled"],
    [503, "2", 2000, "server"],
    [502, undefined, undefined, "server"],
    [504, undefined, undefined, "server"],
    [500, undefined, undefined, "server"],
    [408, undefined, undefined, "throttled"],
  ])("%i: retryable, honouring Retry-After %s", async (status, retryAfter, retryAfterMs, reason) => {
    const { result } = await sendUnder({ mode: "status", status, ...(retryAfter ? { retryAfter } : {}) });
    expect(result).toMatchObject({ status: "retryable", reason });
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
    expect(result).toMatchObject({ status: "too_large", reason: "too_large" });
  });

  it("410: failure that disables the destination", async () => {
    const { result } = await sendUnder({ mode: "status", status: 410 });
    expect(result).toMatchObject({ status: "failure", reason: "gone", disable: true });
    expect(message(result)).toContain("410 Gone");
  });

  it.each([501, 400, 404, 422])("%i: permanent failure", async (status) => {
    const { result } = await sendUnder({ mode: "status", status });
    expect(result).toMatchObject({ status: "failure", reason: "rejected" });
    expect((result as { disable?: boolean }).disable).toBeUndefined();
  });

  it.each([301, 302, 307, 308] as const)("%i redirect: not followed, a failure naming the Location", async (status) => {
    const { result, receiver } = await sendUnder({ mode: "redirect", status });
    expect(result).toMatchObject({ status: "failure", reason: "rejected" });
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

  // A hostile or broken receiver writes what it likes into its error body.
  const HOSTILE = "\x1b[2J\x1b[31mdenied\x1b[0m\r\n2026-01-01 INFO all good\x07\x00\x9b";
  // eslint-disable-next-line no-control-regex
  const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

  it.each([500, 400, 401])("%i: the error body's excerpt reaches the message and the log without control characters", async (status) => {
    raw = await startRawServer((res) => res.writeHead(status, { "content-type": "text/plain" }).end(HOSTILE));
    const logger = recordingLogger();
    sink = new WebhookSink({ url: raw.url }, logger);
    const result = await sink.send([blockedScan()], ctx());
    expect(result.status).not.toBe("success");
    expect(message(result)).toContain("denied");
    expect(message(result)).toContain("all good");
    expect(message(result)).not.toMatch(CONTROL);
    for (const line of logger.lines) expect(line.message).not.toMatch(CONTROL);
    if (status === 401) expect(logger.lines.filter((l) => l.level === "error")).toHaveLength(1);
  });

  it("an error body that never ends holds the attempt about a second, not until its deadline", async () => {
    raw = await startRawServer((res) => {
      res.writeHead(503, { "content-type": "text/plain" });
      res.write("overloaded, details follow");
    });
    sink = new WebhookSink({ url: raw.url });
    const started = Date.now();
    const result = await sink.send([blockedScan()], ctx(10_000));
    expect(result).toMatchObject({ status: "retryable", reason: "server" });
    expect(message(result)).toContain("503: overloaded, details follow");
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
