import { plugin } from "./plugin.js";

export { plugin };
export { LogstashSink, createLogstashSink } from "./logstash-sink.js";
export type { LogstashSendResult } from "./logstash-sink.js";
export {
  DEFAULT_METHOD,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_NODE_RETRY_INITIAL_MS,
  DEFAULT_NODE_RETRY_MAX_MS,
} from "./options.js";
export type { LogstashSinkOptions, LogstashFormat, LogstashCompression, LogstashMethod } from "./options.js";
export { logstashEnvObject, logstashEnvSchema, optionsFromEnv } from "./env-schema.js";
export type { LogstashEnv } from "./env-schema.js";
export type { NodeStatus } from "./node-set.js";
export { serializeBatch } from "./serialize.js";
export type { SerializedBatch } from "./serialize.js";

/** The plugin, as the default export (for `IW_SINK_PLUGINS` and `import()`). */
export default plugin;
