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
  // A log type newer than this package: still a readable line.
  return `[${product}] ${test}${String((event as { log_type?: unknown }).log_type)} event`;
}

/** The `summary` format of one event. */
export function toSummaryItem(event: IwEvent): SummaryItem {
  return { summary: summaryLine(event), details: event };
}
