import { plugin } from "./plugin.js";

export { plugin, syslogEnvObject, syslogEnvSchema, optionsFromEnv } from "./plugin.js";
export type { SyslogEnv } from "./plugin.js";
export { SyslogSink, createSyslogSink } from "./syslog-sink.js";
export { SyslogEncoder } from "./encoder.js";
export { classify, SEVERITY } from "./mapping.js";
export type { Classification } from "./mapping.js";
export { escapeCefHeader, escapeCefValue } from "./cef.js";
export { escapeParam, sdName, MAX_MATCH_ELEMENTS } from "./rfc5424.js";
export { LEEF_TIME_FORMAT } from "./leef.js";
export { FACILITIES, parseFacility, resolveOptions } from "./resolve-options.js";
export type { ResolvedOptions, SyslogTarget } from "./resolve-options.js";
export type { SyslogPayload } from "./payload.js";
export { ENCODE_SLICE } from "./payload.js";
export {
  DEFAULT_FORMAT,
  DEFAULT_HEADER,
  DEFAULT_FRAMING,
  DEFAULT_FACILITY,
  DEFAULT_APP_NAME,
  DOCUMENTATION_ENTERPRISE_ID,
  DEFAULT_UDP_MAX_MESSAGE_BYTES,
  DEFAULT_STREAM_MAX_MESSAGE_BYTES,
  DEFAULT_VENDOR,
  DEFAULT_PRODUCT,
  DEFAULT_PRODUCT_VERSION,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_SINK_NAME,
} from "./options.js";
export type { SyslogSinkOptions, SyslogFormat, SyslogHeader, SyslogFraming, SyslogTlsOptions } from "./options.js";

/** The plugin, as the default export (for `IW_SINK_PLUGINS` and `import()`). */
export default plugin;
