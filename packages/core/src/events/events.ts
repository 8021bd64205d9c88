import { uuidv7 } from "./uuidv7.js";

/*
 * The event model, declared as plain types so the published declarations do not depend on zod.
 * The zod schemas in `schema/events.ts` validate the same shapes at the boundaries (config,
 * tests, CLI); a compile-time check there keeps the two in step.
 */

/** One of the ten audit categories. */
export type AuditCategory = "auth" | "policy" | "config" | "signatures" | "engines" | "tls" | "admin" | "rate_limit" | "lifecycle" | "scan";

/** Fields every event carries. */
export type EventCommon = {
  /** UUIDv7, stable across retries so receivers can de-duplicate. */
  event_id: string;
  /** ISO 8601, UTC. */
  timestamp: string;
  service?: string | undefined;
  host?: string | undefined;
  /** Marks a `[Test message]` event sent by `Dispatcher.test()`. */
  test?: boolean | undefined;
};

/** A signature match inside a scan log. */
export type Match = {
  signature_id: string;
  matched_text: string;
  score: number;
  confidence: number;
  severity: number;
};

/** A scan decision (`log_type: "scan"`), field for field as InferenceWall sends it. */
export type ScanLog = EventCommon & {
  log_type: "scan";
  direction: "input" | "output";
  decision: "allow" | "flag" | "block";
  anomaly_score: number;
  threshold: number;
  policy: string;
  request_id: string;
  matches: Match[];
  signature_count: number;
};

/** An audit event (`log_type: "audit"`), field for field as InferenceWall sends it. */
export type AuditEvent = EventCommon & {
  log_type: "audit";
  category: AuditCategory;
  action: string;
  details: Record<string, unknown>;
  source_ip?: string | null | undefined;
  key_prefix?: string | null | undefined;
};

/** Scans of one direction in a summary, by decision. */
export type DecisionCounts = { allow: number; flag: number; block: number };

/**
 * A periodic traffic summary (`log_type: "summary"`, `IW_SUMMARY_INTERVAL_S`): the scans of one
 * interval by direction and decision, and the signatures that matched most.
 */
export type SummaryEvent = EventCommon & {
  log_type: "summary";
  interval_start: string;
  interval_end: string;
  scans: { total: number; input: DecisionCounts; output: DecisionCounts };
  top_signatures: { signature_id: string; count: number }[];
};

/** Every event the dispatcher carries. */
export type IwEvent = ScanLog | AuditEvent | SummaryEvent;

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
