import type { GenericSinkConfig } from "@iw/core/inspect";

/** `32 MiB`, `1.5 KiB`, `812 B`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

/** `250 ms`, `10 s`, `2 min`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "no limit";
  if (ms < 1000 || ms % 1000 !== 0) return `${ms} ms`;
  if (ms < 60_000 || ms % 60_000 !== 0) return `${ms / 1000} s`;
  return `${ms / 60_000} min`;
}

/** A latency as printed: `12.3 ms`. */
export function formatLatency(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/** A sink's delivery settings in one line, as the start line and `doctor` show them. */
export function deliverySummary(g: GenericSinkConfig, redact: { mode: string; fields: readonly string[] }): string {
  const q = g.queue;
  const retries = Number.isFinite(q.maxRetries) ? `${q.maxRetries} retries` : "retried until delivered";
  return [
    `events ${g.filter.text}`,
    `redact ${redact.mode === "off" ? "off" : `${redact.mode} (${redact.fields.join(",")})`}`,
    `batches of ${q.maxBatchSize} events / ${formatBytes(q.maxBatchBytes)} within ${formatMs(q.flushIntervalMs)}`,
    `budget ${formatBytes(q.maxQueueBytes)} (${formatBytes(q.auditReserveBytes)} audit only)`,
    `${formatMs(q.attemptTimeoutMs)} per attempt`,
    retries,
  ].join(" · ");
}

/**
 * Parses a duration: `5000` (ms), `500ms`, `5s`, `2m`. `undefined` for anything else.
 */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min)?\s*$/i.exec(text);
  if (m === null) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? "ms").toLowerCase();
  const ms = unit === "ms" ? n : unit === "s" ? n * 1000 : n * 60_000;
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
}
