import { defineSinkPlugin } from "@iw/core/sink-kit";
import { logstashEnvSchema } from "./env-schema.js";
import { LogstashSink } from "./logstash-sink.js";

/**
 * The Logstash sink plugin: activated by `IW_ELK_URL`, configured by the other `IW_ELK_*`
 * variables (see the README table, generated from `logstashEnvObject`).
 */
export const plugin = defineSinkPlugin({
  name: "logstash",
  env: "IW_ELK_URL",
  options: logstashEnvSchema,
  secrets: ["IW_ELK_PASSWORD"],
  create(options, deps) {
    // A named instance (logstash:prod) names itself and its own variables in diagnostics.
    const instance = {
      ...options,
      ...(deps.sinkName === undefined ? {} : { name: deps.sinkName }),
      ...(deps.envPrefix === undefined ? {} : { envPrefix: deps.envPrefix }),
    };
    return new LogstashSink(instance, { logger: deps.logger });
  },
});
