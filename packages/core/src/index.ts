/**
 * `@iw/core`: the host API. Activate the sinks from the environment (or build a dispatcher from
 * routes), emit scan logs and audit events, read the stats, flush and close. Nothing here loads
 * zod, undici or a sink package: a host with no sink configured pays for none of them.
 *
 * Writing a sink? Its contract, the shared HTTP transport and the env field builders are in
 * `@iw/core/sink-kit`.
 */
export { activate, activateWithReport } from "./activation/index.js";
export type { ActivateOptions, ActivationReport, Env } from "./activation/index.js";
export { createDispatcher, NOOP_DISPATCHER } from "./dispatch/index.js";
export type { Dispatcher, DispatcherOptions, Route, SinkTestReport } from "./dispatch/index.js";
export { DEFAULT_QUEUE_OPTIONS, DROP_REASONS } from "./delivery/index.js";
export type { BatchDurationStats, DropReason, QueueOptions, SinkStats } from "./delivery/index.js";
export { scanLog, auditEvent, isAudit, toEcs } from "./events/index.js";
export type {
  AuditCategory,
  AuditEvent,
  AuditEventInput,
  EcsDocument,
  EcsOptions,
  IwEvent,
  Match,
  ScanLog,
  ScanLogInput,
  SummaryEvent,
} from "./events/index.js";
export { IwError, IwConfigError, IwHttpError, silentLogger, createConsoleLogger, toLogger } from "./diagnostics/index.js";
export type { ConsoleLoggerOptions, IwErrorCode, LogLevel, Logger } from "./diagnostics/index.js";
