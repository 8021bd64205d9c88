import { defineSinkPlugin } from "@iw/core/sink-kit";
import { syslogOptions } from "./options.js";
import { SyslogSink } from "./syslog-sink.js";

/**
 * The syslog sink plugin: activated by `IW_SYSLOG_URL`, configured by the other `IW_SYSLOG_*`
 * variables (see the README table, generated from `syslogOptions`).
 */
export const plugin = defineSinkPlugin({
  name: "syslog",
  env: "IW_SYSLOG_URL",
  options: syslogOptions.env,
  secrets: syslogOptions.secrets,
  create(options, deps) {
    // A named instance (syslog:soc) names itself and its own variables in diagnostics.
    return new SyslogSink(syslogOptions.forInstance(options, deps), { logger: deps.logger });
  },
});
