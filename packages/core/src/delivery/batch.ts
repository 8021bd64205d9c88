import type { IwEvent } from "../events/index.js";
import type { Attempt } from "./attempt.js";

/** Attempt counts of the whole sink at one moment: what a batch compares against later. */
export interface Mark {
  readonly ok: number;
  readonly fail: number;
}

/**
 * A group of events sent together, from assembly until it is delivered or dropped. Its bytes
 * stay charged to the budget the whole time. `seq` orders batches as their events were
 * emitted; the halves of a split batch sort where their parent stood.
 */
export interface Batch {
  readonly id: string;
  readonly seq: number;
  events: readonly IwEvent[];
  sizes: readonly number[];
  audit: readonly boolean[];
  /** The events' spool sequence numbers, when the sink spools (acknowledged once each event is settled). */
  seqs: readonly number[] | undefined;
  /** Splits above this batch: 0 for a batch assembled from the lanes. */
  readonly depth: number;
  /** Attempts made so far (`SendContext.attempt` of the next one is this + 1). */
  attempt: number;
  /** Failed attempts so far. */
  failures: number;
  /** Failures while other batches got through (an event-level suspicion). */
  refusals: number;
  /** The sink's counts at this batch's last failure (or its split): set once it is suspect. */
  mark: Mark | undefined;
  /** Not before this time (ms epoch), for a batch refused on its own; 0 = as the sink allows. */
  dueAt: number;
  /** What `sink.prepare` built, reused by every attempt. */
  prepared: { readonly payload: unknown } | undefined;
  running: Attempt | undefined;
}

/** A new batch over `events` (sizes and lanes given per event). */
export function newBatch(
  id: string,
  seq: number,
  depth: number,
  events: IwEvent[],
  sizes: number[],
  audit: boolean[],
  seqs?: number[],
): Batch {
  return {
    id,
    seq,
    depth,
    events,
    sizes,
    audit,
    seqs,
    attempt: 0,
    failures: 0,
    refusals: 0,
    mark: undefined,
    dueAt: 0,
    prepared: undefined,
    running: undefined,
  };
}

/** Bytes of `batch` charged to the budget, per lane. */
export function batchBytes(batch: Batch): { readonly audit: number; readonly scan: number } {
  let audit = 0;
  let scan = 0;
  for (let i = 0; i < batch.sizes.length; i++) {
    if (batch.audit[i]) audit += batch.sizes[i]!;
    else scan += batch.sizes[i]!;
  }
  return { audit, scan };
}

/**
 * The two halves of `batch`, in order, each to be prepared anew. They sort where their parent
 * stood (`seq` plus a fraction that halves with each level) and carry its refusal count.
 */
export function splitBatch(batch: Batch, ids: readonly [string, string], mark: Mark): [Batch, Batch] {
  const mid = Math.ceil(batch.events.length / 2);
  const depth = batch.depth + 1;
  const half = (id: string, seq: number, from: number, to: number): Batch => {
    const b = newBatch(
      id,
      seq,
      depth,
      batch.events.slice(from, to),
      batch.sizes.slice(from, to),
      batch.audit.slice(from, to),
      batch.seqs?.slice(from, to),
    );
    b.refusals = batch.refusals;
    b.mark = mark;
    return b;
  };
  const n = batch.events.length;
  return [half(ids[0], batch.seq, 0, mid), half(ids[1], batch.seq + 2 ** -(depth + 1), mid, n)];
}

/**
 * Keeps only the events of `batch` that are in `kept` (by identity, in order); returns what was
 * left out, per lane, so the caller can release and count it.
 */
export function keepOnly(
  batch: Batch,
  kept: readonly IwEvent[],
): { readonly count: number; readonly audit: number; readonly scan: number; readonly seqs: readonly number[] } {
  const keep = new Set(kept);
  const events: IwEvent[] = [];
  const sizes: number[] = [];
  const audit: boolean[] = [];
  const seqs: number[] = [];
  const leftSeqs: number[] = [];
  let leftAudit = 0;
  let leftScan = 0;
  for (let i = 0; i < batch.events.length; i++) {
    if (keep.has(batch.events[i]!)) {
      events.push(batch.events[i]!);
      sizes.push(batch.sizes[i]!);
      audit.push(batch.audit[i]!);
      if (batch.seqs) seqs.push(batch.seqs[i]!);
      continue;
    }
    if (batch.seqs) leftSeqs.push(batch.seqs[i]!);
    if (batch.audit[i]) leftAudit += batch.sizes[i]!;
    else leftScan += batch.sizes[i]!;
  }
  const count = batch.events.length - events.length;
  batch.events = events;
  batch.sizes = sizes;
  batch.audit = audit;
  if (batch.seqs) batch.seqs = seqs;
  return { count, audit: leftAudit, scan: leftScan, seqs: leftSeqs };
}
