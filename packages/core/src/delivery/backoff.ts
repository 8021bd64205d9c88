/** Inputs of one backoff computation. */
export interface BackoffInput {
  /** Number of the attempt that just failed (1 for the first attempt). */
  readonly attempt: number;
  /** First delay's upper bound (ms). */
  readonly initialMs: number;
  /** Cap of every delay, including a server's `Retry-After` (ms). */
  readonly maxMs: number;
  /** A value in [0, 1): the jitter. */
  readonly random: number;
  /** What the server asked for (`Retry-After`), if anything. */
  readonly retryAfterMs?: number | undefined;
}

/**
 * Delay before the next attempt: capped "full jitter" exponential backoff
 * (`random × min(maxMs, initialMs × 2^(attempt-1))`, AWS Architecture Blog), so that many
 * hosts recovering from the same outage do not retry in lockstep. A server's `Retry-After`
 * is a lower bound ("not before"): the delay is the larger of it and the computed value, so a
 * collector answering `429 Retry-After: 0` again and again still meets a growing backoff rather
 * than a hot loop. Both are capped by `maxMs`: a collector must not be able to park a sink for
 * hours.
 */
export function backoffDelay(input: BackoffInput): number {
  const { attempt, initialMs, maxMs, random, retryAfterMs } = input;
  const exponent = Math.min(Math.max(attempt - 1, 0), 30); // 2^30 × initial already exceeds any cap
  const ceiling = Math.min(maxMs, initialMs * 2 ** exponent);
  const r = random >= 0 && random < 1 ? random : 0;
  const computed = Math.floor(r * ceiling);
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    return Math.min(Math.max(retryAfterMs, computed), maxMs);
  }
  return computed;
}
