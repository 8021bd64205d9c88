import { metrics } from "@opentelemetry/api";
import type { Attributes, BatchObservableCallback, Meter, Observable } from "@opentelemetry/api";
import type { Dispatcher } from "@iw/core";
import { SINK_LABEL, SINK_METRICS } from "./definitions.js";

/** The instrumentation scope of the default meter. */
export const METER_NAME = "@iw/metrics";

/** Options of {@link registerOpenTelemetryMetrics}. */
export interface OpenTelemetryMetricsOptions {
  /** The meter the instruments are created on. @default `metrics.getMeter("@iw/metrics")` of the global MeterProvider */
  readonly meter?: Meter;
}

/** What {@link registerOpenTelemetryMetrics} returns. */
export interface OpenTelemetrySinkMetrics {
  /** The instrument names, in the README's order. */
  readonly names: readonly string[];
  /** Stops observing the dispatcher (the instruments stay, without data points). Idempotent. */
  unregister(): void;
}

/**
 * Creates one asynchronous instrument per sink statistic (see the README's table): observable
 * counters for the totals, observable up-down counters for the levels, all observed by one batch
 * callback that reads `dispatcher.stats()` once per collection. Nothing is recorded on the
 * emit path. Attribute `iw.sink.name` names the sink; drops carry the reason in `error.type`,
 * as the OpenTelemetry SDK's own `otel.sdk.*` metrics do.
 */
export function registerOpenTelemetryMetrics(dispatcher: Dispatcher, options: OpenTelemetryMetricsOptions = {}): OpenTelemetrySinkMetrics {
  const meter = options.meter ?? metrics.getMeter(METER_NAME);
  const instruments = SINK_METRICS.map((metric) => {
    const opts = { description: metric.description, unit: metric.unit };
    const instrument =
      metric.kind === "counter" ? meter.createObservableCounter(metric.otel, opts) : meter.createObservableUpDownCounter(metric.otel, opts);
    return { metric, instrument };
  });
  const observables: Observable[] = instruments.map((i) => i.instrument);
  const callback: BatchObservableCallback = (result) => {
    for (const s of dispatcher.stats()) {
      for (const { metric, instrument } of instruments) {
        metric.read(s, (value, dimension) => {
          const attributes: Attributes = { [SINK_LABEL.otel]: s.sink };
          if (dimension !== undefined && metric.dimension !== undefined) attributes[metric.dimension.otel] = dimension;
          result.observe(instrument, value, attributes);
        });
      }
    }
  };
  meter.addBatchObservableCallback(callback, observables);
  let registered = true;
  return {
    names: SINK_METRICS.map((m) => m.otel),
    unregister() {
      if (!registered) return;
      registered = false;
      meter.removeBatchObservableCallback(callback, observables);
    },
  };
}
