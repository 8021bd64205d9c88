import { isIP } from "node:net";
import type { AuditEvent, IwEvent, ScanLog, SummaryEvent } from "@iw/core";
import { rankedMatches, type Classification } from "./mapping.js";

/**
 * One field of an event under its name in each format, in the order a SOC analyst reads them.
 * `sd`: RFC 5424 PARAM-NAME in the `iw@<PEN>` element; `cef`: CEF extension key (with `cefLabel`
 * for the custom cs/cn/cfp keys); `leef`: LEEF attribute. A missing name leaves the field out of
 * that format. `keep` orders what a message over its size limit gives up first (lowest first);
 * `free` text may be shortened instead of dropped.
 */
export interface Attribute {
  readonly sd?: string;
  readonly cef?: string;
  readonly cefLabel?: string;
  readonly leef?: string;
  readonly value: string;
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
  readonly attributes: readonly Attribute[];
  /** Scan logs: the matches, most severe first. */
  readonly matches: ScanLog["matches"];
  /** Audit events: `details`. */
  readonly details: Readonly<Record<string, unknown>> | undefined;
}

const num = (n: unknown): string => String(n);

export function viewOf(event: IwEvent, c: Classification): EventView {
  const eventId = String(event.event_id);
  const time = Date.parse(event.timestamp);
  const timeMs = Number.isFinite(time) ? time : undefined;
  const a: Attribute[] = [{ sd: "eventId", cef: "externalId", leef: "eventId", value: eventId }];
  if (timeMs !== undefined) a.push({ cef: "rt", value: String(timeMs), keep: KEEP.identity });
  a.push({ leef: "sev", value: String(c.score), keep: KEEP.verdict });
  let matches: ScanLog["matches"] = [];
  let details: Record<string, unknown> | undefined;
  if (event.log_type === "scan") matches = scan(event, a);
  else if (event.log_type === "audit") details = audit(event, a);
  else if (event.log_type === "summary") summary(event, a);
  else other(event, a);
  if (typeof event.service === "string") a.push({ sd: "service", cef: "deviceProcessName", leef: "service", value: event.service, keep: KEEP.origin });
  if (event.test === true) a.push({ sd: "test", cef: "cs5", cefLabel: "test", leef: "test", value: "true", keep: KEEP.context });
  a.push({ cef: "msg", leef: "msg", value: c.summary, keep: KEEP.summary, free: true });
  if (matches.length > 0) {
    a.push({ cef: "cs4", cefLabel: "matchedText", leef: "matchedText", value: matches[0]!.matched_text, keep: KEEP.matchedText, free: true });
  }
  return { eventId, timeMs, attributes: a, matches, details };
}

function scan(e: ScanLog, a: Attribute[]): ScanLog["matches"] {
  const matches = rankedMatches(e.matches);
  a.push(
    { sd: "logType", value: "scan", keep: KEEP.verdict },
    { cef: "cat", leef: "cat", value: "scan", keep: KEEP.verdict },
    { sd: "decision", cef: "act", leef: "action", value: e.decision, keep: KEEP.verdict },
    { sd: "direction", leef: "direction", value: e.direction, keep: KEEP.verdict },
    // CEF: 0 inbound, 1 outbound. A prompt comes in; a model's response goes out.
    { cef: "deviceDirection", value: e.direction === "output" ? "1" : "0", keep: KEEP.verdict },
    { sd: "anomalyScore", cef: "cfp1", cefLabel: "anomalyScore", leef: "anomalyScore", value: num(e.anomaly_score), keep: KEEP.pivot },
    { sd: "threshold", cef: "cfp2", cefLabel: "threshold", leef: "threshold", value: num(e.threshold), keep: KEEP.context },
    { sd: "signatureIds", cef: "cs3", cefLabel: "signatureIds", leef: "signatureIds", value: matches.map((m) => m.signature_id).join(","), keep: KEEP.pivot, free: true },
    { sd: "signatureCount", cef: "cn1", cefLabel: "signatureCount", leef: "signatureCount", value: num(e.signature_count), keep: KEEP.context },
    { sd: "policy", cef: "cs1", cefLabel: "policy", leef: "policy", value: e.policy, keep: KEEP.context },
    { sd: "requestId", cef: "cs2", cefLabel: "requestId", leef: "requestId", value: e.request_id, keep: KEEP.pivot },
  );
  if (matches.length > 0) {
    a.push({ cef: "cfp3", cefLabel: "signatureSeverity", leef: "signatureSeverity", value: num(matches[0]!.severity), keep: KEEP.context });
  }
  return matches;
}

