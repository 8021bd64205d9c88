import { afterEach, describe, expect, it } from "vitest";
import { metrics } from "@opentelemetry/api";
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import type { MetricData } from "@opentelemetry/sdk-metrics";
import { createDispatcher, DROP_REASONS } from "@iw/core";
import type { Dispatcher } from "@iw/core";
import { ScriptedSink, makeTestEvents } from "@iw/testkit";
import { METER_NAME, registerOpenTelemetryMetrics } from "../src/opentelemetry.js";
import { SINK_METRICS } from "../src/definitions.js";
import { StatsDispatcher } from "./stats-dispatcher.js";

// The real SDK pipeline a host would run: a MeterProvider, a periodic reader (flushed by hand)
// and the in-memory exporter standing in for OTLP.

let provider: MeterProvider | undefined;
let dispatcher: Dispatcher | undefined;
afterEach(async () => {
  await provider?.shutdown();
  provider = undefined;
  metrics.disable();
  await dispatcher?.close(1000);
  dispatcher = undefined;
});

function sdk(): { provider: MeterProvider; collect: () => Promise<MetricData[]>; scopes: () => string[] } {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  provider = new MeterProvider({ readers: [reader] });
  return {
    provider,
    async collect() {
      exporter.reset();
      await reader.forceFlush();
      return exporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
    },
    scopes: () => exporter.getMetrics().flatMap((r) => r.scopeMetrics.map((s) => s.scope.name)),
  };
}

/** The value of the data point of `name` whose attributes are exactly `attributes`. */
function point(data: readonly MetricData[], name: string, attributes: Record<string, string>): number | undefined {
  const wanted = JSON.stringify(Object.entries(attributes).sort());
  const found = data
    .find((m) => m.descriptor.name === name)
    ?.dataPoints.filter((p) => JSON.stringify(Object.entries(p.attributes).sort()) === wanted);
  return found?.[0]?.value as number | undefined;
}

