import { defineSinkPlugin } from "@iw/core/sink-kit";
import type { EnvParser } from "@iw/core/sink-kit";
import { otelTimeoutMs, otlpOptions } from "./options.js";
import type { OtlpPluginOptions } from "./options.js";
import { OtlpSink } from "./otlp-sink.js";

/**
 * The OTLP sink plugin: activated by `IW_OTLP_URL` (never by the `OTEL_*` variables, which it
 * only reads as fallbacks), configured by the other `IW_OTLP_*` variables (see the README table,
 * generated from `otlpOptions`). `OTEL_EXPORTER_OTLP_(LOGS_)TIMEOUT` is the default attempt
 * deadline when `IW_OTLP_TIMEOUT_MS` is unset.
 */
// Its options: as the variables give them, with the notices the OpenTelemetry fallbacks left.
export const plugin = defineSinkPlugin<OtlpPluginOptions, EnvParser<OtlpPluginOptions>>({
  name: "otlp",
  env: "IW_OTLP_URL",
  options: otlpOptions.env,
  secrets: otlpOptions.secrets,
  queueDefaults: {
    // The OTLP attempt deadline (OTEL_EXPORTER_OTLP_TIMEOUT's default).
    attemptTimeoutMs: 10_000,
    // Core's default is 2. A collector decodes requests side by side; with 4, a burst drained
    // about 1.3× faster to the loopback receiver (BENCHMARKS.md), for at most four batches
    // (~1 MB) in flight, all within the sink's byte budget. — IW_OTLP_CONCURRENCY
    maxConcurrency: 4,
  },
  queueDefaultsFromEnv(env) {
    const ms = otelTimeoutMs(env);
    return ms === undefined ? {} : { attemptTimeoutMs: ms };
  },
  create({ notices, ...options }, deps) {
    // A named instance (otlp:prod) names itself and its own variables in diagnostics.
    const sink = new OtlpSink(otlpOptions.forInstance(options, deps), { logger: deps.logger });
    for (const notice of notices ?? []) deps.logger.warn(notice, { sink: sink.name });
    return sink;
  },
});
