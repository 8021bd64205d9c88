/** Why an event was dropped: a closed set, reported per sink. */
export type DropReason =
  /** The sink's byte budget was full when it was emitted (the newest event is the one dropped). */
  | "queue_full"
  /**
   * The collector refused it for good (a 4xx other than 408/429/413), or kept refusing it while
   * other events got through, `maxRefusals` times. Logged with its `event_id`.
   */
  | "rejected"
  /** Alone in a batch and still refused as too large (413). */
  | "too_large"
  /** Retried `maxRetries` times without success. */
  | "retries_exhausted"
  /** The destination was disabled (410 Gone, credentials refused, or explicitly). */
  | "disabled"
  /** Still queued or in flight when `close()` gave up. */
  | "closed"
  /** The sink threw instead of returning a result, or the event could not be serialized. */
  | "malformed"
  /** The disk spool was full (scan logs give way first). */
  | "spool_full"
  /** Held only on disk when the spool failed (disk error), or found damaged when read back. */
  | "spool_failed";

/** Every drop reason, in a stable order (for stats tables and metrics). */
export const DROP_REASONS: readonly DropReason[] = [
  "queue_full",
  "rejected",
  "too_large",
  "retries_exhausted",
  "disabled",
  "closed",
  "malformed",
  "spool_full",
  "spool_failed",
];

/**
 * One sink's counters. Invariant at every moment:
 * `emitted == delivered + dropped.total + queued + inFlight + spooled`.
 */
export interface SinkStats {
  readonly sink: string;
  /** Events accepted by `emit` for this sink (after its filter), including ones then dropped. */
  readonly emitted: number;
  readonly delivered: number;
  /**
   * Of `delivered`, events the sink had to shorten to fit the destination's message size limit
   * (syslog: `IW_SYSLOG_MAX_MESSAGE_BYTES`). Counted once, when delivered.
   */
  readonly truncated: number;
  readonly dropped: Readonly<Record<DropReason, number>> & { readonly total: number };
  /** Attempts that were retried (per batch attempt, not per event). */
  readonly retried: number;
  /** Events waiting in the lanes (both lanes). */
  readonly queued: number;
  /** Events in batches being sent or waiting for a retry. */
  readonly inFlight: number;
  /**
   * Events held only in the disk spool (`IW_SPOOL_DIR`): waiting for room in memory, or kept
   * at `close()` for the next start. 0 without a spool. Events replayed from an earlier run
   * count as emitted.
   */
  readonly spooled: number;
  /** Estimated bytes of every event held in memory (queued, waiting for a retry, in flight). */
  readonly heldBytes: number;
  /** The sink's byte budget (`maxQueueBytes`): `heldBytes` never exceeds it. */
  readonly budgetBytes: number;
  /**
   * How long send attempts took (every attempt, delivered or not), as a histogram: `counts[i]`
   * attempts took at most `boundsMs[i]` (and more than the bound before it); the last count is
   * everything slower than the last bound.
   */
  readonly batchDuration: BatchDurationStats;
  /** `"active"`, `"backoff"` (paused after failures), or `"disabled"`. */
  readonly state: "active" | "backoff" | "disabled";
  readonly lastError: { readonly message: string; readonly code?: string; readonly at: string } | null;
  readonly lastSuccessAt: string | null;
}

/** Upper bounds, in milliseconds, of {@link SinkStats.batchDuration}'s buckets (Prometheus' defaults). */
export const BATCH_DURATION_BOUNDS_MS: readonly number[] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

/** A histogram of send-attempt durations. */
export interface BatchDurationStats {
  readonly boundsMs: readonly number[];
  /** Per bucket (not cumulative), one more than `boundsMs`: the last is above every bound. */
  readonly counts: readonly number[];
  readonly count: number;
  readonly sumMs: number;
}
