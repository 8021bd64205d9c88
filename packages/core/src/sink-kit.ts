/**
 * `@iw/core/sink-kit`: what a sink author needs. The `Sink` contract and `defineSinkPlugin`, the
 * env field builders a plugin's `options` are made of (plain types: the plugin needs no schema
 * library of its own), the HTTP transport HTTP sinks share, and the helpers that classify
 * outcomes the way core's delivery policy expects (`classifyHttpStatus`, `classifyNetworkError`,
 * `parseRetryAfter`). Event types, errors and `Logger` come from `@iw/core`.
 *
 * Guide: docs/writing-a-sink.md. The contract test suite is `describeSinkContract` in `@iw/testkit`.
 */
export { defineSinkPlugin } from "./sink/index.js";
export type {
  EnvCheckContext,
  EnvField,
  EnvOutput,
  EnvIssue,
  EnvObject,
  EnvParseResult,
  EnvParser,
  EnvSchema,
  EnvValues,
  FailureReason,
  OptionContext,
  OptionsInputOf,
  OptionsOutputOf,
  PemContents,
  SinkInstanceOptions,
  SinkOption,
  SinkOptions,
  SinkOptionsInput,
  SinkOptionsOutput,
  TlsOptionSet,
  PrepareContext,
  Prepared,
  SendContext,
  SendResult,
  Sink,
  SinkDeps,
  SinkPlugin,
  StandardIssue,
  StandardResult,
  StandardSchema,
} from "./sink/index.js";
export type { QueueOptions } from "./delivery/index.js";
// The field builders' own module, not schema/index.ts: a sink loads the builders, not core's
// event and generic-variable schemas.
export {
  envBool,
  envBytes,
  envEnum,
  envField,
  envFile,
  envHeaders,
  envInt,
  envMs,
  envObject,
  envString,
  envUrlList,
  INVALID,
  MAX_ENV_FILE_BYTES,
} from "./schema/env-fields.js";
export type { EnvFile } from "./schema/env-fields.js";
export { option } from "./schema/option-builders.js";
export { defineSinkOptions } from "./schema/sink-options.js";
export { urlParseProblem } from "./schema/url-problem.js";
export {
  createHttpTransport,
  checkHttpTransportOptions,
  DEFAULT_HTTP_CONNECT_TIMEOUT_MS,
  DEFAULT_HTTP_KEEP_ALIVE_TIMEOUT_MS,
  CLIENT_MANAGED_HEADERS,
  checkConfiguredHeaders,
  reservedHeaderProblem,
  parseHeaderList,
  assertHeaderValue,
  HEADER_LIST_FORM,
  classifyHttpStatus,
  classifyNetworkError,
  errorCode,
  parseRetryAfter,
  readResponseBody,
  readResponseDetail,
  releaseBody,
  RESPONSE_DETAIL_BYTES,
  RESPONSE_DETAIL_TIMEOUT_MS,
  stripCredentials,
} from "./http/index.js";
export type { HeaderBag, HttpRequest, HttpTlsOptions, HttpTransport, HttpTransportOptions, ResponseBody } from "./http/index.js";
