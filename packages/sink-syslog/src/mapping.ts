import type { AuditEvent, IwEvent, Match, ScanLog, SummaryEvent } from "@iw/core";

/*
 * How an event is classified for a SOC, the same in every format: syslog severity and facility,
 * MSGID, the event class (CEF Signature ID, LEEF EventID), a name, and a 0–10 severity for CEF
 * and LEEF. The README's mapping table describes exactly this file.
 */

/** Syslog severities (RFC 5424 table 2). */
export const SEVERITY = { emergency: 0, alert: 1, critical: 2, error: 3, warning: 4, notice: 5, informational: 6, debug: 7 } as const;

/** A scan decision's syslog severity: a block is a contained attack, a flag a suspicion, an allow routine. */
const SCAN_SEVERITY = { block: SEVERITY.warning, flag: SEVERITY.notice, allow: SEVERITY.informational } as const;

/**
 * CEF/LEEF severity bands per decision, on ArcSight's scale (0–3 low, 4–6 medium, 7–8 high,
 * 9–10 very high): the decision sets the band, the highest matched signature's severity (already
 * 0–10 in InferenceWall) moves it within the band.
 */
const SCAN_BANDS = { block: [7, 10], flag: [4, 8], allow: [0, 3] } as const;

/** Audit categories by how much a SOC cares: changes to the security configuration are notable. */
const AUDIT_SEVERITY: Readonly<Record<string, number>> = {
  auth: SEVERITY.notice,
  rate_limit: SEVERITY.warning,
  policy: SEVERITY.notice,
  config: SEVERITY.notice,
  signatures: SEVERITY.notice,
  tls: SEVERITY.notice,
  admin: SEVERITY.notice,
  engines: SEVERITY.informational,
  lifecycle: SEVERITY.informational,
  scan: SEVERITY.informational,
};

/** An action that reports a failure or a refusal raises an audit event to warning. */
const FAILURE = /fail|denied|deny|invalid|reject|refused|unauthori[sz]ed|forbidden|locked|expired|error|crash|unavailable/i;

/** Syslog severity → CEF/LEEF 0–10 for audit and summary events. */
const CEF_OF_SYSLOG = [10, 10, 9, 8, 6, 4, 2, 1] as const;

/** Everything the formats need to know about an event besides its fields. */
export interface Classification {
  /** Syslog severity 0–7. */
  readonly severity: number;
  /** `true`: the audit facility applies. */
  readonly audit: boolean;
  /** RFC 5424 MSGID (≤ 32 printable ASCII): `scan.input.block`, `audit.auth`, `summary`. */
  readonly msgId: string;
  /** CEF Signature ID / LEEF EventID: `scan.input.block`, `audit.auth.login_attempt`, `summary`. */
  readonly eventClass: string;
  /** CEF Name. */
  readonly name: string;
  /** CEF Severity / LEEF `sev`, 0–10. */
  readonly score: number;
  /** One human-readable line: the RFC 5424 MSG, CEF and LEEF `msg`. */
  readonly summary: string;
}

/** `login_attempt` as it may appear in an id: letters, digits, `_`, `.`, `-`, at most 64 characters. */
export function idPart(value: string): string {
  const s = value.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 64);
  return s === "" ? "_" : s;
}

/** Matches, most severe first (then highest score): the order every format lists them in. */
export function rankedMatches(matches: readonly Match[]): readonly Match[] {
  return matches.length < 2 ? matches : [...matches].sort((a, b) => b.severity - a.severity || b.score - a.score);
}

export function classify(event: IwEvent): Classification {
  if (event.log_type === "scan") return classifyScan(event);
  if (event.log_type === "audit") return classifyAudit(event);
  if (event.log_type === "summary") return classifySummary(event);
  const type = idPart(String((event as { log_type?: unknown }).log_type));
  return {
    severity: SEVERITY.informational,
    audit: false,
    msgId: type.slice(0, 32),
    eventClass: type,
    name: `${type} event`,
    score: 1,
    summary: `${type} event`,
  };
}

function classifyScan(e: ScanLog): Classification {
  const decision = e.decision in SCAN_SEVERITY ? e.decision : "flag";
  const direction = e.direction === "output" ? "output" : "input";
  const [low, high] = SCAN_BANDS[decision];
  let top = 0;
  for (const m of e.matches) if (Number.isFinite(m.severity)) top = Math.max(top, m.severity);
  const score = Math.min(high, Math.max(low, Math.round(top)));
  const verb = { block: "blocked", flag: "flagged", allow: "allowed" }[decision];
  const ids = rankedMatches(e.matches).map((m) => m.signature_id);
  const n = e.signature_count;
  return {
    severity: SCAN_SEVERITY[decision],
    audit: false,
    msgId: `scan.${direction}.${decision}`,
    eventClass: `scan.${direction}.${decision}`,
    name: `LLM ${direction} ${verb}`,
    score,
    summary:
      `${direction} scan ${decision}: anomaly score ${e.anomaly_score} (threshold ${e.threshold}), ` +
      `${n} signature${n === 1 ? "" : "s"}${ids.length > 0 ? ` (${ids.join(", ")})` : ""}, policy ${e.policy}, request ${e.request_id}`,
  };
}

function classifyAudit(e: AuditEvent): Classification {
  const base = AUDIT_SEVERITY[e.category] ?? SEVERITY.notice;
  const severity = FAILURE.test(e.action) ? Math.min(base, SEVERITY.warning) : base;
  const category = idPart(e.category);
  const from = typeof e.source_ip === "string" && e.source_ip !== "" ? ` from ${e.source_ip}` : "";
  const key = typeof e.key_prefix === "string" && e.key_prefix !== "" ? ` (key ${e.key_prefix})` : "";
  return {
    severity,
    audit: true,
    msgId: `audit.${category}`.slice(0, 32),
    eventClass: `audit.${category}.${idPart(e.action)}`,
    name: `Audit ${e.category}: ${e.action}`,
    score: CEF_OF_SYSLOG[severity] ?? 2,
    summary: `audit ${e.category}: ${e.action}${from}${key}`,
  };
}

function classifySummary(e: SummaryEvent): Classification {
  const s = e.scans;
  const part = (d: { allow: number; flag: number; block: number }) => `${d.block} block, ${d.flag} flag, ${d.allow} allow`;
  return {
    severity: SEVERITY.informational,
    audit: false,
    msgId: "summary",
    eventClass: "summary",
    name: "Scan traffic summary",
    score: 1,
    summary: `scan summary ${e.interval_start} to ${e.interval_end}: ${s.total} scans (input: ${part(s.input)}; output: ${part(s.output)})`,
  };
}
