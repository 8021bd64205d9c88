import { afterEach, describe, expect, it } from "vitest";
import type { SendResult } from "@iw/core/sink-kit";
import { makeTestEvents, startOtlpReceiver } from "@iw/testkit";
import type { OtlpReceiver } from "@iw/testkit";
import type { OtlpSink } from "../src/index.js";
import { ctx, recordingLogger, sinkFromEnv } from "./helpers.js";

let receiver: OtlpReceiver | undefined;
let sink: OtlpSink | undefined;

afterEach(async () => {
  await sink?.close();
  await receiver?.close();
  sink = undefined;
  receiver = undefined;
});

async function setup(env: Record<string, string> = {}, logger = recordingLogger()) {
  receiver = await startOtlpReceiver();
  sink = sinkFromEnv({ IW_OTLP_URL: receiver.url, ...env }, logger);
  return { receiver, sink, logger };
}

const code = (r: SendResult): string | undefined => (r.status === "success" ? undefined : (r.error as { code?: string }).code);
const message = (r: SendResult): string => (r.status === "success" ? "" : r.error.message);

describe("OtlpSink.send classifies", () => {
  it("a receiver that is down as retryable (IW_NETWORK), and delivers once it is back", async () => {
    const { receiver, sink } = await setup();
    await receiver.setFault("down");
    const result = await sink.send(makeTestEvents(2), ctx());
    expect(result).toMatchObject({ status: "retryable", reason: "network" });
    expect(message(result)).toMatch(/ECONNREFUSED/);
    await receiver.setFault("none");
    expect(await sink.send(makeTestEvents(2), ctx())).toEqual({ status: "success" });
    expect(receiver.records).toHaveLength(2);
  });

  it("a blackholed receiver as a timeout as soon as the deadline fires", async () => {
    const { receiver, sink } = await setup();
    await receiver.setFault("blackhole");
    const started = Date.now();
    const result = await sink.send(makeTestEvents(2), ctx(300));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ status: "retryable", reason: "timeout" });
    expect(code(result)).toBe("IW_SEND_TIMEOUT");
  });

  it.each([
    [429, "throttled"],
    [503, "server"],
  ] as const)("%i as retryable (%s), honouring Retry-After", async (status, reason) => {
    const { receiver, sink } = await setup();
    await receiver.setFault({ mode: "status", status, retryAfter: 7, message: "collector busy", count: 1 });
    const result = await sink.send(makeTestEvents(2), ctx());
    expect(result).toMatchObject({ status: "retryable", reason, retryAfterMs: 7000 });
    expect(receiver.records).toHaveLength(0);
    expect(await sink.send(makeTestEvents(2), ctx())).toEqual({ status: "success" });
  });

  it.each([502, 504])("%i as retryable", async (status) => {
    const { receiver, sink } = await setup();
    await receiver.setFault({ mode: "status", status, count: 1 });
    expect(await sink.send(makeTestEvents(2), ctx())).toMatchObject({ status: "retryable", reason: "server" });
  });

  it.each([500, 501, 505, 408, 400, 415])("%i as permanent: OTLP retries only 429, 502, 503 and 504", async (status) => {
    const { receiver, sink } = await setup();
    await receiver.setFault({ mode: "status", status, message: "invalid log record", count: 1 });
    const result = await sink.send(makeTestEvents(2), ctx());
    expect(result).toMatchObject({ status: "failure", reason: "rejected" });
    expect(message(result)).toContain(String(status));
  });

  it("a 400's google.rpc.Status message in the error", async () => {
    const { receiver, sink } = await setup();
    await receiver.setFault({ mode: "status", status: 400, message: "log record 3 has an invalid trace id", count: 1 });
    expect(message(await sink.send(makeTestEvents(2), ctx()))).toMatch(/answered 400: .*log record 3 has an invalid trace id/);
  });

  it("a 404 with a hint when IW_OTLP_URL has a path that is not …/v1/logs", async () => {
    receiver = await startOtlpReceiver();
    sink = sinkFromEnv({ IW_OTLP_URL: `${receiver.url}/otlp` });
    const result = await sink.send(makeTestEvents(1), ctx());
    expect(result).toMatchObject({ status: "failure", reason: "rejected" });
    expect(message(result)).toMatch(
      /answered 404.*OTLP\/HTTP logs go to …\/v1\/logs: IW_OTLP_URL without a path gets it appended, a URL with a path \(\/otlp\) is used as it is/,
    );
  });

  it("413 as too_large, so the queue splits the batch", async () => {
    receiver = await startOtlpReceiver({ maxBodyBytes: 20_000 });
    sink = sinkFromEnv({ IW_OTLP_URL: receiver.url });
    expect(await sink.send(makeTestEvents(200), ctx())).toMatchObject({ status: "too_large", reason: "too_large" });
    expect(await sink.send(makeTestEvents(10), ctx())).toEqual({ status: "success" });
  });

  it("401 keeps the batch (retryable, reason auth) and says which variables to check", async () => {
    receiver = await startOtlpReceiver({ requiredHeaders: { "api-key": "right" } });
    const logger = recordingLogger();
    sink = sinkFromEnv({ IW_OTLP_URL: receiver.url, IW_OTLP_HEADERS: "api-key=wrong" }, logger);
    const result = await sink.send(makeTestEvents(2), ctx());
    expect(result).toMatchObject({ status: "retryable", reason: "auth" });
    expect(code(result)).toBe("IW_AUTH");
    expect(message(result)).toMatch(/refused the credentials \(401\).*IW_OTLP_HEADERS/);
    expect(logger.text()).not.toContain("wrong");
    await sink.close();
    sink = sinkFromEnv({ IW_OTLP_URL: receiver.url, IW_OTLP_HEADERS: "api-key=right" });
    expect(await sink.send(makeTestEvents(2), ctx())).toEqual({ status: "success" });
  });

  it("a connection reset in the middle of the body as retryable, then delivers the same batch", async () => {
    const { receiver, sink } = await setup();
    await receiver.setFault({ mode: "reset", afterBytes: 2000, count: 1 });
    const batch = makeTestEvents(200);
    expect(await sink.send(batch, ctx())).toMatchObject({ status: "retryable", reason: "network" });
    expect(receiver.records).toHaveLength(0);
    expect(await sink.send(batch, ctx())).toEqual({ status: "success" });
    expect(receiver.eventIds()).toEqual(batch.map((e) => e.event_id));
  });
});

