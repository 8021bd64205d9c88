import { randomInt } from "node:crypto";
import { join } from "node:path";
import { SEGMENT_HEADER_BYTES, encodeRecord, encodeSegmentHeader, segmentFileName } from "./format.js";
import type { SegmentState } from "./segment-state.js";
import { MAX_SEGMENT_INDEX, addMark, createSegmentState, markAcked } from "./segment-state.js";
import type { SegmentWriter } from "./segment-writer.js";

/** A record accepted by `append`, waiting for its group commit. */
export interface Pending {
  seq: number;
  audit: boolean;
  data: Uint8Array | string;
  /** Bytes on disk: record header + payload. */
  size: number;
  /** Acknowledged before it was encoded: it is skipped (never reaches disk). */
  acked: boolean;
  /** The segment it was assigned to; from then on its ack goes to that segment. */
  seg?: SegmentState;
}

export interface GroupTarget {
  writer: SegmentWriter;
  /** Live segments in sequence order; new segments are pushed here before their file exists. */
  segments: SegmentState[];
  dir: string;
  segmentBytes: number;
}

/**
 * Encodes one group and writes it with one `write` per segment touched, starting a new
 * segment when the active one would pass `segmentBytes`. Records are registered as handed out
 * before the write, so an ack arriving while it is under way is counted against its segment.
 * `onWritten(bytes)` is called after each write.
 */
export async function writeGroup(group: readonly Pending[], t: GroupTarget, onWritten: (bytes: number) => void): Promise<void> {
  let run: Buffer[] = [];
  let runBytes = 0;
  const writeRun = async () => {
    if (runBytes === 0) return;
    await t.writer.write(run.length === 1 ? run[0]! : Buffer.concat(run, runBytes));
    onWritten(runBytes);
    await t.writer.afterGroup();
    run = [];
    runBytes = 0;
  };
  for (const p of group) {
    let seg = t.writer.active;
    if (p.acked) {
      // Its sequence number maps to this segment from now on: the bit makes a repeated ack
      // a no-op instead of counting towards releasing the segment.
      if (seg && p.seq - seg.baseSeq <= MAX_SEGMENT_INDEX) markAcked(seg, p.seq - seg.baseSeq);
      continue;
    }
    const full = seg !== undefined && seg.bytes + runBytes > SEGMENT_HEADER_BYTES && seg.bytes + runBytes + p.size > t.segmentBytes;
    if (!seg || full || p.seq - seg.baseSeq > MAX_SEGMENT_INDEX) {
      await writeRun();
      seg = createSegmentState({
        baseSeq: p.seq,
        nonce: randomInt(0x100000000),
        path: join(t.dir, segmentFileName(p.seq)),
        backlog: false,
        bytes: 0,
      });
      t.segments.push(seg);
      await t.writer.roll(seg);
      const header = Buffer.allocUnsafe(SEGMENT_HEADER_BYTES);
      encodeSegmentHeader(header, 0, seg.baseSeq, seg.nonce!);
      run.push(header);
      runBytes += SEGMENT_HEADER_BYTES;
      if (p.acked) {
        // acknowledged while the new file was being created
        markAcked(seg, p.seq - seg.baseSeq);
        continue;
      }
    }
    const buf = Buffer.allocUnsafe(p.size);
    encodeRecord(buf, 0, p.seq - seg.baseSeq, p.audit, p.data);
    run.push(buf);
    runBytes += p.size;
    addMark(seg, p.seq - seg.baseSeq, seg.bytes + runBytes - p.size);
    seg.lastIndex = p.seq - seg.baseSeq;
    seg.live++;
    p.seg = seg;
  }
  await writeRun();
}
