import { plugin } from "./plugin.js";

export { plugin, fluentdEnvSchema } from "./plugin.js";
export { createFluentdSink } from "./create.js";
export { ForwardSink } from "./forward-sink.js";
export type { ForwardPayload } from "./forward-sink.js";
export { HttpSink } from "./http-sink.js";
export type { HttpPayload, HttpTagBody } from "./http-sink.js";
export { ForwardEncoder, ENCODE_SLICE } from "./forward-encoder.js";
export type { ForwardMessage, ForwardEncoderOptions, ForwardFrame, PackedTag } from "./forward-encoder.js";
export { EventTime, eventTimeFromIso, EVENT_TIME_EXT_TYPE } from "./event-time.js";
export { chunkIdFor } from "./chunk-id.js";
export { RENAMED_TIME_FIELD } from "./records.js";
export { DEFAULT_TAG, DEFAULT_KEEPALIVE_MS, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_SINK_NAME, DEFAULT_CONCURRENCY, DEFAULT_BATCH_SIZE } from "./options.js";
export type { FluentdSinkOptions } from "./options.js";
export type { FluentdTlsOptions, ForwardTarget } from "./target.js";

export default plugin;
