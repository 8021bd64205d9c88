import type { QueueSpool, SpooledRecord } from "../../src/delivery/spool-tier.js";
import type { SpoolStats } from "../../src/spool/spool-stats.js";

/**
 * A spool in memory with the real one's contract (append, ack, read from a sequence number,
 * a byte bound, failure), for queue tests. `restart()` gives the next run's view of the same
 * records: what was not acknowledged.
 */
export class MemorySpool implements QueueSpool {
  readonly records = new Map<number, { data: string; audit: boolean }>();
  readonly appended: number[] = [];
  readonly acked = new Set<number>();
  failed: Error | undefined;
  closed = false;
  #next: number;
  readonly #maxRecords: number;

  constructor(options: { maxRecords?: number; from?: MemorySpool } = {}) {
    this.#maxRecords = options.maxRecords ?? Number.POSITIVE_INFINITY;
    this.#next = 1;
    if (options.from) {
      for (const [seq, r] of options.from.records) if (!options.from.acked.has(seq)) this.records.set(seq, r);
      this.#next = Math.max(0, ...options.from.records.keys()) + 1;
    }
  }

  /** The next run's spool over what this one left unacknowledged. */
  restart(): MemorySpool {
    return new MemorySpool({ from: this, maxRecords: this.#maxRecords });
  }

  append(data: string, audit: boolean): number | undefined {
    if (this.failed !== undefined || this.closed || this.unacked >= this.#maxRecords) return undefined;
    const seq = this.#next++;
    this.records.set(seq, { data, audit });
    this.appended.push(seq);
    return seq;
  }

  ack(seq: number): void {
    if (this.records.has(seq)) this.acked.add(seq);
  }

  read(fromSeq: number, maxBytes: number): Promise<readonly SpooledRecord[]> {
    const out: SpooledRecord[] = [];
    let bytes = 0;
    if (this.failed !== undefined) return Promise.resolve(out);
    for (const seq of [...this.records.keys()].sort((a, b) => a - b)) {
      if (seq < fromSeq || this.acked.has(seq)) continue;
      const r = this.records.get(seq)!;
      if (out.length > 0 && bytes + r.data.length > maxBytes) break;
      out.push({ seq, audit: r.audit, data: Buffer.from(r.data) });
      bytes += r.data.length;
    }
    return new Promise((resolve) => setTimeout(() => resolve(out), 1));
  }

  get oldestUnackedSeq(): number | undefined {
    const open = [...this.records.keys()].filter((s) => !this.acked.has(s));
    return open.length === 0 ? undefined : Math.min(...open);
  }

  get unacked(): number {
    let n = 0;
    for (const seq of this.records.keys()) if (!this.acked.has(seq)) n++;
    return n;
  }

  stats(): SpoolStats {
    throw new Error("not used by the queue");
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
