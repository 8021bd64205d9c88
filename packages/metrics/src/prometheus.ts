import { IwConfigError } from "@iw/core";
import type { Dispatcher, SinkStats } from "@iw/core";
import { Counter, Gauge, Histogram, register } from "prom-client";
import type { Registry } from "prom-client";
import { SINK_LABEL, SINK_METRICS } from "./definitions.js";
import type { SinkMetric } from "./definitions.js";

/** The default of {@link PrometheusMetricsOptions.prefix}: names start `iw_sink_`. */
export const DEFAULT_PROMETHEUS_PREFIX = "iw_";

/** Options of {@link registerPrometheusMetrics}. */
export interface PrometheusMetricsOptions {
  /** Where the metrics are registered. @default prom-client's global `register` */
  readonly registry?: Registry;
  /**
   * Put before every metric name (`iw_` gives `iw_sink_events_delivered_total`); `""` for none.
   * A name prefix, not a label. @default "iw_" (no environment variable)
   */
  readonly prefix?: string;
}

/** What {@link registerPrometheusMetrics} returns. */
export interface PrometheusSinkMetrics {
  readonly registry: Registry;
  /** The metric names registered, prefix included, in the README's order. */
  readonly names: readonly string[];
  /** Removes these metrics from the registry. Idempotent. */
  unregister(): void;
}

const NAME_PREFIX = /^(?:[a-zA-Z_:][a-zA-Z0-9_:]*)?$/;

/**
 * Registers every sink's stats (see the README's table) on a prom-client registry. Nothing is
 * recorded on the emit path: each scrape reads `dispatcher.stats()` once, in the metrics'
 * `collect()` callbacks, so every series of one scrape comes from the same snapshot and
 * `emitted == delivered + dropped + queued + in_flight + spooled` holds across them. A
 * dispatcher with no active sink yields no series.
 *
 * One dispatcher per registry and prefix: registering a second time throws prom-client's
 * "already registered" error.
 *
 * @throws IwConfigError when `prefix` cannot start a Prometheus metric name.
 */
export function registerPrometheusMetrics(dispatcher: Dispatcher, options: PrometheusMetricsOptions = {}): PrometheusSinkMetrics {
  const registry = options.registry ?? register;
  const prefix = options.prefix ?? DEFAULT_PROMETHEUS_PREFIX;
  if (!NAME_PREFIX.test(prefix)) {
    throw new IwConfigError(
      `registerPrometheusMetrics: prefix ${JSON.stringify(prefix)} cannot start a Prometheus metric name; expected letters, digits, _ and :, not starting with a digit`,
    );
  }
  const snapshot = perScrape(dispatcher);
  const names: string[] = [];
  try {
    for (const metric of SINK_METRICS) {
      const name = prefix + metric.prometheus;
      define(metric, name, registry, snapshot);
      names.push(name);
    }
    const duration = prefix + BATCH_DURATION_METRIC;
    new BatchDurationHistogram(duration, registry, snapshot);
    names.push(duration);
  } catch (err) {
    // Half a set of metrics is worse than none: leave the registry as it was.
    for (const name of names) registry.removeSingleMetric(name);
    throw err;
  }
  let registered = true;
  return {
    registry,
    names,
    unregister() {
      if (!registered) return;
      registered = false;
      for (const name of names) registry.removeSingleMetric(name);
    },
  };
}

function define(metric: SinkMetric, name: string, registry: Registry, snapshot: () => readonly SinkStats[]): void {
  const labelNames = metric.dimension === undefined ? [SINK_LABEL.prometheus] : [SINK_LABEL.prometheus, metric.dimension.prometheus];
  const labels = (sink: string, dimension: string | undefined): Record<string, string> =>
    dimension === undefined || metric.dimension === undefined
      ? { [SINK_LABEL.prometheus]: sink }
      : { [SINK_LABEL.prometheus]: sink, [metric.dimension.prometheus]: dimension };
  const common = { name, help: metric.description, labelNames, registers: [registry] };
  if (metric.kind === "counter") {
    new Counter({
      ...common,
      collect() {
        // The totals live in core; the counter only mirrors them at scrape time.
        this.reset();
        for (const s of snapshot()) metric.read(s, (value, dimension) => this.inc(labels(s.sink, dimension), value));
      },
    });
  } else {
    new Gauge({
      ...common,
      collect() {
        this.reset();
        for (const s of snapshot()) metric.read(s, (value, dimension) => this.set(labels(s.sink, dimension), value));
      },
    });
  }
}

/**
 * `dispatcher.stats()` once per scrape: prom-client runs every metric's `collect()` in one
 * synchronous loop, so the snapshot is kept until the event loop's next turn.
 */
function perScrape(dispatcher: Dispatcher): () => readonly SinkStats[] {
  let current: readonly SinkStats[] | undefined;
  return () => {
    if (current === undefined) {
      current = dispatcher.stats();
      setImmediate(() => (current = undefined));
    }
    return current;
  };
}

/** The send-attempt duration histogram's name, without the prefix. */
export const BATCH_DURATION_METRIC = "sink_batch_duration_seconds";

/**
 * `SinkStats.batchDuration` as a Prometheus histogram. Core keeps the buckets; prom-client's
 * Histogram only records observations one by one, so this one reports core's buckets (made
 * cumulative, in seconds) at scrape time instead of observing anything itself.
 */
class BatchDurationHistogram extends Histogram<typeof SINK_LABEL.prometheus> {
  readonly #snapshot: () => readonly SinkStats[];
  readonly #name: string;
  readonly #help = "How long send attempts took, delivered or not (core's buckets, in seconds).";

  constructor(name: string, registry: Registry, snapshot: () => readonly SinkStats[]) {
    super({ name, help: "How long send attempts took.", labelNames: [SINK_LABEL.prometheus], registers: [registry] });
    this.#name = name;
    this.#snapshot = snapshot;
  }

  override get(): ReturnType<Histogram<typeof SINK_LABEL.prometheus>["get"]> {
    // prom-client's type asks for `collect` and its own label types; the registry reads only these fields.
    const data = { name: this.#name, help: this.#help, type: "histogram", aggregator: "sum", values: this.#values() };
    return Promise.resolve(data as unknown as Awaited<ReturnType<Histogram<typeof SINK_LABEL.prometheus>["get"]>>);
  }

  /** What the registry's text output reads (prom-client prefers it to `get()` when present). */
  getForPromString(): ReturnType<Histogram<typeof SINK_LABEL.prometheus>["get"]> {
    return this.get();
  }

  #values(): { value: number; labels: Record<string, string | number>; metricName: string }[] {
    const out: { value: number; labels: Record<string, string | number>; metricName: string }[] = [];
    for (const s of this.#snapshot()) {
      const d = s.batchDuration;
      const sink = { [SINK_LABEL.prometheus]: s.sink };
      let cumulative = 0;
      d.boundsMs.forEach((bound, i) => {
        cumulative += d.counts[i] ?? 0;
        out.push({ value: cumulative, labels: { ...sink, le: bound / 1000 }, metricName: `${this.#name}_bucket` });
      });
      out.push({ value: d.count, labels: { ...sink, le: "+Inf" }, metricName: `${this.#name}_bucket` });
      out.push({ value: d.sumMs / 1000, labels: sink, metricName: `${this.#name}_sum` });
      out.push({ value: d.count, labels: sink, metricName: `${this.#name}_count` });
    }
    return out;
  }
}
