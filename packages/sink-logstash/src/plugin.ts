import { defineSinkPlugin } from "@iw/core/sink-kit";
import { LogstashSink } from "./logstash-sink.js";
import { logstashOptions } from "./options.js";

/**
 * The Logstash sink plugin: activated by `IW_ELK_URL`, configured by the other `IW_ELK_*`
 * variables (see the README table, generated from `logstashOptions`).
 */
export const plugin = defineSinkPlugin({
  name: "logstash",
  env: "IW_ELK_URL",
  options: logstashOptions.env,
  secrets: logstashOptions.secrets,
  create(options, deps) {
    // A named instance (logstash:prod) names itself and its own variables in diagnostics.
    return new LogstashSink(logstashOptions.forInstance(options, deps), { logger: deps.logger });
  },
});
