import { DROP_REASONS } from "@iw/core";
import type { SinkStats } from "@iw/core";

/** The states a sink reports in `SinkStats.state`, in a stable order. */
export const SINK_STATES: readonly SinkStats["state"][] = ["active", "backoff", "disabled"];

/**
 * One sink statistic as both ecosystems name it. The Prometheus exporter and the OpenTelemetry
 * exporter both read this table, and the README's table is checked against it, so the names
 * cannot drift apart.
 */
export interface SinkMetric {
  /** The `SinkStats` field it reads. */
  readonly stat: string;
  /** `counter`: only grows while the dispatcher lives; `gauge`: goes up and down. */
  readonly kind: "counter" | "gauge";
  /** Prometheus name without the prefix (`iw_` by default). */
  readonly prometheus: string;
  /** OpenTelemetry instrument name. */
  readonly otel: string;
  /** OpenTelemetry unit (UCUM; `{event}` is an annotation: a count of events). */
  readonly unit: string;
  readonly description: string;
  /** The extra dimension of a metric with several series per sink: Prometheus label and OpenTelemetry attribute. */
  readonly dimension?: { readonly prometheus: string; readonly otel: string };
  /** Calls `point` once per series of this sink (with the dimension's value when there is one). */
  readonly read: (stats: SinkStats, point: (value: number, dimension?: string) => void) => void;
}

/** The sink's name: Prometheus label `sink`, OpenTelemetry attribute `iw.sink.name`. */
export const SINK_LABEL = { prometheus: "sink", otel: "iw.sink.name" } as const;

const single =
  (pick: (s: SinkStats) => number): SinkMetric["read"] =>
  (s, point) =>
    point(pick(s));

/** Every exported metric, in the order of the README's table. */
export const SINK_METRICS: readonly SinkMetric[] = [
  {
    stat: "emitted",
    kind: "counter",
    prometheus: "sink_events_emitted_total",
    otel: "iw.sink.event.emitted",
    unit: "{event}",
    description: "Events accepted for the sink by emit (after its filter), including those later dropped.",
    read: single((s) => s.emitted),
  },
  {
    stat: "delivered",
    kind: "counter",
    prometheus: "sink_events_delivered_total",
    otel: "iw.sink.event.delivered",
    unit: "{event}",
    description: "Events the collector acknowledged.",
    read: single((s) => s.delivered),
  },
  {
    stat: "truncated",
    kind: "counter",
    prometheus: "sink_events_truncated_total",
    otel: "iw.sink.event.truncated",
    unit: "{event}",
    description: "Of the delivered events, those the sink shortened to fit the destination's message size limit (syslog).",
    read: single((s) => s.truncated),
  },
  {
    stat: "dropped[reason]",
    kind: "counter",
    prometheus: "sink_events_dropped_total",
    otel: "iw.sink.event.dropped",
    unit: "{event}",
    description: "Events dropped, by reason (every reason of DROP_REASONS, 0 included).",
    dimension: { prometheus: "reason", otel: "error.type" },
    read: (s, point) => {
      // Core's list, not a copy: a reason added there shows up here as a 0 series.
      for (const reason of DROP_REASONS) point(s.dropped[reason], reason);
    },
  },
  {
    stat: "retried",
    kind: "counter",
    prometheus: "sink_batch_retries_total",
    otel: "iw.sink.batch.retries",
    unit: "{retry}",
    description: "Batch attempts that failed and were retried (per batch attempt, not per event).",
    read: single((s) => s.retried),
  },
  {
    stat: "queued",
    kind: "gauge",
    prometheus: "sink_events_queued",
    otel: "iw.sink.event.queued",
    unit: "{event}",
    description: "Events waiting in the sink's lanes for a batch.",
    read: single((s) => s.queued),
  },
  {
    stat: "inFlight",
    kind: "gauge",
    prometheus: "sink_events_in_flight",
    otel: "iw.sink.event.inflight",
    unit: "{event}",
    description: "Events in batches being sent or waiting for a retry.",
    read: single((s) => s.inFlight),
  },
  {
    stat: "spooled",
    kind: "gauge",
    prometheus: "sink_events_spooled",
    otel: "iw.sink.event.spooled",
    unit: "{event}",
    description: "Events held only in the disk spool (IW_SPOOL_DIR); 0 without a spool.",
    read: single((s) => s.spooled),
  },
  {
    stat: "heldBytes",
    kind: "gauge",
    prometheus: "sink_memory_usage_bytes",
    otel: "iw.sink.memory.usage",
    unit: "By",
    description: "Estimated serialized bytes of the events the sink holds in memory (queued, waiting for a retry, in flight).",
    read: single((s) => s.heldBytes),
  },
  {
    stat: "budgetBytes",
    kind: "gauge",
    prometheus: "sink_memory_limit_bytes",
    otel: "iw.sink.memory.limit",
    unit: "By",
    description: "The sink's byte budget (the queue option maxQueueBytes); memory usage never exceeds it.",
    read: single((s) => s.budgetBytes),
  },
  {
    stat: "state",
    kind: "gauge",
    prometheus: "sink_status",
    otel: "iw.sink.status",
    unit: "1",
    description: "1 for the sink's current state (active, backoff: paused after failures, disabled), 0 for the others.",
    dimension: { prometheus: "state", otel: "iw.sink.state" },
    read: (s, point) => {
      for (const state of SINK_STATES) point(s.state === state ? 1 : 0, state);
    },
  },
];
