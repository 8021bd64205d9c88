import { IwConfigError } from "@iw/core";
import type { Dispatcher, SinkStats } from "@iw/core";
import { Counter, Gauge, register } from "prom-client";
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
