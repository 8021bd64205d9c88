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
 * wins over the computed value but is capped by `maxMs`: a collector must not be able to park
 * a sink for hours.
 */
export function backoffDelay(input: BackoffInput): number {
  const { attempt, initialMs, maxMs, random, retryAfterMs } = input;
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    return Math.min(retryAfterMs, maxMs);
  }
  const exponent = Math.min(Math.max(attempt - 1, 0), 30); // 2^30 × initial already exceeds any cap
  const ceiling = Math.min(maxMs, initialMs * 2 ** exponent);
  const r = random >= 0 && random < 1 ? random : 0;
  return Math.floor(r * ceiling);
}
