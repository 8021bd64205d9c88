/**
 * The HTTP transport HTTP sinks share (undici pool loaded on first use, TLS, URL credentials,
 * reserved headers, bounded error excerpts) and the classification of HTTP outcomes into
 * `SendResult`s (status codes, `Retry-After`, network errors). Sink authors reach it through
 * `@iw/core/sink-kit`.
 */
export { createHttpTransport } from "./transport.js";
export type { HttpRequest, HttpTransport } from "./transport.js";
export { checkHttpTransportOptions, DEFAULT_HTTP_CONNECT_TIMEOUT_MS, DEFAULT_HTTP_KEEP_ALIVE_TIMEOUT_MS } from "./transport-options.js";
export type { HttpTlsOptions, HttpTransportOptions } from "./transport-options.js";
export { classifyHttpStatus, stripCredentials } from "./status.js";
export type { HeaderBag } from "./status.js";
export { parseRetryAfter } from "./retry-after.js";
export { classifyNetworkError, errorCode } from "./network-error.js";
export { readResponseBody, readResponseDetail, releaseBody, RESPONSE_DETAIL_BYTES, RESPONSE_DETAIL_TIMEOUT_MS } from "./response-detail.js";
export type { ResponseBody } from "./response-detail.js";
export { parseHeaderList, assertHeaderValue, HEADER_LIST_FORM } from "./headers.js";
export { CLIENT_MANAGED_HEADERS, reservedHeaderProblem, checkConfiguredHeaders } from "./reserved-headers.js";
