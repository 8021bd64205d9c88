import { plugin } from "./plugin.js";

export { plugin };
export { OtlpSink, createOtlpSink, OTLP_RETRYABLE_STATUSES } from "./otlp-sink.js";
export {
  DEFAULT_PROTOCOL,
  DEFAULT_COMPRESSION,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_SERVICE_NAME,
  DEFAULT_OTLP_TIMEOUT_MS,
  DEFAULT_CONCURRENCY,
  LOGS_PATH,
  OTLP_PROTOCOLS,
  OTLP_COMPRESSIONS,
} from "./options.js";
export type { OtlpSinkOptions, OtlpProtocol, OtlpCompression } from "./options.js";
export { otlpEnvObject, otlpEnvSchema, otelTimeoutMs } from "./env-schema.js";
export type { OtlpEnv, OtlpPluginOptions } from "./env-schema.js";
export { toLogRecord, hrTimeOf, EVENT_NAMES } from "./mapping.js";
export type { LogRecordInput, AttributeValue, HrTime } from "./mapping.js";
export { severityOf, SCAN_SEVERITY, AUDIT_SEVERITY, FAILURE_ACTION, INFO, WARN, ERROR } from "./severity.js";
export type { Severity } from "./severity.js";
export { ResourceCache, SCOPE, SINK_VERSION } from "./resource.js";
export type { OtlpResource } from "./resource.js";
export { parseResourceAttributes, RESOURCE_ATTRIBUTES_FORM } from "./resource-attributes.js";
export { encodeBatch, SLICE_SIZE } from "./encode.js";
export type { EncodedBatch, OtlpPayload } from "./encode.js";
export { readPartialSuccess, MAX_RESPONSE_BYTES } from "./response.js";
export type { PartialSuccess } from "./response.js";

/** The plugin, as the default export (for `IW_SINK_PLUGINS` and `import()`). */
export default plugin;
