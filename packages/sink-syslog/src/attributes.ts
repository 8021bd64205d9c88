import { isIP } from "node:net";
import type { AuditEvent, IwEvent, Match, ScanLog, SummaryEvent } from "@iw/core";
import { rankedMatches, type Classification } from "./mapping.js";

/**
 * One field of an event under its name in each format, in the order a SOC analyst reads them.
 * `sd`: RFC 5424 PARAM-NAME in the `iw@<PEN>` element; `cef`: CEF extension key (with `cefLabel`
 * for the custom cs/cn/cfp keys); `leef`: LEEF attribute. A missing name leaves the field out of
 * that format. `keep` orders what a message over its size limit gives up first (lowest first);
 * `free` text may be shortened instead of dropped. Fields are constants (below): an event only
 * brings its values, so formatting allocates no object per field.
 */
export interface Field {
  readonly sd?: string;
  readonly cef?: string;
  readonly cefLabel?: string;
  readonly leef?: string;
  /** Unset: never given up (the event id). */
  readonly keep?: number;
  readonly free?: boolean;
}

/** How much each kind of field is worth keeping when a message must shrink (higher: kept longer). */
export const KEEP = {
  identity: 95,
  verdict: 90,
  pivot: 80,
  context: 70,
  origin: 60,
  summary: 50,
  details: 40,
  matches: 30,
  matchedText: 10,
} as const;

/** An event seen by the formats: its fields, and what RFC 5424 puts in elements of their own. */
export interface EventView {
  readonly eventId: string;
  /** Milliseconds since the epoch, `undefined` when the timestamp does not parse. */
  readonly timeMs: number | undefined;
  /** The event's fields, in order, and their values (`values[i]` is the value of `fields[i]`). */
  readonly fields: readonly Field[];
  readonly values: readonly string[];
  /** Scan logs: the matches, most severe first. */
  readonly matches: readonly Match[];
  /** Audit events: `details`. */
  readonly details: Readonly<Record<string, unknown>> | undefined;
}

// Every event.
const EVENT_ID: Field = { sd: "eventId", cef: "externalId", leef: "eventId" };
const RECEIPT_TIME: Field = { cef: "rt", keep: KEEP.identity };
const LEEF_SEVERITY: Field = { leef: "sev", keep: KEEP.verdict };
const LOG_TYPE: Field = { sd: "logType", keep: KEEP.verdict };
const CATEGORY: Field = { cef: "cat", leef: "cat", keep: KEEP.verdict };
const SERVICE: Field = { sd: "service", cef: "deviceProcessName", leef: "service", keep: KEEP.origin };
const TEST: Field = { sd: "test", cef: "cs5", cefLabel: "test", leef: "test", keep: KEEP.context };
const SUMMARY: Field = { cef: "msg", leef: "msg", keep: KEEP.summary, free: true };
// Scan logs.
const DECISION: Field = { sd: "decision", cef: "act", leef: "action", keep: KEEP.verdict };
const DIRECTION: Field = { sd: "direction", leef: "direction", keep: KEEP.verdict };
/** CEF: 0 inbound, 1 outbound. A prompt comes in; a model's response goes out. */
const DEVICE_DIRECTION: Field = { cef: "deviceDirection", keep: KEEP.verdict };
const ANOMALY_SCORE: Field = { sd: "anomalyScore", cef: "cfp1", cefLabel: "anomalyScore", leef: "anomalyScore", keep: KEEP.pivot };
const THRESHOLD: Field = { sd: "threshold", cef: "cfp2", cefLabel: "threshold", leef: "threshold", keep: KEEP.context };
const SIGNATURE_IDS: Field = {
  sd: "signatureIds",
  cef: "cs3",
  cefLabel: "signatureIds",
  leef: "signatureIds",
  keep: KEEP.pivot,
  free: true,
};
const SIGNATURE_COUNT: Field = { sd: "signatureCount", cef: "cn1", cefLabel: "signatureCount", leef: "signatureCount", keep: KEEP.context };
const POLICY: Field = { sd: "policy", cef: "cs1", cefLabel: "policy", leef: "policy", keep: KEEP.context };
const REQUEST_ID: Field = { sd: "requestId", cef: "cs2", cefLabel: "requestId", leef: "requestId", keep: KEEP.pivot };
const SIGNATURE_SEVERITY: Field = { cef: "cfp3", cefLabel: "signatureSeverity", leef: "signatureSeverity", keep: KEEP.context };
const MATCHED_TEXT: Field = { cef: "cs4", cefLabel: "matchedText", leef: "matchedText", keep: KEEP.matchedText, free: true };
// Audit events. CEF's src and LEEF's src are typed IP addresses: anything else goes under its own name.
const AUDIT_CATEGORY: Field = { sd: "category", keep: KEEP.verdict };
const ACTION: Field = { sd: "action", cef: "act", leef: "action", keep: KEEP.verdict };
const SOURCE_IP: Field = { sd: "sourceIp", cef: "src", leef: "src", keep: KEEP.pivot };
const SOURCE_NOT_IP: Field = { sd: "sourceIp", cef: "cs4", cefLabel: "sourceIp", leef: "sourceIp", keep: KEEP.pivot };
const KEY_PREFIX: Field = { sd: "keyPrefix", cef: "suser", leef: "usrName", keep: KEEP.pivot };
const DETAILS: Field = { cef: "cs6", cefLabel: "details", leef: "details", keep: KEEP.details };
// Traffic summaries.
const INTERVAL_START: Field = { sd: "intervalStart", leef: "intervalStart", keep: KEEP.pivot };
const INTERVAL_END: Field = { sd: "intervalEnd", leef: "intervalEnd", keep: KEEP.pivot };
const START: Field = { cef: "start", keep: KEEP.pivot };
const END: Field = { cef: "end", keep: KEEP.pivot };
const SCANS_TOTAL: Field = { sd: "scansTotal", cef: "cn1", cefLabel: "scansTotal", leef: "scansTotal", keep: KEEP.pivot };
const SCANS: Field = { cef: "cs6", cefLabel: "scans", keep: KEEP.context };
const TOP_SIGNATURES: Field = {
  sd: "topSignatures",
  cef: "cs3",
  cefLabel: "topSignatures",
  leef: "topSignatures",
  keep: KEEP.details,
  free: true,
};
const COUNTS = (["input", "output"] as const).flatMap((dir) =>
  (["block", "flag", "allow"] as const).map((decision) => {
    const name = `${dir}${decision[0]!.toUpperCase()}${decision.slice(1)}`;
    const field: Field = { sd: name, leef: name, keep: KEEP.context };
    return { dir, decision, field };
  }),
);
// A log type this version does not know (a newer core): the whole event as JSON, so nothing is lost.
const JSON_EVENT: Field = { sd: "json", cef: "cs6", cefLabel: "json", leef: "json", keep: KEEP.details };

