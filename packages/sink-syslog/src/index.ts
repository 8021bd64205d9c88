/*
 * @iw/sink-syslog: what a host or a user of the sink needs. `IW_SYSLOG_URL` activates the plugin
 * through `activate()`; `createSyslogSink` builds the sink in code, with the same options and
 * checks as the variables. The encoders (RFC 5424, RFC 3164, CEF, LEEF), the SOC mapping, the
 * transports and the options definition are internal: tests import them by relative path.
 */
import { plugin } from "./plugin.js";

export { plugin };
export { SyslogSink, createSyslogSink } from "./syslog-sink.js";
export type { SyslogSinkOptions, SyslogFormat, SyslogHeader, SyslogFraming } from "./options.js";

/** The plugin, as the default export (for `IW_SINK_PLUGINS` and `import()`). */
export default plugin;
