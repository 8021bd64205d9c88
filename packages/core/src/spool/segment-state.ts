/** Largest record index a segment may hold (the reader's resynchronisation window). */
export const MAX_SEGMENT_INDEX = 0xffffff;

/**
 * What the spool knows about one segment file. Acknowledgement accounting: `expected` counts
 * records handed out (written this session, or yielded by replay) that were not yet acked at
 * that moment; `acked` counts acks of those. A segment can be deleted once it is `sealed` (no
 * more records will be handed out of it) and `acked === expected`.
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
  /** Highest index handed out so far (-1: none). */
  handedUpTo: number;
  expected: number;
  acked: number;
  sealed: boolean;
  gone: boolean;
  damageCounted: boolean;
}

export function createSegmentState(init: { baseSeq: number; nonce: number | undefined; path: string; backlog: boolean; bytes: number }): SegmentState {
  return { ...init, bits: new Uint8Array(0), anyAcked: false, handedUpTo: -1, expected: 0, acked: 0, sealed: false, gone: false, damageCounted: false };
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
