// The root loads neither prom-client nor @opentelemetry/api: the exporters are the subpaths
// `@iw/metrics/prometheus` and `@iw/metrics/opentelemetry`.
export { SINK_METRICS, SINK_LABEL, SINK_STATES } from "./definitions.js";
export type { SinkMetric } from "./definitions.js";
export { watchSinks, DEFAULT_WATCH_INTERVAL_MS } from "./watch.js";
export type { SinkDrop, SinkStateChange, SinkWatch, SinkWatchOptions } from "./watch.js";
