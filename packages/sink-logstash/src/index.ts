/*
 * @iw/sink-logstash: what a host or a user of the sink needs. `IW_ELK_URL` activates the plugin
 * through `activate()`; `createLogstashSink` builds the sink in code. Everything else in `src/`
 * (serialization, the node set, the env schema) is internal: tests import it by relative path.
 */
import { plugin } from "./plugin.js";

export { plugin };
export { LogstashSink, createLogstashSink } from "./logstash-sink.js";
export type { LogstashSendResult } from "./logstash-sink.js";
export type { LogstashSinkOptions, LogstashFormat, LogstashCompression, LogstashMethod } from "./options.js";
export type { NodeStatus } from "./node-set.js";

/** The plugin, as the default export (for `IW_SINK_PLUGINS` and `import()`). */
export default plugin;
