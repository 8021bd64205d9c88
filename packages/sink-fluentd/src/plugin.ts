import { defineSinkPlugin } from "@iw/core/sink-kit";
import { createFluentdSink } from "./create.js";
import { DEFAULT_BATCH_SIZE, DEFAULT_CONCURRENCY, fluentdOptions } from "./options.js";

/**
 * The Fluentd sink plugin: activated by `IW_FLUENTD_URL`, configured by the other `IW_FLUENTD_*`
 * variables (see the README table, generated from `fluentdOptions`).
 */
export const plugin = defineSinkPlugin({
  name: "fluentd",
  env: "IW_FLUENTD_URL",
  options: fluentdOptions.env,
  secrets: fluentdOptions.secrets,
  /** Core's defaults but 4 batches in flight (`DEFAULT_CONCURRENCY`: ack latency) of 1,000 events (`DEFAULT_BATCH_SIZE`). */
  queueDefaults: { maxConcurrency: DEFAULT_CONCURRENCY, maxBatchSize: DEFAULT_BATCH_SIZE },
  create(options, deps) {
    // A named instance (fluentd:eu) names itself and its own variables in diagnostics.
    return createFluentdSink(fluentdOptions.forInstance(options, deps), deps);
  },
});
