import { afterEach, describe, expect, it } from "vitest";
import type { SendResult } from "@iw/core/sink-kit";
import { makeTestEvents, startLogstashReceiver } from "@iw/testkit";
import type { LogstashReceiver } from "@iw/testkit";
import type { LogstashSink } from "../src/index.js";
import { ctx, ids, recordingLogger, sinkFromEnv } from "./helpers.js";

let receiver: LogstashReceiver | undefined;
let sink: LogstashSink | undefined;

afterEach(async () => {
  await sink?.close();
  await receiver?.close();
  sink = undefined;
  receiver = undefined;
});

async function setup(logger = recordingLogger()) {
  receiver = await startLogstashReceiver();
  sink = sinkFromEnv({ IW_ELK_URL: receiver.url }, logger);
  return { receiver, sink, logger };
}

function code(result: SendResult): string | undefined {
  return result.status === "success" ? undefined : (result.error as { code?: string }).code;
}

describe("LogstashSink.send classifies", () => {
  it("a Logstash that is down as retryable (IW_NETWORK, connection refused), and delivers once it is back", async () => {
    const { receiver, sink } = await setup();
    await receiver.setFault("down");
    const result = await sink.send(makeTestEvents(2), ctx());
    expect(result).toMatchObject({ status: "retryable", reason: "network" });
    expect(code(result)).toBe("IW_NETWORK");
    expect(result.status !== "success" && result.error.message).toMatch(/ECONNREFUSED/);
    await receiver.setFault("none");
    expect(await sink.send(makeTestEvents(2), ctx())).toEqual({ status: "success" });
  });

  it("a blackholed Logstash as a timeout as soon as the deadline fires", async () => {
    const { receiver, sink } = await setup();
    await receiver.setFault("blackhole");
    const started = Date.now();
    const result = await sink.send(makeTestEvents(2), ctx(300));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ status: "retryable", reason: "timeout" });
    expect(code(result)).toBe("IW_SEND_TIMEOUT");
  });

  it("an attempt whose deadline already fired as a timeout, without a request", async () => {
    const { receiver, sink } = await setup();
    const timedOut = Object.assign(new Error("deadline"), { name: "TimeoutError" });
    const result = await sink.send(makeTestEvents(2), { signal: AbortSignal.abort(timedOut), attempt: 1, batchId: "late" });
    expect(result).toMatchObject({ status: "retryable", reason: "timeout" });
    expect(code(result)).toBe("IW_SEND_TIMEOUT");
    expect(receiver.requests).toHaveLength(0);
  });

  it("a slow Logstash within the deadline as delivered, past it as a timeout that aborts the request", async () => {
    const { receiver, sink } = await setup();
    await receiver.setFault({ mode: "slow", delayMs: 150 });
    expect(await sink.send(makeTestEvents(2), ctx(3000))).toEqual({ status: "success" });
    await receiver.setFault({ mode: "slow", delayMs: 1500 });
    const result = await sink.send(makeTestEvents(2), ctx(200));
    expect(code(result)).toBe("IW_SEND_TIMEOUT");
    // The receiver sees the client go away while it is still processing: the request was aborted.
    await expect.poll(() => receiver.requests[1]?.outcome).toBe("client_aborted");
  });

  it("429 as retryable, honouring Retry-After", async () => {
    const { receiver, sink } = await setup();
    await receiver.setFault({ mode: "status", status: 429, retryAfter: 7, count: 1 });
    const result = await sink.send(makeTestEvents(2), ctx());
    expect(result).toMatchObject({ status: "retryable", reason: "throttled", retryAfterMs: 7000 });
    expect(receiver.events).toHaveLength(0);
  });

  it.each([
    [500, "server"],
    [502, "server"],
    [503, "server"],
    [504, "server"],
    [408, "throttled"],
  ] as const)("%i as retryable (%s)", async (status, reason) => {
    const { receiver, sink } = await setup();
    await receiver.setFault({ mode: "status", status, count: 1 });
    const result = await sink.send(makeTestEvents(2), ctx());
    expect(result).toMatchObject({ status: "retryable", reason });
    expect(result.status !== "success" && result.error.message).toContain(String(status));
  });

  it.each([501, 400, 404, 302])("%i as a permanent failure", async (status) => {
    const { receiver, sink } = await setup();
    await receiver.setFault({ mode: "status", status, count: 1 });
    expect(await sink.send(makeTestEvents(2), ctx())).toMatchObject({ status: "failure", reason: "rejected" });
  });

  it("a connection reset in the middle of the body as retryable", async () => {
    const { receiver, sink } = await setup();
    await receiver.setFault({ mode: "reset", afterBytes: 2000 });
    const result = await sink.send(makeTestEvents(200), ctx());
    expect(result).toMatchObject({ status: "retryable", reason: "network" });
    expect(code(result)).toBe("IW_NETWORK");
    expect(receiver.events).toHaveLength(0);
    await receiver.setFault("none");
    const batch = makeTestEvents(200);
    expect(await sink.send(batch, ctx())).toEqual({ status: "success" });
    expect(ids(receiver.events)).toEqual(ids(batch));
  });

  it("413 as too_large, so the queue splits the batch", async () => {
    receiver = await startLogstashReceiver({ maxContentLength: 20_000 });
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url });
    const result = await sink.send(makeTestEvents(200), ctx());
    expect(result).toMatchObject({ status: "too_large", reason: "too_large" });
    expect(await sink.send(makeTestEvents(10), ctx())).toEqual({ status: "success" });
  });

  it("401 keeps the batch (retryable, reason auth: how long to pause is the queue's call) with one clear diagnostic, not one per batch", async () => {
    const logger = recordingLogger();
    receiver = await startLogstashReceiver({ user: "shipper", password: "right" });
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url }, logger);
    for (let i = 0; i < 3; i++) {
      const result = await sink.send(makeTestEvents(2), ctx());
      expect(result).toMatchObject({ status: "retryable", reason: "auth" });
      expect(result).not.toHaveProperty("retryAfterMs");
      expect(code(result)).toBe("IW_AUTH");
    }
    expect(receiver.events).toHaveLength(0);
    const errors = logger.lines.filter((l) => l.startsWith("error"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /refused the credentials \(401\).*stay queued and are retried until they are accepted \(check IW_ELK_USER \/ IW_ELK_PASSWORD/,
    );
  });
});
