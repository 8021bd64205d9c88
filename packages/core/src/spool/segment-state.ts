/** Largest record index a segment may hold (the reader's resynchronisation window). */
export const MAX_SEGMENT_INDEX = 0xffffff;

/** Spacing, in file bytes, of the seek marks kept per segment (see `marks`). */
export const MARK_SPACING = 64 * 1024;

/**
 * What the spool knows about one segment file. Every segment's records are known: a backlog
 * segment is scanned at open, a segment of this run is filled by the commit loop. A bit in
 * `bits` is set for every index up to `lastIndex` that holds no live record (acknowledged,
 * never written, or lost to damage), so `live` = records on disk not yet acknowledged, and a
 * segment can be deleted once it is `sealed` (no more records will be added) and `live === 0`.
 */
export interface SegmentState {
  readonly baseSeq: number;
  /** From the header; undefined when the header is damaged (its acks are then not persisted). */
  readonly nonce: number | undefined;
  readonly path: string;
  /** Written before this process started: its records are replayed, not re-written. */
  readonly backlog: boolean;
  bytes: number;
  /** Bit i set: record baseSeq + i is acknowledged. Grows on demand. */
  bits: Uint8Array;
  anyAcked: boolean;
  /** Highest index holding a record (-1: none). Indices above it hold nothing. */
  lastIndex: number;
  /** Records in the file (or assigned to it by the group being written) not acknowledged. */
  live: number;
  /**
   * Seek marks, one per ~MARK_SPACING bytes: record `markIndex[i]` starts at file offset
   * `markOffset[i]`. Ascending; learned when the file is written or read.
   */
  markIndex: number[];
  markOffset: number[];
  sealed: boolean;
  gone: boolean;
  damageCounted: boolean;
}

export function createSegmentState(init: {
  baseSeq: number;
  nonce: number | undefined;
  path: string;
  backlog: boolean;
  bytes: number;
}): SegmentState {
  return {
    ...init,
    bits: new Uint8Array(0),
    anyAcked: false,
    lastIndex: -1,
    live: 0,
    markIndex: [],
    markOffset: [],
    sealed: false,
    gone: false,
    damageCounted: false,
  };
}

export function isAcked(seg: SegmentState, index: number): boolean {
  const byte = index >>> 3;
  return byte < seg.bits.length && (seg.bits[byte]! & (1 << (index & 7))) !== 0;
}

/** Sets the ack bit; false when it was already set. */
export function markAcked(seg: SegmentState, index: number): boolean {
  const byte = index >>> 3;
  if (byte >= seg.bits.length) {
    const grown = new Uint8Array(Math.max(byte + 1, seg.bits.length * 2, 64));
    grown.set(seg.bits);
    seg.bits = grown;
  }
  const mask = 1 << (index & 7);
  if ((seg.bits[byte]! & mask) !== 0) return false;
  seg.bits[byte]! |= mask;
  seg.anyAcked = true;
  return true;
}

/** The live segment holding `seq` (segments sorted by baseSeq), by binary search. */
export function findSegment(segments: readonly SegmentState[], seq: number): SegmentState | undefined {
  let lo = 0;
  let hi = segments.length - 1;
  let found: SegmentState | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const seg = segments[mid]!;
    if (seg.baseSeq <= seq) {
      found = seg;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found && seq - found.baseSeq <= MAX_SEGMENT_INDEX ? found : undefined;
}

/** Remembers that record `index` starts at `offset`, if it is far enough past the last mark. */
export function addMark(seg: SegmentState, index: number, offset: number): void {
  const n = seg.markIndex.length;
  const lastOffset = n > 0 ? seg.markOffset[n - 1]! : 0;
  if (offset - lastOffset < MARK_SPACING || (n > 0 && index <= seg.markIndex[n - 1]!)) return;
  seg.markIndex.push(index);
  seg.markOffset.push(offset);
}

/** The last mark at or before record `index`: where to start reading to reach it. */
export function markBefore(seg: SegmentState, index: number, headerBytes: number): { index: number; offset: number } {
  let lo = 0;
  let hi = seg.markIndex.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (seg.markIndex[mid]! <= index) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found < 0 ? { index: 0, offset: headerBytes } : { index: seg.markIndex[found]!, offset: seg.markOffset[found]! };
}
