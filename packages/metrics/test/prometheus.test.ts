import { afterEach, describe, expect, it } from "vitest";
import { createDispatcher, DROP_REASONS, IwConfigError, NOOP_DISPATCHER } from "@iw/core";
import type { Dispatcher } from "@iw/core";
import { InMemorySink, ScriptedSink, makeTestEvents } from "@iw/testkit";
import { Registry, register } from "prom-client";
import { BATCH_DURATION_METRIC, registerPrometheusMetrics } from "../src/prometheus.js";
import { SINK_METRICS } from "../src/definitions.js";
import { StatsDispatcher } from "./stats-dispatcher.js";
import { sample, scrape } from "./prometheus-text.js";

let dispatcher: Dispatcher | undefined;
afterEach(async () => {
  await dispatcher?.close(1000);
  dispatcher = undefined;
});

describe("registerPrometheusMetrics", () => {
  it("registers every metric of the table, counters as counters and levels as gauges, with help", async () => {
    const registry = new Registry();
    const { names } = registerPrometheusMetrics(new StatsDispatcher(), { registry });
    const families = await scrape(registry);
    expect(families.map((f) => f.name)).toEqual(names);
    expect(names).toEqual([...SINK_METRICS.map((m) => `iw_${m.prometheus}`), `iw_${BATCH_DURATION_METRIC}`]);
    for (const metric of SINK_METRICS) {
      const family = families.find((f) => f.name === `iw_${metric.prometheus}`)!;
      expect(family.type).toBe(metric.kind === "counter" ? "COUNTER" : "GAUGE");
      expect(family.help).toBe(metric.description);
      if (metric.kind === "counter") expect(family.name).toMatch(/_total$/);
    }
  });

  it("mirrors core's real stats at scrape time, and the series add up to what was emitted", async () => {
    const refusing = new ScriptedSink({ name: "refusing", script: [{ status: "failure", message: "HTTP 400" }] });
    const memory = new InMemorySink({ name: "memory" });
    dispatcher = createDispatcher([
      { sink: refusing, queue: { flushIntervalMs: 5, maxRetries: 0 } },
      { sink: memory, queue: { flushIntervalMs: 5 } },
    ]);
    const registry = new Registry();
    registerPrometheusMetrics(dispatcher, { registry });
    dispatcher.emit(makeTestEvents(1)[0]!);
    expect(await dispatcher.flush(2000)).toBe(true);
    for (const event of makeTestEvents(3)) dispatcher.emit(event);
    expect(await dispatcher.flush(2000)).toBe(true);

    const families = await scrape(registry);
    const value = (name: string, labels: Record<string, string>) => sample(families, `iw_${name}`, labels);
    expect(value("sink_events_emitted_total", { sink: "refusing" })).toBe(4);
    expect(value("sink_events_delivered_total", { sink: "refusing" })).toBe(3);
    expect(value("sink_events_dropped_total", { sink: "refusing", reason: "rejected" })).toBe(1);
    expect(value("sink_events_delivered_total", { sink: "memory" })).toBe(4);
    expect(value("sink_events_dropped_total", { sink: "memory", reason: "rejected" })).toBe(0);
    expect(value("sink_status", { sink: "refusing", state: "active" })).toBe(1);
    expect(value("sink_memory_limit_bytes", { sink: "memory" })).toBe(dispatcher.stats()[1]!.budgetBytes);
    for (const sink of ["refusing", "memory"]) {
      const dropped = DROP_REASONS.reduce((n, reason) => n + value("sink_events_dropped_total", { sink, reason })!, 0);
      const held = ["sink_events_queued", "sink_events_in_flight", "sink_events_spooled"].reduce(
        (n, name) => n + value(name, { sink })!,
        0,
      );
      expect(value("sink_events_delivered_total", { sink })! + dropped + held).toBe(value("sink_events_emitted_total", { sink }));
    }
  });

  it("exports core's send-attempt durations as a histogram, per sink, in seconds", async () => {
    const slow = new InMemorySink({ name: "slow", latencyMs: 30 });
    dispatcher = createDispatcher([{ sink: slow, queue: { flushIntervalMs: 5, maxBatchSize: 1 } }]);
    const registry = new Registry();
    registerPrometheusMetrics(dispatcher, { registry });
    for (const event of makeTestEvents(3)) dispatcher.emit(event);
    expect(await dispatcher.flush(5000)).toBe(true);
    const family = (await scrape(registry)).find((f) => f.name === `iw_${BATCH_DURATION_METRIC}`)!;
    expect(family.type).toBe("HISTOGRAM");
    const attempts = dispatcher.stats()[0]!.batchDuration.count;
    expect(attempts).toBeGreaterThanOrEqual(3);
    // The parser keeps a histogram's cumulative buckets but not its labels, _sum or _count
    // (prom2json's shape): those are read from the text itself.
    const buckets = family.metrics[0]!.buckets!;
    expect(Number(buckets["0.01"])).toBe(0); // none under 10 ms: each attempt waited ~30 ms
    expect(Number(buckets["10"])).toBe(attempts);
    expect(Number(buckets["+Inf"])).toBe(attempts);
    const text = await registry.metrics();
    const line = (suffix: string) =>
      Number(new RegExp(`^iw_${BATCH_DURATION_METRIC}_${suffix}\\{sink="slow"\\} (\\S+)$`, "m").exec(text)?.[1]);
    expect(line("count")).toBe(attempts);
    expect(line("sum")).toBeGreaterThanOrEqual((attempts * 25) / 1000);
    expect(text).toContain(`iw_${BATCH_DURATION_METRIC}_bucket{sink="slow",le="0.05"}`);
  });

  it("exports every stat of each sink under its name", async () => {
    const iw = new StatsDispatcher(["logstash", "webhook"]);
    iw.set("logstash", {
      emitted: 100,
      delivered: 60,
      truncated: 3,
      dropped: { queue_full: 4, spool_full: 2 },
      retried: 7,
      queued: 10,
      inFlight: 8,
      spooled: 16,
      heldBytes: 4096,
      budgetBytes: 65_536,
      state: "backoff",
    });
    const registry = new Registry();
    registerPrometheusMetrics(iw, { registry });
    const families = await scrape(registry);
    const logstash = (name: string, labels: Record<string, string> = {}) => sample(families, `iw_${name}`, { sink: "logstash", ...labels });
    expect(logstash("sink_events_emitted_total")).toBe(100);
    expect(logstash("sink_events_delivered_total")).toBe(60);
    expect(logstash("sink_events_truncated_total")).toBe(3);
    expect(logstash("sink_events_dropped_total", { reason: "queue_full" })).toBe(4);
    expect(logstash("sink_events_dropped_total", { reason: "spool_full" })).toBe(2);
    expect(logstash("sink_batch_retries_total")).toBe(7);
    expect(logstash("sink_events_queued")).toBe(10);
    expect(logstash("sink_events_in_flight")).toBe(8);
    expect(logstash("sink_events_spooled")).toBe(16);
    expect(logstash("sink_memory_usage_bytes")).toBe(4096);
    expect(logstash("sink_memory_limit_bytes")).toBe(65_536);
    expect([
      logstash("sink_status", { state: "active" }),
      logstash("sink_status", { state: "backoff" }),
      logstash("sink_status", { state: "disabled" }),
    ]).toEqual([0, 1, 0]);
    expect(sample(families, "iw_sink_events_emitted_total", { sink: "webhook" })).toBe(0);
  });

  it("has a series for every drop reason of every sink, 0 included", async () => {
    const registry = new Registry();
    registerPrometheusMetrics(new StatsDispatcher(["a", "b"]), { registry });
    const dropped = (await scrape(registry)).find((f) => f.name === "iw_sink_events_dropped_total")!;
    expect(dropped.metrics).toHaveLength(2 * DROP_REASONS.length);
    expect(new Set(dropped.metrics.map((m) => m.labels?.["reason"]))).toEqual(new Set(DROP_REASONS));
  });

  it("reads the stats once per scrape, not once per metric", async () => {
    const iw = new StatsDispatcher();
    const registry = new Registry();
    registerPrometheusMetrics(iw, { registry });
    await registry.metrics();
    expect(iw.statsCalls).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    iw.set("logstash", { delivered: 9 });
    expect(sample(await scrape(registry), "iw_sink_events_delivered_total", { sink: "logstash" })).toBe(9);
    expect(iw.statsCalls).toBe(2);
  });

  it("has no series when no sink is active", async () => {
    const registry = new Registry();
    registerPrometheusMetrics(NOOP_DISPATCHER, { registry });
    const families = await scrape(registry);
    expect(families.flatMap((f) => f.metrics)).toEqual([]);
  });

  it("puts the prefix before every name", async () => {
    const registry = new Registry();
    const { names } = registerPrometheusMetrics(new StatsDispatcher(), { registry, prefix: "firewall_" });
    expect(names[0]).toBe("firewall_sink_events_emitted_total");
    expect(sample(await scrape(registry), "firewall_sink_events_emitted_total", { sink: "logstash" })).toBe(0);
    const bare = new Registry();
    registerPrometheusMetrics(new StatsDispatcher(), { registry: bare, prefix: "" });
    expect((await scrape(bare)).map((f) => f.name)).toContain("sink_batch_retries_total");
  });

  it("refuses a prefix that cannot start a metric name, registering nothing", () => {
    const registry = new Registry();
    const act = () => registerPrometheusMetrics(new StatsDispatcher(), { registry, prefix: "9-lives." });
    expect(act).toThrow(IwConfigError);
    expect(act).toThrow('prefix "9-lives." cannot start a Prometheus metric name');
    expect(registry.getMetricsAsArray()).toEqual([]);
  });

  it("registers on prom-client's global registry by default", async () => {
    const metrics = registerPrometheusMetrics(new StatsDispatcher(["global"]));
    try {
      expect(metrics.registry).toBe(register);
      expect(sample(await scrape(register), "iw_sink_events_emitted_total", { sink: "global" })).toBe(0);
    } finally {
      metrics.unregister();
    }
  });
});

describe("unregister", () => {
  it("removes the metrics and leaves the rest of the registry alone; a second call does nothing", async () => {
    const registry = new Registry();
    registry.registerMetric(new (await import("prom-client")).Counter({ name: "host_requests_total", help: "host's own", registers: [] }));
    const metrics = registerPrometheusMetrics(new StatsDispatcher(), { registry });
    metrics.unregister();
    metrics.unregister();
    expect((await scrape(registry)).map((f) => f.name)).toEqual(["host_requests_total"]);
  });

  it("a second registration on the same registry throws and leaves the first one complete", async () => {
    const registry = new Registry();
    registerPrometheusMetrics(new StatsDispatcher(), { registry });
    expect(() => registerPrometheusMetrics(new StatsDispatcher(["other"]), { registry })).toThrow(/already been registered/);
    expect((await scrape(registry)).map((f) => f.name)).toHaveLength(SINK_METRICS.length + 1);
  });
});