function audit(e: AuditEvent, a: Attribute[]): Record<string, unknown> {
  a.push(
    { sd: "logType", value: "audit", keep: KEEP.verdict },
    { cef: "cat", leef: "cat", value: `audit.${e.category}`, keep: KEEP.verdict },
    { sd: "category", value: e.category, keep: KEEP.verdict },
    { sd: "action", cef: "act", leef: "action", value: e.action, keep: KEEP.verdict },
  );
  if (typeof e.source_ip === "string" && e.source_ip !== "") {
    // CEF's src and LEEF's src are typed IP addresses: anything else goes under its own name.
    const ip = isIP(e.source_ip) !== 0;
    a.push({ sd: "sourceIp", cef: ip ? "src" : "cs4", ...(ip ? {} : { cefLabel: "sourceIp" }), leef: ip ? "src" : "sourceIp", value: e.source_ip, keep: KEEP.pivot });
  }
  if (typeof e.key_prefix === "string" && e.key_prefix !== "") {
    a.push({ sd: "keyPrefix", cef: "suser", leef: "usrName", value: e.key_prefix, keep: KEEP.pivot });
  }
  const details = e.details !== null && typeof e.details === "object" ? e.details : {};
  if (Object.keys(details).length > 0) {
    a.push({ cef: "cs6", cefLabel: "details", leef: "details", value: JSON.stringify(details), keep: KEEP.details });
  }
  return details;
}

function summary(e: SummaryEvent, a: Attribute[]): void {
  const s = e.scans;
  const start = Date.parse(e.interval_start);
  const end = Date.parse(e.interval_end);
  a.push(
    { sd: "logType", value: "summary", keep: KEEP.verdict },
    { cef: "cat", leef: "cat", value: "summary", keep: KEEP.verdict },
    { sd: "intervalStart", leef: "intervalStart", value: e.interval_start, keep: KEEP.pivot },
    { sd: "intervalEnd", leef: "intervalEnd", value: e.interval_end, keep: KEEP.pivot },
    ...(Number.isFinite(start) ? [{ cef: "start", value: String(start), keep: KEEP.pivot }] : []),
    ...(Number.isFinite(end) ? [{ cef: "end", value: String(end), keep: KEEP.pivot }] : []),
    { sd: "scansTotal", cef: "cn1", cefLabel: "scansTotal", leef: "scansTotal", value: num(s.total), keep: KEEP.pivot },
  );
  for (const dir of ["input", "output"] as const) {
    for (const decision of ["block", "flag", "allow"] as const) {
      const name = `${dir}${decision[0]!.toUpperCase()}${decision.slice(1)}`;
      a.push({ sd: name, leef: name, value: num(s[dir][decision]), keep: KEEP.context });
    }
  }
  a.push(
    { cef: "cs6", cefLabel: "scans", value: JSON.stringify(s), keep: KEEP.context },
    { sd: "topSignatures", cef: "cs3", cefLabel: "topSignatures", leef: "topSignatures", value: e.top_signatures.map((t) => `${t.signature_id}:${t.count}`).join(","), keep: KEEP.details, free: true },
  );
}

/** A log type this version does not know (a newer core): the whole event as JSON, so nothing is lost. */
function other(event: IwEvent, a: Attribute[]): void {
  const type = String((event as { log_type?: unknown }).log_type);
  a.push(
    { sd: "logType", value: type, keep: KEEP.verdict },
    { cef: "cat", leef: "cat", value: type, keep: KEEP.verdict },
    { sd: "json", cef: "cs6", cefLabel: "json", leef: "json", value: JSON.stringify(event), keep: KEEP.details },
  );
}
