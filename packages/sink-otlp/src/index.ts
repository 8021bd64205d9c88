/*
 * @iw/sink-otlp: what a host or a user of the sink needs. `IW_OTLP_URL` activates the plugin
 * through `activate()`; `createOtlpSink` builds the sink in code. The log-record mapping,
 * severities, encoding, response reading and the options definition (`otlpOptions`) are
 * internal: tests import them by relative path.
 */
import { plugin } from "./plugin.js";

export { plugin };
export { OtlpSink, createOtlpSink } from "./otlp-sink.js";
export type { OtlpSinkOptions, OtlpProtocol, OtlpCompression } from "./options.js";

/** The plugin, as the default export (for `IW_SINK_PLUGINS` and `import()`). */
export default plugin;