describe("partial success", () => {
  it.each(["http/protobuf", "http/json"])("counts the records the collector refused (%s), without a retry", async (protocol) => {
    const { receiver, sink } = await setup({ IW_OTLP_PROTOCOL: protocol });
    await receiver.setFault({ mode: "partial", rejected: 3, message: "3 log records exceed the attribute limit", count: 1 });
    const result = await sink.send(makeTestEvents(10), ctx());
    expect(result).toMatchObject({ status: "success", rejected: { count: 3 } });
    expect(result.status === "success" && result.rejected?.error.message).toMatch(
      /refused 3 log records \(partial success, not retried\): 3 log records exceed the attribute limit/,
    );
    expect(receiver.records).toHaveLength(7);
    expect(receiver.requests).toHaveLength(1);
  });

  it("treats the Collector's empty partialSuccess as a full success", async () => {
    const { receiver, sink } = await setup({ IW_OTLP_PROTOCOL: "http/json" });
    expect(await sink.send(makeTestEvents(3), ctx())).toEqual({ status: "success" });
    expect(receiver.records).toHaveLength(3);
  });

  it("logs a warning the collector sends with nothing refused, once a minute", async () => {
    const { receiver, sink, logger } = await setup();
    await receiver.setFault({ mode: "partial", rejected: 0, message: "attribute inferwall.matches is deprecated" });
    for (let i = 0; i < 3; i++) expect(await sink.send(makeTestEvents(2), ctx())).toEqual({ status: "success" });
    expect(
      logger.lines.filter((l) => l.includes("accepted every log record with a warning: attribute inferwall.matches is deprecated")),
    ).toHaveLength(1);
  });
});
