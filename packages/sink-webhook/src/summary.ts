import { isIP } from "node:net";
import type { IwEvent } from "@iw/core";

/** One element of the `summary` format: a line for people, the event for machines. */
export interface SummaryItem {
  /** e.g. `[InferenceWall] Prompt injection blocked (INJ-D-002)`. */
  readonly summary: string;
  readonly details: IwEvent;
}

/** Signature id prefixes of InferenceWall's categories, in words. */
const THREATS: Readonly<Record<string, string>> = {
  INJ: "Prompt injection",
  CS: "Unsafe content",
  DL: "Data leakage",
  AG: "Agentic attack",
  SP: "System prompt leak",
};

const VERBS: Readonly<Record<string, string>> = { allow: "allowed", flag: "flagged", block: "blocked" };

/*
 * The line lands in chat rooms, where `<!channel>`, `@here`, `<url|text>`, `[text](url)` and bare
 * links are live. Every value an event carries is therefore shown only in a form that cannot be
 * any of those: an IP address that parses as one, a number, or a word of letters, digits, `_` and
 * `-` (anything else becomes `_`). The full event stays in `details`, for machines.
 */
const WORD_MAX = 64;

function word(value: unknown, fallback: string): string {
  if (typeof value !== "string" && typeof value !== "number") return fallback;
  const text = String(value).replace(/[^A-Za-z0-9_-]+/g, "_");
  if (text === "" || /^_+$/.test(text)) return fallback;
  return text.length > WORD_MAX ? `${text.slice(0, WORD_MAX)}…` : text;
}

function num(value: unknown): string {
  return typeof value === "number" && Number.isFinite(value) ? String(value) : "?";
}

function ip(value: unknown): string | undefined {
  return typeof value === "string" && isIP(value) !== 0 ? value : undefined;
}

/** A scan log read defensively: a malformed one still gets a line, never an exception. */
interface ScanLike {
  readonly direction?: unknown;
  readonly decision?: unknown;
  readonly anomaly_score?: unknown;
  readonly threshold?: unknown;
  readonly matches?: unknown;
}

function signatureIds(scan: ScanLike): string[] {
  if (!Array.isArray(scan.matches)) return [];
  return scan.matches.map((m: unknown) => word((m as { signature_id?: unknown } | null)?.signature_id, "unknown-signature"));
}

function scanLine(scan: ScanLike): string {
  const ids = signatureIds(scan);
  const side = scan.direction === "output" ? "Response" : "Prompt";
  const threat = ids.length === 0 ? side : (THREATS[ids[0]!.split(/[-_]/, 1)[0]!.toUpperCase()] ?? `${side} threat`);
  const verb = typeof scan.decision === "string" ? (VERBS[scan.decision] ?? word(scan.decision, "decided")) : "decided";
  const shown =
    ids.length === 0
      ? `score ${num(scan.anomaly_score)}/${num(scan.threshold)}`
      : ids.length === 1
        ? ids[0]
        : `${ids[0]} +${ids.length - 1} more`;
  return `${threat} ${verb} (${shown})`;
}

/** The periodic traffic summary (`log_type: "summary"`), read structurally and defensively. */
interface TrafficSummaryLike {
  readonly log_type?: unknown;
  readonly scans?: {
    readonly total?: unknown;
    readonly input?: Partial<Record<"block" | "flag", unknown>>;
    readonly output?: Partial<Record<"block" | "flag", unknown>>;
  };
  readonly top_signatures?: unknown;
}

function trafficLine(e: TrafficSummaryLike): string {
  const s = e.scans;
  if (typeof s !== "object" || s === null || typeof s.total !== "number") return "Traffic summary";
  const count = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  const sum = (k: "block" | "flag") => count(s.input?.[k]) + count(s.output?.[k]);
  const top = (Array.isArray(e.top_signatures) ? e.top_signatures[0] : undefined) as
    { signature_id?: unknown; count?: unknown } | undefined;
  const topText = top?.signature_id === undefined ? "" : ` (top: ${word(top.signature_id, "unknown-signature")} ×${num(top.count ?? 0)})`;
  return `Traffic summary: ${num(s.total)} scans, ${sum("block")} blocked, ${sum("flag")} flagged${topText}`;
}

/**
 * A human-readable line for chat and incident tools, in the spirit of Wallarm's
 * `[Wallarm] New hit detected`. Test events say `[Test message]`. Never throws, whatever the event
 * holds, and never carries a mention, a link or markup taken from the event.
 */
export function summaryLine(event: IwEvent, product = "InferenceWall"): string {
  const e = event as unknown as Record<string, unknown>;
  const test = e["test"] === true ? "[Test message] " : "";
  if (e["log_type"] === "scan") return `[${product}] ${test}${scanLine(e)}`;
  if (e["log_type"] === "audit") {
    const source = e["source_ip"];
    const from = source === undefined || source === null || source === "" ? "" : ` from ${ip(source) ?? "(not an IP address)"}`;
    return `[${product}] ${test}Audit ${word(e["category"], "unknown")}: ${word(e["action"], "unknown")}${from}`;
  }
  if (e["log_type"] === "summary") return `[${product}] ${test}${trafficLine(e)}`;
  // A log type newer than this package: still a readable line.
  return `[${product}] ${test}${word(e["log_type"], "unknown")} event`;
}

/** The `summary` format of one event. */
export function toSummaryItem(event: IwEvent): SummaryItem {
  return { summary: summaryLine(event), details: event };
}
