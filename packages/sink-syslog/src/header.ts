import { printableAscii } from "./text.js";

/** What both syslog headers carry. */
export interface HeaderFields {
  readonly facility: number;
  readonly severity: number;
  /** The event's ISO 8601 timestamp. */
  readonly timestamp: string;
  readonly timeMs: number | undefined;
  /** Already printable ASCII (see `hostnameOf`). */
  readonly hostname: string;
  readonly appName: string;
  readonly procId: string;
  readonly msgId: string;
}

const ISO = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * RFC 5424 TIMESTAMP: the event's own time and offset, its fraction cut to the 6 digits the
 * grammar allows; another form is converted through `Date` (UTC); `-` when it is no time at all.
 */
export function rfc5424Timestamp(timestamp: string, timeMs: number | undefined): string {
  // What scanLog()/auditEvent() write (Date#toISOString) is already in the grammar.
  if (
    timestamp.length === 24 &&
    timeMs !== undefined &&
    timestamp[23] === "Z" &&
    timestamp[10] === "T" &&
    timestamp[19] === "." &&
    timestamp.slice(11, 13) < "24"
  )
    return timestamp;
  const m = ISO.exec(timestamp);
  // The grammar's hours stop at 23 and its seconds at 59 (no leap second), where JavaScript's do not.
  if (m !== null && timeMs !== undefined && m[2]! < "24" && m[2]!.slice(6) < "60")
    return `${m[1]}T${m[2]}${m[3] === undefined ? "" : m[3].slice(0, 7)}${m[4]!.toUpperCase()}`;
  return timeMs === undefined ? "-" : new Date(timeMs).toISOString();
}

/** RFC 3164 TIMESTAMP `Mmm dd hh:mm:ss` (day space-padded), in UTC: the format has no zone. */
export function rfc3164Timestamp(timeMs: number | undefined): string {
  const d = new Date(timeMs ?? Date.now());
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${MONTHS[d.getUTCMonth()]!} ${String(d.getUTCDate()).padStart(2, " ")} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID` (RFC 5424 HEADER), without the trailing space. */
export function rfc5424Header(h: HeaderFields): string {
  return `<${h.facility * 8 + h.severity}>1 ${rfc5424Timestamp(h.timestamp, h.timeMs)} ${h.hostname} ${h.appName} ${h.procId} ${h.msgId}`;
}

/**
 * `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: ` (RFC 3164), with the trailing space: the TAG keeps
 * a `CEF:` or `LEEF:` payload from being read as the tag by rsyslog and syslog-ng.
 */
export function rfc3164Header(h: HeaderFields): string {
  return `<${h.facility * 8 + h.severity}>${rfc3164Timestamp(h.timeMs)} ${h.hostname} ${h.appName}[${h.procId}]: `;
}

/** HOSTNAME: the event's own `host` when it has one, else the sink's. */
export function hostnameOf(eventHost: unknown, fallback: string): string {
  return typeof eventHost === "string" && eventHost !== "" ? printableAscii(eventHost, 255) : fallback;
}
