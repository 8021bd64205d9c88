import { maskKnownSecrets } from "../diagnostics/index.js";
import { BATCH_DURATION_BOUNDS_MS, DROP_REASONS } from "./stats.js";
import type { DropReason, SinkStats } from "./stats.js";

/** A sink's state as `stats()` reports it. */
export type QueueState = SinkStats["state"];

/**
 * The mutable counters behind `DeliveryQueue.stats()`. Kept apart from the queue so that
 * every transition that moves events between buckets is one method: the invariant
 * `emitted == delivered + dropped + queued + inFlight` is easy to audit here.
 */
export class QueueCounters {
  emitted = 0;
  delivered = 0;
  /** Of `delivered`, events shortened by the sink to fit the destination (see `SinkStats.truncated`). */
  truncated = 0;
  retried = 0;
  /** Events in batches (being sent, waiting to be sent, or backing off). */
  inFlight = 0;
  state: QueueState = "active";
  lastError: SinkStats["lastError"] = null;
  lastSuccessAt: string | null = null;
  readonly #dropped: Record<DropReason, number> = {
    queue_full: 0,
    rejected: 0,
    too_large: 0,
    retries_exhausted: 0,
    disabled: 0,
    closed: 0,
    malformed: 0,
    spool_full: 0,
    spool_failed: 0,
  };
  #droppedTotal = 0;
  readonly #durations = new Array<number>(BATCH_DURATION_BOUNDS_MS.length + 1).fill(0);
  #durationCount = 0;
  #durationSumMs = 0;

  /** Counts one send attempt that took `ms`. */
  observeDuration(ms: number): void {
    let i = 0;
    while (i < BATCH_DURATION_BOUNDS_MS.length && ms > BATCH_DURATION_BOUNDS_MS[i]!) i++;
    this.#durations[i]! += 1;
    this.#durationCount++;
    this.#durationSumMs += ms;
  }

  /** Counts `n` events dropped for `reason`. */
  drop(reason: DropReason, n = 1): void {
    this.#dropped[reason] += n;
    this.#droppedTotal += n;
  }

  /** Dropped so far for `reason`. */
  droppedFor(reason: DropReason): number {
    return this.#dropped[reason];
  }

  /** Total dropped so far. */
  get droppedTotal(): number {
    return this.#droppedTotal;
  }

  /**
   * Records the latest delivery problem, its message masked here, at the source: a sink's message
   * may quote a URL with a token in its query or a response body that echoes the credentials,
   * and `stats()` is read by people and dashboards the secrets must not reach.
   */
  recordError(error: Error): void {
    const code = (error as { code?: unknown }).code;
    this.lastError = {
      message: maskKnownSecrets(String(error.message)),
      ...(typeof code === "string" ? { code } : {}),
      at: new Date().toISOString(),
    };
  }

  /** A frozen copy for callers. */
  snapshot(sink: string, queued: number, spooled: number, heldBytes: number, budgetBytes: number): SinkStats {
    const dropped = { total: this.#droppedTotal } as Record<DropReason, number> & { total: number };
    for (const reason of DROP_REASONS) dropped[reason] = this.#dropped[reason];
    return {
      sink,
      emitted: this.emitted,
      delivered: this.delivered,
      truncated: this.truncated,
      dropped,
      retried: this.retried,
      queued,
      inFlight: this.inFlight,
      spooled,
      heldBytes,
      budgetBytes,
      batchDuration: {
        boundsMs: BATCH_DURATION_BOUNDS_MS,
        counts: this.#durations.slice(),
        count: this.#durationCount,
        sumMs: this.#durationSumMs,
      },
      state: this.state,
      lastError: this.lastError,
      lastSuccessAt: this.lastSuccessAt,
    };
  }
}
