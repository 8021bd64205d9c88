import type { z } from "zod";
import type {
  AuditEventSchema,
  IwEventSchema,
  MatchSchema,
  ScanLogSchema,
  SummaryEventSchema,
  AUDIT_CATEGORIES,
} from "../schema/events.js";
import { uuidv7 } from "./uuidv7.js";

/** A signature match inside a scan log. */
export type Match = z.infer<typeof MatchSchema>;
/** A scan decision (`log_type: "scan"`). */
export type ScanLog = z.infer<typeof ScanLogSchema>;
/** An audit event (`log_type: "audit"`). */
export type AuditEvent = z.infer<typeof AuditEventSchema>;
/** A periodic traffic summary (`log_type: "summary"`). */
export type SummaryEvent = z.infer<typeof SummaryEventSchema>;
/** Every event the dispatcher carries. */
export type IwEvent = z.infer<typeof IwEventSchema>;
/** One of the ten audit categories. */
export type AuditCategory = (typeof AUDIT_CATEGORIES)[number];

/** What a caller gives `scanLog()`: everything but the fields the builder fills. */
export type ScanLogInput = Omit<ScanLog, "log_type" | "event_id" | "timestamp" | "signature_count"> &
  Partial<Pick<ScanLog, "event_id" | "timestamp" | "signature_count">>;
/** What a caller gives `auditEvent()`. */
export type AuditEventInput = Omit<AuditEvent, "log_type" | "event_id" | "timestamp" | "details"> &
  Partial<Pick<AuditEvent, "event_id" | "timestamp" | "details">>;

/**
 * Builds a scan log, filling `event_id` (UUIDv7), `timestamp` (now, ISO 8601 UTC) and
 * `signature_count` (from `matches`) when not given. No validation: this is the hot path.
 */
export function scanLog(input: ScanLogInput): ScanLog {
  return {
    log_type: "scan",
    ...input,
    timestamp: input.timestamp ?? new Date().toISOString(),
    event_id: input.event_id ?? uuidv7(),
    signature_count: input.signature_count ?? input.matches.length,
  };
}

/** Builds an audit event, filling `event_id`, `timestamp` and an empty `details` when not given. */
export function auditEvent(input: AuditEventInput): AuditEvent {
  return {
    log_type: "audit",
    ...input,
    timestamp: input.timestamp ?? new Date().toISOString(),
    details: input.details ?? {},
    event_id: input.event_id ?? uuidv7(),
  };
}

/** True for audit events, which travel in their own queue lane under a protected share of the budget. */
export function isAudit(event: IwEvent): event is AuditEvent {
  return event.log_type === "audit";
}