/** Collects fields and values side by side. */
class Fields {
  readonly fields: Field[] = [];
  readonly values: string[] = [];
  add(field: Field, value: unknown): void {
    this.fields.push(field);
    this.values.push(String(value));
  }
}

export function viewOf(event: IwEvent, c: Classification): EventView {
  const eventId = String(event.event_id);
  const time = Date.parse(event.timestamp);
  const timeMs = Number.isFinite(time) ? time : undefined;
  const f = new Fields();
  f.add(EVENT_ID, eventId);
  if (timeMs !== undefined) f.add(RECEIPT_TIME, timeMs);
  f.add(LEEF_SEVERITY, c.score);
  let matches: readonly Match[] = [];
  let details: Record<string, unknown> | undefined;
  if (event.log_type === "scan") matches = scan(event, f);
  else if (event.log_type === "audit") details = audit(event, f);
  else if (event.log_type === "summary") summary(event, f);
  else other(event, f);
  if (typeof event.service === "string") f.add(SERVICE, event.service);
  if (event.test === true) f.add(TEST, "true");
  f.add(SUMMARY, c.summary);
  if (matches.length > 0) f.add(MATCHED_TEXT, matches[0]!.matched_text);
  return { eventId, timeMs, fields: f.fields, values: f.values, matches, details };
}

function scan(e: ScanLog, f: Fields): readonly Match[] {
  const matches = rankedMatches(e.matches);
  f.add(LOG_TYPE, "scan");
  f.add(CATEGORY, "scan");
  f.add(DECISION, e.decision);
  f.add(DIRECTION, e.direction);
  f.add(DEVICE_DIRECTION, e.direction === "output" ? "1" : "0");
  f.add(ANOMALY_SCORE, e.anomaly_score);
  f.add(THRESHOLD, e.threshold);
  f.add(SIGNATURE_IDS, matches.length === 1 ? matches[0]!.signature_id : matches.map((m) => m.signature_id).join(","));
  f.add(SIGNATURE_COUNT, e.signature_count);
  f.add(POLICY, e.policy);
  f.add(REQUEST_ID, e.request_id);
  if (matches.length > 0) f.add(SIGNATURE_SEVERITY, matches[0]!.severity);
  return matches;
}

function audit(e: AuditEvent, f: Fields): Record<string, unknown> {
  f.add(LOG_TYPE, "audit");
  f.add(CATEGORY, `audit.${e.category}`);
  f.add(AUDIT_CATEGORY, e.category);
  f.add(ACTION, e.action);
  if (typeof e.source_ip === "string" && e.source_ip !== "") f.add(isIP(e.source_ip) !== 0 ? SOURCE_IP : SOURCE_NOT_IP, e.source_ip);
  if (typeof e.key_prefix === "string" && e.key_prefix !== "") f.add(KEY_PREFIX, e.key_prefix);
  const details = e.details !== null && typeof e.details === "object" ? e.details : {};
  for (const _ in details) {
    f.add(DETAILS, JSON.stringify(details));
    break;
  }
  return details;
}

function summary(e: SummaryEvent, f: Fields): void {
  const start = Date.parse(e.interval_start);
  const end = Date.parse(e.interval_end);
  f.add(LOG_TYPE, "summary");
  f.add(CATEGORY, "summary");
  f.add(INTERVAL_START, e.interval_start);
  f.add(INTERVAL_END, e.interval_end);
  if (Number.isFinite(start)) f.add(START, start);
  if (Number.isFinite(end)) f.add(END, end);
  f.add(SCANS_TOTAL, e.scans.total);
  for (const { dir, decision, field } of COUNTS) f.add(field, e.scans[dir][decision]);
  f.add(SCANS, JSON.stringify(e.scans));
  f.add(TOP_SIGNATURES, e.top_signatures.map((t) => `${t.signature_id}:${t.count}`).join(","));
}

function other(event: IwEvent, f: Fields): void {
  const type = String((event as { log_type?: unknown }).log_type);
  f.add(LOG_TYPE, type);
  f.add(CATEGORY, type);
  f.add(JSON_EVENT, JSON.stringify(event));
}
