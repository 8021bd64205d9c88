import type { IwEvent } from "../events/index.js";
import type { Batch } from "./batch.js";
import { newBatch } from "./batch.js";
import { ByteBudget } from "./budget.js";
import { Lane } from "./lane.js";

/**
 * Where emitted events wait for a batch: two lanes (audit events apart, and first into every
 * batch) under the sink's byte budget, which keeps charging them while they are batched,
 * retried and in flight. Assembly closes a batch on count or bytes.
 */
export class Batcher {
  readonly budget: ByteBudget;
  readonly #audit = new Lane<IwEvent>();
  readonly #scan = new Lane<IwEvent>();
  #seq = 0;

  /** Events carry spool sequence numbers (the sink spools). */
  tagged = false;

  constructor(maxBytes: number, auditReserveBytes: number) {
    this.budget = new ByteBudget(maxBytes, auditReserveBytes);
  }

  /** Events waiting in the lanes. */
  get length(): number {
    return this.#audit.length + this.#scan.length;
  }

  /** Estimated bytes waiting in the lanes. */
  get bytes(): number {
    return this.#audit.bytes + this.#scan.bytes;
  }

  /** Queues `event` (with its spool sequence number, if any) if the budget has room for `size` more bytes; false when it is full. */
  push(event: IwEvent, size: number, audit: boolean, seq = 0): boolean {
    if (!this.budget.admit(size, audit)) return false;
    (audit ? this.#audit : this.#scan).push(event, size, seq);
    return true;
  }

  /** Calls `fn` with the spool sequence number of every event waiting (0 for none). */
  forEachSeq(fn: (seq: number) => void): void {
    this.#audit.forEachTag(fn);
    this.#scan.forEachTag(fn);
  }

  /**
   * Takes events off the lanes (audit first) up to `maxEvents` and `maxBytes` (a batch holds at
   * least one event, however large). `transform` (redaction) runs on each; an event it throws
   * on is released and passed to `onMalformed` instead.
   */
  assemble(
    id: string,
    maxEvents: number,
    maxBytes: number,
    transform: ((event: IwEvent) => IwEvent) | undefined,
    onMalformed: (err: unknown, seq: number) => void,
  ): Batch | undefined {
    const events: IwEvent[] = [];
    const sizes: number[] = [];
    const audit: boolean[] = [];
    const seqs: number[] = [];
    let bytes = 0;
    while (events.length < maxEvents) {
      const fromAudit = this.#audit.length > 0;
      const lane = fromAudit ? this.#audit : this.#scan.length > 0 ? this.#scan : undefined;
      if (lane === undefined) break;
      const size = lane.peekSize();
      if (events.length > 0 && bytes + size > maxBytes) break;
      const seq = lane.peekTag();
      const raw = lane.shift()!;
      let event: IwEvent;
      try {
        event = transform ? transform(raw) : raw;
      } catch (err) {
        this.budget.release(size, fromAudit);
        onMalformed(err, seq);
        continue;
      }
      events.push(event);
      sizes.push(size);
      audit.push(fromAudit);
      seqs.push(seq);
      bytes += size;
    }
    if (events.length === 0) return undefined;
    return newBatch(id, ++this.#seq, 0, events, sizes, audit, this.tagged ? seqs : undefined);
  }

  /** Empties both lanes, releasing their bytes; returns how many events they held. */
  clear(): number {
    const a = this.#audit.clear();
    const s = this.#scan.clear();
    this.budget.release(a.bytes, true);
    this.budget.release(s.bytes, false);
    return a.count + s.count;
  }
}