describe("registerOpenTelemetryMetrics", () => {
  it("creates one instrument per stat with its name, unit and description: totals monotonic, levels not", async () => {
    const { provider, collect } = sdk();
    const { names } = registerOpenTelemetryMetrics(new StatsDispatcher(), { meter: provider.getMeter("test") });
    const data = await collect();
    expect(data.map((m) => m.descriptor.name)).toEqual(names);
    expect(names).toEqual(SINK_METRICS.map((m) => m.otel));
    for (const metric of SINK_METRICS) {
      const m = data.find((d) => d.descriptor.name === metric.otel)!;
      expect(m.descriptor).toMatchObject({ unit: metric.unit, description: metric.description });
      expect(m.dataPointType).toBe(DataPointType.SUM);
      expect(m.dataPointType === DataPointType.SUM && m.isMonotonic).toBe(metric.kind === "counter");
    }
    expect(data.find((d) => d.descriptor.name === "iw.sink.event.delivered")!.descriptor.unit).toBe("{event}");
    expect(data.find((d) => d.descriptor.name === "iw.sink.memory.usage")!.descriptor.unit).toBe("By");
  });

  it("observes each sink under iw.sink.name, drop reasons as error.type and the state as iw.sink.state", async () => {
    const { provider, collect } = sdk();
    const iw = new StatsDispatcher(["logstash", "fluentd"]);
    iw.set("logstash", {
      emitted: 50,
      delivered: 40,
      truncated: 5,
      dropped: { queue_full: 3 },
      retried: 2,
      queued: 4,
      inFlight: 2,
      spooled: 1,
      heldBytes: 900,
      budgetBytes: 1000,
      state: "backoff",
    });
    registerOpenTelemetryMetrics(iw, { meter: provider.getMeter("test") });
    const data = await collect();
    const logstash = { "iw.sink.name": "logstash" };
    expect(point(data, "iw.sink.event.emitted", logstash)).toBe(50);
    expect(point(data, "iw.sink.event.delivered", logstash)).toBe(40);
    expect(point(data, "iw.sink.event.truncated", logstash)).toBe(5);
    expect(point(data, "iw.sink.event.dropped", { ...logstash, "error.type": "queue_full" })).toBe(3);
    expect(point(data, "iw.sink.event.dropped", { ...logstash, "error.type": "rejected" })).toBe(0);
    expect(point(data, "iw.sink.batch.retries", logstash)).toBe(2);
    expect(point(data, "iw.sink.event.queued", logstash)).toBe(4);
    expect(point(data, "iw.sink.event.inflight", logstash)).toBe(2);
    expect(point(data, "iw.sink.event.spooled", logstash)).toBe(1);
    expect(point(data, "iw.sink.memory.usage", logstash)).toBe(900);
    expect(point(data, "iw.sink.memory.limit", logstash)).toBe(1000);
    expect(point(data, "iw.sink.status", { ...logstash, "iw.sink.state": "backoff" })).toBe(1);
    expect(point(data, "iw.sink.status", { ...logstash, "iw.sink.state": "active" })).toBe(0);
    expect(point(data, "iw.sink.status", { "iw.sink.name": "fluentd", "iw.sink.state": "active" })).toBe(1);
    const dropped = data.find((m) => m.descriptor.name === "iw.sink.event.dropped")!;
    expect(dropped.dataPoints).toHaveLength(2 * DROP_REASONS.length);
  });

  it("follows core's real stats: a disabled destination and the event it dropped", async () => {
    const { provider, collect } = sdk();
    dispatcher = createDispatcher([
      {
        sink: new ScriptedSink({ name: "gone", script: [{ status: "failure", disable: true, message: "HTTP 410" }] }),
        queue: { flushIntervalMs: 5 },
      },
    ]);
    registerOpenTelemetryMetrics(dispatcher, { meter: provider.getMeter("test") });
    dispatcher.emit(makeTestEvents(1)[0]!);
    await dispatcher.flush(2000);
    const data = await collect();
    expect(point(data, "iw.sink.status", { "iw.sink.name": "gone", "iw.sink.state": "disabled" })).toBe(1);
    expect(point(data, "iw.sink.event.emitted", { "iw.sink.name": "gone" })).toBe(1);
    const drops = DROP_REASONS.map((r) => point(data, "iw.sink.event.dropped", { "iw.sink.name": "gone", "error.type": r }) ?? 0);
    expect(drops.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("reads the stats once per collection, when the reader collects", async () => {
    const { provider, collect } = sdk();
    const iw = new StatsDispatcher();
    registerOpenTelemetryMetrics(iw, { meter: provider.getMeter("test") });
    expect(iw.statsCalls).toBe(0);
    await collect();
    expect(iw.statsCalls).toBe(1);
    iw.set("logstash", { delivered: 12 });
    expect(point(await collect(), "iw.sink.event.delivered", { "iw.sink.name": "logstash" })).toBe(12);
    expect(iw.statsCalls).toBe(2);
  });

  it("stops observing after unregister", async () => {
    const { provider, collect } = sdk();
    const iw = new StatsDispatcher();
    const registration = registerOpenTelemetryMetrics(iw, { meter: provider.getMeter("test") });
    registration.unregister();
    registration.unregister();
    const data = await collect();
    expect(data.map((m) => m.dataPoints.length)).toEqual(data.map(() => 0));
    expect(iw.statsCalls).toBe(0);
  });

  it("uses the global MeterProvider's @iw/metrics meter by default", async () => {
    const { provider, collect, scopes } = sdk();
    metrics.setGlobalMeterProvider(provider);
    registerOpenTelemetryMetrics(new StatsDispatcher(["global"]));
    expect(point(await collect(), "iw.sink.event.emitted", { "iw.sink.name": "global" })).toBe(0);
    expect(scopes()).toEqual([METER_NAME]);
    expect(METER_NAME).toBe("@iw/metrics");
  });
});
