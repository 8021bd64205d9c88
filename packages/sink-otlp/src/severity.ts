import type { AuditCategory, IwEvent } from "@iw/core";

/** An OpenTelemetry severity: `SeverityNumber` (1–24) and its short name. */
export interface Severity {
  readonly number: number;
  readonly text: "INFO" | "WARN" | "ERROR";
}

/** SeverityNumber INFO (9). */
export const INFO: Severity = Object.freeze({ number: 9, text: "INFO" });
/** SeverityNumber WARN (13). */
export const WARN: Severity = Object.freeze({ number: 13, text: "WARN" });
/** SeverityNumber ERROR (17). */
export const ERROR: Severity = Object.freeze({ number: 17, text: "ERROR" });

/**
 * Scan decisions: a block is the firewall stopping an attack (ERROR, what an alert rule on
 * `severity_number >= 17` should catch), a flag something to look at (WARN), an allow routine.
 */
export const SCAN_SEVERITY: Readonly<Record<string, Severity>> = Object.freeze({ allow: INFO, flag: WARN, block: ERROR });

/** Audit categories: only throttling is a warning in itself; the action can raise any to WARN. */
export const AUDIT_SEVERITY: Readonly<Record<AuditCategory, Severity>> = Object.freeze({
  auth: INFO,
  policy: INFO,
  config: INFO,
  signatures: INFO,
  engines: INFO,
  tls: INFO,
  admin: INFO,
  rate_limit: WARN,
  lifecycle: INFO,
  scan: INFO,
});

/** An audit action that names a failure or refusal (`login_failed`, `key_rejected`, `sink_disabled`). */
export const FAILURE_ACTION = /fail|denied|deny|reject|invalid|error|unauthori[sz]ed|forbidden|expired|revoked|disabled|blocked/i;

/** The severity of one event; see the README's mapping table. */
export function severityOf(event: IwEvent): Severity {
  if (event.log_type === "scan") return SCAN_SEVERITY[event.decision] ?? INFO;
  if (event.log_type === "audit") {
    const base = AUDIT_SEVERITY[event.category] ?? INFO;
    return base.number < WARN.number && typeof event.action === "string" && FAILURE_ACTION.test(event.action) ? WARN : base;
  }
  return INFO;
}
