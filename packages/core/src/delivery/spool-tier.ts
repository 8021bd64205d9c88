import type { IwEvent } from "../events/index.js";
// The type from its own file, not the spool's index: that one would bring the spool's Buffer-typed
// records into the declarations every host loads (they must not need @types/node).
// eslint-disable-next-line no-restricted-imports
import type { SpoolStats } from "../spool/spool-stats.js";

/** One record read back from a spool. */
export interface SpooledRecord {
  readonly seq: number;
  readonly audit: boolean;
  readonly data: Uint8Array;
}

/** What the delivery queue needs of a disk spool (`openSpool` from the spool module). */
export interface QueueSpool {
  /** Appends one record; its sequence number, or `undefined` when refused (full, failed). Synchronous. */
  append(data: string, audit: boolean): number | undefined;
  /** Releases a record for good (delivered, or dropped for a reason a retry cannot fix). */
  ack(seq: number): void;
  /** Unacknowledged records from `fromSeq` on, in order, about `maxBytes` of them. Never rejects. */
  read(fromSeq: number, maxBytes: number): Promise<readonly SpooledRecord[]>;
  /** The lowest sequence number not acknowledged, from this run or an earlier one. */
  readonly oldestUnackedSeq: number | undefined;
  /** Records appended or found at open and not acknowledged. */
  readonly unacked: number;
  /** Set once an I/O failure stopped the spool. */
  readonly failed: Error | undefined;
  stats(): SpoolStats;
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Optional: calls `listener` once when an I/O failure stops the spool, so the queue falls back at once. */
  onFailure?(listener: () => void): void;
}

/**
 * The disk half of a spooling sink's queue. Every event is appended to the spool when it is
 * pushed and acknowledged once settled; memory holds what the byte budget allows. Once an event
 * does not fit, it and every later one stay on disk only ("spilled", so order is kept) until
 * the queue reads them back as memory frees up. Records an earlier run left unacknowledged are
 * spilled from the start, so they are sent before new events.
 */
export class SpoolTier {
  readonly spool: QueueSpool;
  /** Events on disk only. */
  spilled = 0;
  /** The first sequence number not in memory, while `spilled > 0`. */
  cursor = 0;
  /** Highest sequence number appended by this run. */
  lastSeq = 0;
  reading = false;

  constructor(spool: QueueSpool) {
    this.spool = spool;
  }

  /** Takes over an earlier run's backlog; returns how many events it holds. */
  start(): number {
    const backlog = this.spool.unacked;
    const oldest = this.spool.oldestUnackedSeq;
    if (backlog > 0 && oldest !== undefined) {
      this.spilled = backlog;
      this.cursor = oldest;
    }
    return this.spilled;
  }

  /** Releases the records of events settled for good (0 = an event that was never appended). */
  ack(seqs: Iterable<number>): void {
    for (const seq of seqs) if (seq > 0) this.spool.ack(seq);
  }

  /** Records that event `seq` stays on disk only. */
  spill(seq: number): void {
    if (this.spilled === 0) this.cursor = seq;
    this.spilled++;
  }

  /** Acknowledges every spilled record (they are dropped); returns how many there were. */
  ackSpilled(): number {
    const n = this.spilled;
    if (n > 0) for (let seq = this.cursor; seq <= Math.max(this.lastSeq, this.cursor + n - 1); seq++) this.spool.ack(seq);
    this.spilled = 0;
    return n;
  }
}

/** What {@link SpoolTier.readBack} did. */
export interface ReadBack {
  /** Events now in memory. */
  readonly moved: number;
  /** Events that could not be parsed (released, to be counted `malformed`). */
  readonly malformed: number;
  /** Events counted on disk but found nowhere (damaged records skipped): to be counted `spool_failed`. */
  readonly missing: number;
}

/**
 * Reads spilled events back, oldest first, handing each to `admit` (the memory budget) until it
 * says no. Bounded: at most `maxBytes` of records per call.
 */
export async function readBack(
  tier: SpoolTier,
  maxBytes: number,
  admit: (event: IwEvent, size: number, audit: boolean, seq: number) => boolean,
): Promise<ReadBack> {
  tier.reading = true;
  let records: readonly SpooledRecord[] = [];
  try {
    records = await tier.spool.read(tier.cursor, maxBytes);
  } finally {
    tier.reading = false;
  }
  let moved = 0;
  let malformed = 0;
  for (const record of records) {
    if (record.seq < tier.cursor) continue;
    let event: IwEvent | undefined;
    try {
      event = JSON.parse((record.data as Buffer).toString("utf8")) as IwEvent; // the spool reads Buffers
    } catch {
      event = undefined;
    }
    if (event === undefined) {
      tier.spool.ack(record.seq);
      malformed++;
    } else if (!admit(event, record.data.length, record.audit, record.seq)) {
      break;
    } else {
      moved++;
    }
    tier.cursor = record.seq + 1;
    tier.spilled--;
  }
  // Nothing left to read although events are counted on disk: damaged records were skipped.
  const missing = records.length === 0 && tier.spool.failed === undefined ? tier.spilled : 0;
  if (missing > 0) tier.spilled = 0;
  return { moved, malformed, missing };
}

/**
 * What a spooling sink appends: the event redacted (`transform`) and serialized, once, at
 * push; what the spool holds is what the sink would send. `undefined` when it cannot be.
 */
export function encodeForSpool(
  raw: IwEvent,
  transform: ((event: IwEvent) => IwEvent) | undefined,
): { readonly event: IwEvent; readonly json: string } | Error {
  try {
    const event = transform === undefined ? raw : transform(raw);
    const json = JSON.stringify(event) as string | undefined;
    return json === undefined ? new TypeError("the event serializes to nothing") : { event, json };
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}
