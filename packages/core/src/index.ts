export { scanLog, auditEvent, isAudit } from "./events/events.js";
export type { ScanLog, AuditEvent, IwEvent, Match, AuditCategory, ScanLogInput, AuditEventInput } from "./events/events.js";
export { IwError, IwConfigError, IwHttpError } from "./diagnostics/errors.js";
export type { IwErrorCode } from "./diagnostics/errors.js";
export { silentLogger } from "./diagnostics/logger.js";
export type { Logger } from "./diagnostics/logger.js";
export { toLogger } from "./diagnostics/host-logger.js";
export { defineSinkPlugin } from "./sink/sink.js";
export type { Sink, SendContext, SendResult, SinkDeps, SinkPlugin, FailureReason, Prepared, PrepareContext } from "./sink/sink.js";
export { DROP_REASONS } from "./delivery/stats.js";
export type { DropReason, SinkStats } from "./delivery/stats.js";
export { DEFAULT_QUEUE_OPTIONS, DEFAULT_AUTH_RETRY_MS } from "./delivery/queue-options.js";
export type { QueueOptions, QueueDeps, QueueStateChange } from "./delivery/queue-options.js";
export type { Dispatcher, SinkTestReport } from "./dispatch/dispatcher-types.js";
export { uuidv7 } from "./events/uuidv7.js";
export { classifyHttpStatus, stripCredentials } from "./http/status.js";
export type { HeaderBag } from "./http/status.js";
export { parseRetryAfter } from "./http/retry-after.js";
export { parseHeaderList, assertHeaderValue, HEADER_LIST_FORM } from "./http/headers.js";
export { classifyNetworkError, errorCode } from "./http/network-error.js";
export { DeliveryQueue, DEFAULT_FLUSH_TIMEOUT_MS } from "./delivery/delivery-queue.js";
export { createDispatcher, NOOP_DISPATCHER, DEFAULT_TEST_TIMEOUT_MS, DEFAULT_EXIT_FLUSH_MS } from "./dispatch/dispatcher.js";
export type { Route, DispatcherOptions } from "./dispatch/dispatcher.js";
export { testEventCandidates, selectTestEvents, TEST_MESSAGE } from "./events/test-events.js";
export { activate, activateWithReport } from "./activation/activate.js";
export type { ActivateOptions, ActivationReport } from "./activation/activate.js";
export { BUILTIN_SINKS, IwPluginError } from "./activation/plugins.js";
export type { BuiltinSink } from "./activation/plugins.js";
export { GENERIC_SUFFIXES, findInstances, instanceSinkName, looksActivated } from "./activation/env-instances.js";
export type { Env, EnvInstance } from "./activation/env-instances.js";
export { compileEventFilter, EVENT_FILTER_FORM } from "./activation/filter.js";
export type { EventFilter } from "./activation/filter.js";
export {
  createRedactor,
  parseRedactFields,
  parseRedactMode,
  DEFAULT_REDACT_FIELDS,
  REDACT_MODES,
  REDACT_MODE_FORM,
  REDACT_FIELDS_FORM,
} from "./activation/redact.js";
export type { RedactMode, RedactOptions } from "./activation/redact.js";
export { toEcs, ECS_VERSION } from "./events/ecs.js";
export type { EcsDocument, EcsOptions } from "./events/ecs.js";
export { createConsoleLogger, consoleLoggerFromEnv } from "./diagnostics/console-logger.js";
export type { ConsoleLoggerOptions, LogLevel } from "./diagnostics/console-logger.js";
export { maskSecrets, maskFields, isSecretName, showValue, MASK } from "./diagnostics/env-mask.js";
export { TrafficSummary } from "./dispatch/summary.js";
export { lifecycleEventFor, sinkActivatedEvent } from "./dispatch/lifecycle.js";
export type { SummaryEvent } from "./events/events.js";
export { readResponseDetail, releaseBody, RESPONSE_DETAIL_BYTES, RESPONSE_DETAIL_TIMEOUT_MS } from "./http/response-detail.js";
export type { ResponseBody } from "./http/response-detail.js";
export { createHttpTransport } from "./http/transport.js";
export type { HttpTransport, HttpRequest } from "./http/transport.js";
export { DEFAULT_HTTP_CONNECT_TIMEOUT_MS, DEFAULT_HTTP_KEEP_ALIVE_TIMEOUT_MS, checkHttpTransportOptions } from "./http/transport-options.js";
export type { HttpTransportOptions, HttpTlsOptions } from "./http/transport-options.js";
export { CLIENT_MANAGED_HEADERS, reservedHeaderProblem, checkConfiguredHeaders } from "./http/reserved-headers.js";
