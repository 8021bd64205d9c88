import type { Paint } from "../io.js";
import { COLLECTORS } from "./collectors.js";
import type { Arrival, CollectorName } from "./collectors.js";

/** What `listen` counted, printed when it stops. */
export interface ListenCounts {
  events: number;
  /** By `log_type` (`scan`, `audit`, `summary`, or `other`). */
  byType: Record<string, number>;
  /** Scan logs by decision, audit events by category. */
  byDecision: Record<string, number>;
  byCategory: Record<string, number>;
  byCollector: Partial<Record<CollectorName, number>>;
  /** `[Test message]` events (`test: true`). */
  test: number;
  /** Requests refused (bad signature, wrong credentials, failed handshake). */
  refused: number;
}

export function emptyCounts(): ListenCounts {
  return { events: 0, byType: {}, byDecision: {}, byCategory: {}, byCollector: {}, test: 0, refused: 0 };
}

const inc = (m: Record<string, number>, k: string) => void (m[k] = (m[k] ?? 0) + 1);

/** Adds one arrival to the counts. */
export function count(c: ListenCounts, a: Arrival): void {
  if (a.kind === "refused") {
    c.refused++;
    return;
  }
  c.events++;
  c.byCollector[a.collector] = (c.byCollector[a.collector] ?? 0) + 1;
  const type = typeof a.event["log_type"] === "string" ? a.event["log_type"] : "other";
  inc(c.byType, type);
  if (type === "scan" && typeof a.event["decision"] === "string") inc(c.byDecision, a.event["decision"]);
  if (type === "audit" && typeof a.event["category"] === "string") inc(c.byCategory, a.event["category"]);
  if (a.event["test"] === true) c.test++;
}

// A hostile sender must not drive the terminal: no control character of an event reaches it.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
const text = (v: unknown): string => (typeof v === "string" || typeof v === "number" ? clean(String(v)) : "");
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const json = (v: unknown, n: number) => clip(clean(JSON.stringify(v) ?? ""), n);

/** One arrival as a terminal line: time, collector, and what the event says. */
export function arrivalLine(a: Arrival, p: Paint, now = new Date()): string {
  const time = p.dim(now.toISOString().slice(11, 23));
  const who = a.collector.padEnd(12);
  if (a.kind === "refused") return `${time} ${who} ${p.red(`refused${a.status === undefined ? "" : ` ${a.status}`}`)} ${clean(a.reason)}`;
  const e = a.event;
  const test = e["test"] === true ? ` ${p.cyan("[test]")}` : "";
  const tag = a.tag === undefined ? "" : p.dim(` ${text(a.tag)}`);
  switch (e["log_type"]) {
    case "scan": {
      const d = text(e["decision"]);
      const paint = d === "block" ? p.red : d === "flag" ? p.yellow : p.green;
      const matches = Array.isArray(e["matches"])
        ? (e["matches"] as Record<string, unknown>[]).map((m) => text(m?.["signature_id"])).filter(Boolean)
        : [];
      const sigs = matches.length === 0 ? "" : `  ${clip(matches.join(","), 60)}`;
      return `${time} ${who} scan    ${paint(d.padEnd(5))}  ${text(e["direction"]).padEnd(6)} score ${text(e["anomaly_score"])}/${text(e["threshold"])}  ${clip(text(e["request_id"]), 40)}${sigs}${test}${tag}`;
    }
    case "audit": {
      const who2 = [text(e["source_ip"]), text(e["key_prefix"])].filter(Boolean).join(" ");
      return `${time} ${who} audit   ${p.cyan(`${text(e["category"])}/${text(e["action"])}`)}${who2 === "" ? "" : `  ${who2}`}${test}${tag}`;
    }
    case "summary":
      return `${time} ${who} summary ${json(e["scans"] ?? e, 100)}${tag}`;
    default:
      return `${time} ${who} event   ${json(e, 120)}${test}${tag}`;
  }
}

/** The closing line(s): how many of each type arrived, per collector. */
export function countLines(c: ListenCounts, p: Paint): string[] {
  const list = (m: Record<string, number>) =>
    Object.entries(m)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
  const types = Object.entries(c.byType).map(([t, n]) => {
    const detail = t === "scan" ? list(c.byDecision) : t === "audit" ? list(c.byCategory) : "";
    return `${t} ${n}${detail === "" ? "" : ` (${detail})`}`;
  });
  const lines = [p.bold(`received ${c.events} event${c.events === 1 ? "" : "s"}${types.length === 0 ? "" : `: ${types.join("; ")}`}`)];
  const byCollector = Object.fromEntries(COLLECTORS.filter((k) => c.byCollector[k] !== undefined).map((k) => [k, c.byCollector[k]!]));
  if (c.events > 0) lines.push(`  by collector: ${list(byCollector)}${c.test > 0 ? `; [Test message] events: ${c.test}` : ""}`);
  if (c.refused > 0) lines.push(p.red(`  refused requests: ${c.refused}`));
  return lines;
}
