/**
 * Parses an HTTP `Retry-After` value (delay-seconds or an HTTP-date) into milliseconds from
 * `now`. Returns `undefined` for a missing or unparsable value, so the caller falls back to its
 * own backoff; a date in the past is `0`.
 */
export function parseRetryAfter(value: string | readonly string[] | null | undefined, now: number = Date.now()): number | undefined {
  const raw: unknown = typeof value === "string" || value == null ? value : value[0];
  if (typeof raw !== "string") return undefined;
  const text = raw.trim();
  if (text === "") return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/^[A-Za-z]{3}, /.test(text)) return undefined; // HTTP-date (IMF-fixdate) only
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
