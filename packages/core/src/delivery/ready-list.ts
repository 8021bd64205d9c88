import type { Batch } from "./batch.js";

/**
 * Batches kept for another attempt (retries, split halves), in emission order (`seq`), so that
 * a recovery sends the backlog as it was emitted, as far as concurrency allows. Small by
 * construction (the byte budget bounds it), so linear scans are fine.
 */
export class ReadyList {
  readonly #batches: Batch[] = [];

  get length(): number {
    return this.#batches.length;
  }

  insert(batch: Batch): void {
    const list = this.#batches;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.seq <= batch.seq) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, batch);
  }

  /** The oldest batch due at `now`, removed from the list. */
  takeDue(now: number): Batch | undefined {
    const i = this.#batches.findIndex((b) => b.dueAt <= now);
    return i < 0 ? undefined : this.#batches.splice(i, 1)[0];
  }

  /**
   * The probe of a sick destination: the oldest due batch, unless it has failed twice or more
   * in this outage and another batch (or a fresh one from the lanes, `freshAvailable`) has
   * failed less. So an outage is probed in emission order, and a batch the collector refuses
   * cannot stand between the sink and its recovery. `undefined`: probe with a fresh batch.
   */
  takeProbe(now: number, freshAvailable: boolean): Batch | undefined {
    const score = (b: Batch): number => Math.max(0, b.failures - 1);
    let best = -1;
    for (let i = 0; i < this.#batches.length; i++) {
      const b = this.#batches[i]!;
      if (b.dueAt <= now && (best < 0 || score(b) < score(this.#batches[best]!))) best = i;
    }
    if (best < 0 || (freshAvailable && score(this.#batches[best]!) > 0)) return undefined;
    return this.#batches.splice(best, 1)[0];
  }

  /** The earliest time a waiting batch becomes due, if any is waiting past `now`. */
  nextDueAt(now: number): number | undefined {
    let next: number | undefined;
    for (const b of this.#batches) if (b.dueAt > now && (next === undefined || b.dueAt < next)) next = b.dueAt;
    return next;
  }

  /** Makes every batch due now (flush, close). */
  dueNow(): void {
    for (const b of this.#batches) b.dueAt = 0;
  }

  /** Empties the list. */
  takeAll(): Batch[] {
    return this.#batches.splice(0);
  }
}
