import { DROP_REASONS } from "@iw/core";
import type { SinkStats } from "@iw/core";

/** Anything with the @iw event fields the tally reads. */
type EventLike = Readonly<Record<string, unknown>>;

const SCAN_ORDER = ["scan:allow", "scan:flag", "scan:block"];

/**
 * The row an event is counted in: `scan:<decision>`, `audit:<category>`, or its `log_type`
 * (`summary`, or a future type).
 */
export function kindOf(event: EventLike): string {
  const type = String(event["log_type"]);
  if (type === "scan") return `scan:${String(event["decision"])}`;
  if (type === "audit") return `audit:${String(event["category"])}`;
  return type;
}

/** How many events of each kind. */
export function countByKind(events: readonly EventLike[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(kindOf(e), (counts.get(kindOf(e)) ?? 0) + 1);
  return counts;
}

/**
 * A Markdown table of which events went where: one row per kind (scan decisions first, then
 * audit categories, then the rest), one column for what the host emitted and one per
 * destination, plus a total row.
 */
export function routingTable(emitted: readonly EventLike[], received: ReadonlyMap<string, readonly EventLike[]>): string {
  const columns = [
    ["emitted by host", countByKind(emitted)] as const,
    ...[...received].map(([name, evs]) => [name, countByKind(evs)] as const),
  ];
  const kinds = new Set<string>();
  for (const [, counts] of columns) for (const k of counts.keys()) kinds.add(k);
  const rank = (k: string): number => (SCAN_ORDER.includes(k) ? SCAN_ORDER.indexOf(k) : k.startsWith("audit:") ? 10 : 20);
  const rows = [...kinds].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const cell = (counts: ReadonlyMap<string, number>, k: string): string => String(counts.get(k) ?? "·");
  const lines = [
    ["event", ...columns.map(([name]) => name)],
    ...rows.map((k) => [k, ...columns.map(([, counts]) => cell(counts, k))]),
    ["**total**", ...columns.map(([, counts]) => `**${[...counts.values()].reduce((a, b) => a + b, 0)}**`)],
  ];
  return markdown(lines, (i) => i >= 1);
}

/** A Markdown table of each sink's counters (`dispatcher.stats()`). */
export function statsTable(stats: readonly SinkStats[]): string {
  const dropped = (s: SinkStats): string =>
    s.dropped.total === 0
      ? "0"
      : `${s.dropped.total} (${DROP_REASONS.filter((r) => s.dropped[r] > 0)
          .map((r) => `${r} ${s.dropped[r]}`)
          .join(", ")})`;
  const lines = [
    ["sink", "state", "emitted", "delivered", "dropped", "retried", "queued", "in flight", "invariant", "last error"],
    ...stats.map((s) => [
      s.sink,
      s.state,
      String(s.emitted),
      String(s.delivered),
      dropped(s),
      String(s.retried),
      String(s.queued),
      String(s.inFlight),
      holdsInvariant(s) ? "ok" : "BROKEN",
      s.lastError === null ? "" : s.lastError.message.replace(/\|/g, "/").slice(0, 80),
    ]),
  ];
  return markdown(lines, (i) => i >= 2 && i <= 7);
}

/** `emitted == delivered + dropped + queued + inFlight`, which core guarantees at every moment. */
export function holdsInvariant(s: SinkStats): boolean {
  return s.emitted === s.delivered + s.dropped.total + s.queued + s.inFlight;
}

/** Pads the cells; `numeric` columns are right-aligned. */
function markdown(lines: readonly (readonly string[])[], numeric: (column: number) => boolean): string {
  const widths = lines[0]!.map((_, i) => Math.max(3, ...lines.map((l) => (l[i] ?? "").length)));
  const row = (l: readonly string[]): string =>
    `| ${l.map((c, i) => (numeric(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (numeric(i) ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [row(lines[0]!), rule, ...lines.slice(1).map(row)].join("\n");
}
