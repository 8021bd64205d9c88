/**
 * The event model: scan logs, audit events and traffic summaries as plain types, the builders
 * that fill `event_id` and `timestamp`, UUIDv7 ids, the ECS mapping and the `[Test message]`
 * events. No dependencies (zod included): `import "@iw/core"` loads this folder as it is.
 * The zod schemas of the same shapes live in `schema/`.
 */
export { scanLog, auditEvent, isAudit } from "./events.js";
export type {
  AuditCategory,
  AuditEvent,
  AuditEventInput,
  DecisionCounts,
  EventCommon,
  IwEvent,
  Match,
  ScanLog,
  ScanLogInput,
  SummaryEvent,
} from "./events.js";
export { AUDIT_CATEGORIES, AUDIT_CATEGORY_NAMES } from "./audit-categories.js";
export { uuidv7 } from "./uuidv7.js";
export { toEcs, ECS_VERSION } from "./ecs.js";
export type { EcsDocument, EcsOptions } from "./ecs.js";
export { testEventCandidates, selectTestEvents, TEST_MESSAGE } from "./test-events.js";
