import type { LogstashEvent } from "@iw/testkit";

const str = (value: unknown): string => (typeof value === "string" || typeof value === "number" ? String(value) : "-");

/** One human line per event. */
export function describeEvent(event: LogstashEvent): string {
  const id = str(event.event_id);
  if (event.log_type === "scan") {
    const matches = Array.isArray(event.matches) ? (event.matches as { signature_id?: unknown }[]) : [];
    const sigs = matches.map((m) => str(m.signature_id)).join(",") || "-";
    const score = typeof event.anomaly_score === "number" ? event.anomaly_score.toFixed(2) : "-";
    return `scan  ${str(event.direction).padEnd(6)} ${str(event.decision).padEnd(5)} ${score.padStart(5)}  ${sigs.padEnd(19)} event_id=${id}`;
  }
  if (event.log_type === "audit") {
    const who = [event.key_prefix ? `key_prefix=${str(event.key_prefix)}` : "", event.source_ip ? `source_ip=${str(event.source_ip)}` : ""];
    return `audit ${`${str(event.category)}/${str(event.action)}`.padEnd(23)} ${who.filter(Boolean).join(" ")}${who.some(Boolean) ? "  " : ""}event_id=${id}`;
  }
  if (event.log_type === "summary") {
    const scans = (event.scans ?? {}) as { total?: unknown; input?: Record<string, unknown>; output?: Record<string, unknown> };
    const abf = (d: Record<string, unknown> | undefined): string => `${str(d?.allow)}/${str(d?.flag)}/${str(d?.block)}`;
    const top = Array.isArray(event.top_signatures) ? (event.top_signatures as { signature_id?: unknown; count?: unknown }[]) : [];
    const tops =
      top
        .slice(0, 3)
        .map((t) => `${str(t.signature_id)}×${str(t.count)}`)
        .join(",") || "-";
    return `summary ${str(scans.total)} scans (allow/flag/block in ${abf(scans.input)}, out ${abf(scans.output)}) top ${tops}  event_id=${id}`;
  }
  return `other ${JSON.stringify(event).slice(0, 160)}`;
}
