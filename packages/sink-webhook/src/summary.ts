import type { IwEvent, ScanLog } from "@iw/core";

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

const VERBS = { allow: "allowed", flag: "flagged", block: "blocked" } as const;

function threatOf(scan: ScanLog): string {
  const first = scan.matches[0];
  if (first === undefined) return scan.direction === "input" ? "Prompt" : "Response";
  const prefix = first.signature_id.split(/[-_]/, 1)[0]?.toUpperCase() ?? "";
  return THREATS[prefix] ?? `${scan.direction === "input" ? "Prompt" : "Response"} threat`;
}

function scanLine(scan: ScanLog): string {
  const ids = scan.matches.map((m) => m.signature_id);
  const shown = ids.length === 0 ? `score ${scan.anomaly_score}/${scan.threshold}` : ids.length === 1 ? ids[0] : `${ids[0]} +${ids.length - 1} more`;
  return `${threatOf(scan)} ${VERBS[scan.decision] ?? scan.decision} (${shown})`;
}

/** The periodic traffic summary (`log_type: "summary"`), read structurally and defensively. */
interface TrafficSummaryLike {
  readonly log_type?: unknown;
  readonly scans?: { readonly total?: number; readonly input?: Partial<Record<"block" | "flag", number>>; readonly output?: Partial<Record<"block" | "flag", number>> };
  readonly top_signatures?: readonly { readonly signature_id?: string; readonly count?: number }[];
}

function trafficLine(e: TrafficSummaryLike): string {
  const s = e.scans;
  if (typeof s !== "object" || s === null || typeof s.total !== "number") return "Traffic summary";
  const sum = (k: "block" | "flag") => (s.input?.[k] ?? 0) + (s.output?.[k] ?? 0);
  const top = e.top_signatures?.[0];
  const topText = top?.signature_id ? ` (top: ${top.signature_id} ×${top.count ?? 0})` : "";
  return `Traffic summary: ${s.total} scans, ${sum("block")} blocked, ${sum("flag")} flagged${topText}`;
}

/**
 * A human-readable line for chat and incident tools, in the spirit of Wallarm's
 * `[Wallarm] New hit detected`. Test events say `[Test message]`.
 */
export function summaryLine(event: IwEvent, product = "InferenceWall"): string {
  const test = event.test === true ? "[Test message] " : "";
  if (event.log_type === "scan") return `[${product}] ${test}${scanLine(event)}`;
  if (event.log_type === "audit") {
    const from = event.source_ip ? ` from ${event.source_ip}` : "";
    return `[${product}] ${test}Audit ${event.category}: ${event.action}${from}`;
  }
  const other = event as unknown as TrafficSummaryLike;
  if (other.log_type === "summary") return `[${product}] ${test}${trafficLine(other)}`;
  // A log type newer than this package: still a readable line.
  return `[${product}] ${test}${String(other.log_type)} event`;
}

/** The `summary` format of one event. */
export function toSummaryItem(event: IwEvent): SummaryItem {
  return { summary: summaryLine(event), details: event };
}
