import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { activate } from "@iw/core";
import type { Dispatcher } from "@iw/core";
import { makeTestEvents, startOtlpReceiver } from "@iw/testkit";
import type { OtlpReceiver } from "@iw/testkit";
import { plugin } from "../src/index.js";
import { recordingLogger } from "./helpers.js";

let receiver: OtlpReceiver | undefined;
let iw: Dispatcher | undefined;

afterEach(async () => {
  await iw?.close(2000);
  await receiver?.close();
  iw = undefined;
  receiver = undefined;
});

const FAST = { IW_OTLP_FLUSH_MS: "20", IW_OTLP_RETRY_INITIAL_MS: "20", IW_OTLP_RETRY_MAX_MS: "200" };
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

describe("activate() with IW_OTLP_URL", () => {
  it("ships every emitted event as one log record, with the host's name and service as resource attributes", async () => {
    receiver = await startOtlpReceiver();
    iw = await activate({
      env: { IW_OTLP_URL: receiver.url, IW_SERVICE_NAME: "gateway", ...FAST },
      plugins: [plugin],
      logger: recordingLogger(),
    });
    expect(iw.sinks).toEqual(["otlp"]);
    const events = makeTestEvents(1200);
    for (const e of events) iw.emit(e);
    expect(await iw.flush(5000)).toBe(true);
    const ids = new Set(events.map((e) => e.event_id));
    expect(
      receiver
        .eventIds()
        .filter((id) => ids.has(id))
        .sort(),
    ).toEqual([...ids].sort());
    expect(receiver.duplicates()).toBe(0);
    const record = receiver.records.find((r) => r.event_id === events[0]!.event_id)!;
    expect(record.resource).toMatchObject({ "service.name": "gateway", "host.name": hostname(), "telemetry.sdk.name": "@iw/sink-otlp" });
    const [stats] = iw.stats();
    expect(stats).toMatchObject({ sink: "otlp", delivered: stats!.emitted, queued: 0, inFlight: 0 });
    expect(stats!.dropped.total).toBe(0);
  });

  it("is never activated by the OpenTelemetry variables alone", async () => {
    iw = await activate({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://127.0.0.1:4318/v1/logs" },
      plugins: [plugin],
    });
    expect(iw.enabled).toBe(false);
    expect(iw.sinks).toEqual([]);
  });

  it.skipIf(!existsSync(new URL("../dist/index.js", import.meta.url)))(
    "loads @iw/sink-otlp from core's built-in table when only IW_OTLP_URL is set",
    async () => {
      receiver = await startOtlpReceiver();
      iw = await activate({ env: { IW_OTLP_URL: receiver.url, ...FAST }, resolveFrom: PACKAGE_DIR, logger: recordingLogger() });
      expect(iw.sinks).toEqual(["otlp"]);
      iw.emit(makeTestEvents(1)[0]!);
      expect(await iw.flush(5000)).toBe(true);
      expect(receiver.recordCount).toBeGreaterThanOrEqual(1);
    },
  );

  it("counts the records a partial success refused as dropped rejected, logs why, and sends nothing twice", async () => {
    receiver = await startOtlpReceiver();
    await receiver.setFault({ mode: "partial", rejected: 2, message: "2 records too large", count: 1 });
    const logger = recordingLogger();
    iw = await activate({ env: { IW_OTLP_URL: receiver.url, IW_OTLP_BATCH_SIZE: "10", ...FAST }, plugins: [plugin], logger });
    const before = iw.stats()[0]!;
    for (const e of makeTestEvents(10)) iw.emit(e);
    expect(await iw.flush(5000)).toBe(true);
    const stats = iw.stats()[0]!;
    expect(stats.dropped.rejected).toBe(2);
    expect(stats.emitted).toBe(stats.delivered + stats.dropped.total + stats.queued + stats.inFlight);
    expect(stats.retried - before.retried).toBe(0);
    expect(receiver.duplicates()).toBe(0);
    expect(logger.text()).toMatch(
      /dropped 2 events \(rejected\).*refused 2 log records \(partial success, not retried\): 2 records too large/,
    );
  });

  it("takes the attempt deadline from OTEL_EXPORTER_OTLP_TIMEOUT when IW_OTLP_TIMEOUT_MS is unset", async () => {
    receiver = await startOtlpReceiver();
    await receiver.setFault("blackhole");
    iw = await activate({
      env: { IW_OTLP_URL: receiver.url, OTEL_EXPORTER_OTLP_TIMEOUT: "300", ...FAST },
      plugins: [plugin],
      logger: recordingLogger(),
    });
    iw.emit(makeTestEvents(1)[0]!);
    await expect.poll(() => iw!.stats()[0]!.lastError?.message, { timeout: 3000 }).toMatch(/no answer within 300 ms/);
  });

  it("runs a named instance (IW_OTLP_PROD_URL) beside the base one, each with its own variables", async () => {
    receiver = await startOtlpReceiver();
    const other = await startOtlpReceiver();
    try {
      iw = await activate({
        env: {
          IW_OTLP_URL: receiver.url,
          IW_OTLP_PROD_URL: other.url,
          IW_OTLP_PROD_PROTOCOL: "http/json",
          IW_OTLP_PROD_SERVICE_NAME: "prod-gw",
          ...FAST,
        },
        plugins: [plugin],
        logger: recordingLogger(),
      });
      expect([...iw.sinks].sort()).toEqual(["otlp", "otlp:prod"]);
      const [event] = makeTestEvents(1);
      iw.emit(event!);
      expect(await iw.flush(5000)).toBe(true);
      const there = other.records.find((r) => r.event_id === event!.event_id)!;
      expect(there).toMatchObject({ encoding: "json", resource: { "service.name": "prod-gw" } });
      expect(receiver.records.find((r) => r.event_id === event!.event_id)?.encoding).toBe("protobuf");
    } finally {
      await iw?.close(2000);
      await other.close();
    }
  });

  it("names the variable and masks the value of a bad header list", async () => {
    const logger = recordingLogger();
    iw = await activate({
      env: { IW_OTLP_URL: "http://127.0.0.1:9", IW_OTLP_HEADERS: "api-key=s3cret-token%0A" },
      plugins: [plugin],
      logger,
    });
    expect(iw.enabled).toBe(false);
    expect(logger.text()).toMatch(/IW_OTLP_HEADERS=.* is invalid/);
    expect(logger.text()).not.toContain("s3cret-token");
  });
});
