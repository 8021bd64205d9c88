import { defineSinkPlugin } from "@iw/core/sink-kit";
import { otelTimeoutMs, otlpEnvSchema } from "./env-schema.js";
import { DEFAULT_CONCURRENCY, DEFAULT_OTLP_TIMEOUT_MS } from "./options.js";
import { OtlpSink } from "./otlp-sink.js";

/**
 * The OTLP sink plugin: activated by `IW_OTLP_URL` (never by the `OTEL_*` variables, which it
 * only reads as fallbacks), configured by the other `IW_OTLP_*` variables (see the README table,
 * generated from `otlpEnvObject`). `OTEL_EXPORTER_OTLP_(LOGS_)TIMEOUT` is the default attempt
 * deadline when `IW_OTLP_TIMEOUT_MS` is unset.
 */
export const plugin = defineSinkPlugin({
  name: "otlp",
  env: "IW_OTLP_URL",
  options: otlpEnvSchema,
  queueDefaults: { attemptTimeoutMs: DEFAULT_OTLP_TIMEOUT_MS, maxConcurrency: DEFAULT_CONCURRENCY },
  queueDefaultsFromEnv(env) {
    const ms = otelTimeoutMs(env);
    return ms === undefined ? {} : { attemptTimeoutMs: ms };
  },
  create({ notices, ...options }, deps) {
    // A named instance (otlp:prod) names itself and its own variables in diagnostics.
    const sink = new OtlpSink(
      {
        ...options,
        ...(deps.sinkName === undefined ? {} : { name: deps.sinkName }),
        ...(deps.envPrefix === undefined ? {} : { envPrefix: deps.envPrefix }),
      },
      { logger: deps.logger },
    );
    for (const notice of notices ?? []) deps.logger.warn(notice, { sink: sink.name });
    return sink;
  },
});
