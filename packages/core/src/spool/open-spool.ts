import { mkdir, open, readdir, stat, truncate, unlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { readAckFile } from "./ack-file.js";
import type { SegmentHeader } from "./format.js";
import { SEGMENT_HEADER_BYTES, SEGMENT_VERSION, decodeSegmentHeader, parseSegmentFileName } from "./format.js";
import type { DirLock } from "./lock.js";
import { acquireLock } from "./lock.js";
import { SegmentReader } from "./segment-reader.js";
import type { SegmentState } from "./segment-state.js";
import { addMark, createSegmentState, isAcked, markAcked } from "./segment-state.js";
import { Spool } from "./spool.js";
import { SpoolError, describeIoError } from "./spool-error.js";
import type { ResolvedSpoolOptions, SpoolOptions } from "./spool-options.js";
import { resolveSpoolOptions } from "./spool-options.js";
import { SpoolCounters } from "./spool-stats.js";

/**
 * Opens (creating it if needed) the spool in `options.dir`: takes the directory lock, cuts a
 * torn tail off the newest segment, loads ack progress and continues numbering after the
 * records found. Rejects with a `SpoolError` (`IW_SPOOL_LOCKED` naming the process holding
 * the directory, or `IW_SPOOL_UNAVAILABLE` with the system reason) or an `IwConfigError` for
 * bad options; the caller then keeps events in memory.
 */
export async function openSpool(options: SpoolOptions): Promise<Spool> {
  const o = resolveSpoolOptions(options);
  const dir = resolve(o.dir);
  try {
    await ensureDir(dir);
  } catch (err) {
    throw new SpoolError("IW_SPOOL_UNAVAILABLE", describeIoError("create directory", dir, err), { cause: err });
  }
  const lock = await acquireLock(dir);
  try {
    return await recover({ ...o, dir }, lock);
  } catch (err) {
    await lock.release();
    if (err instanceof SpoolError) throw err;
    throw new SpoolError("IW_SPOOL_UNAVAILABLE", describeIoError("recover spool in", dir, err), { cause: err });
  }
}

/**
 * mkdir -p that cannot spin: `fs.mkdir(…, { recursive: true })` loops forever on Node 20 when
 * mkdir keeps answering ENOENT although the parent exists (e.g. under /proc).
 */
async function ensureDir(dir: string, depth = 0): Promise<void> {
  try {
    await mkdir(dir);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "EEXIST") {
      if (!(await stat(dir)).isDirectory()) throw err;
      return;
    }
    if (code !== "ENOENT" || dirname(dir) === dir || depth > 64) throw err;
    await ensureDir(dirname(dir), depth + 1);
    await mkdir(dir).catch((again: { code?: string }) => {
      if (again.code !== "EEXIST") throw again;
    });
  }
}

async function recover(o: ResolvedSpoolOptions, lock: DirLock): Promise<Spool> {
  const counters = new SpoolCounters();
  const names = await readdir(o.dir);
  for (const name of names) if (name.endsWith(".tmp") && !name.startsWith("lock.")) await unlink(join(o.dir, name)).catch(() => undefined);
  const bases = names
    .map(parseSegmentFileName)
    .filter((b): b is number => b !== undefined)
    .sort((a, b) => a - b);

  const segments: SegmentState[] = [];
  for (const baseSeq of bases) {
    const path = join(o.dir, `${String(baseSeq).padStart(16, "0")}.seg`);
    const header = await readHeader(path);
    if (header !== "bad" && header !== "short" && header.version !== SEGMENT_VERSION) {
      throw new SpoolError(
        "IW_SPOOL_UNAVAILABLE",
        `spool: ${path} has format version ${header.version}; this version of @iw/core reads version ${SEGMENT_VERSION}`,
      );
    }
    const usable = header !== "bad" && header !== "short" && header.baseSeq === baseSeq;
    if (!usable && header === "bad") o.logger?.warn(`spool: damaged header in ${path}; its records are read, its ack progress is not kept`);
    segments.push(
      createSegmentState({ baseSeq, nonce: usable ? header.nonce : undefined, path, backlog: true, bytes: (await stat(path)).size }),
    );
  }

  // Only the newest segment can end in a torn write after a crash; older ones were complete
  // before the next one was started. Cut it, or drop the segment if nothing in it is whole.
  let maxSeq = 0;
  while (segments.length > 0) {
    const newest = segments[segments.length - 1]!;
    const reader = await SegmentReader.open(newest.path, o.maxPayload);
    try {
      while (await reader.next());
    } finally {
      await reader.close();
    }
    if (reader.lastIndex < 0) {
      await unlink(newest.path);
      segments.pop();
      // A bare valid header is a segment whose records were all acknowledged before being written.
      if (reader.tailDamageAt === undefined && typeof reader.header === "object") continue;
      counters.tornTails++;
      o.logger?.warn(`spool: removed ${newest.path}, which holds no complete record (torn write)`);
      continue;
    }
    if (reader.tailDamageAt !== undefined) {
      await truncate(newest.path, reader.validEnd);
      o.logger?.warn(`spool: cut a torn tail of ${newest.bytes - reader.validEnd} bytes off ${newest.path}`);
      newest.bytes = reader.validEnd;
      counters.tornTails++;
    }
    maxSeq = newest.baseSeq + reader.lastIndex;
    break;
  }

  const acks = await readAckFile(o.dir);
  if (acks === "damaged") o.logger?.warn("spool: ack progress file is damaged; acknowledged records may be replayed once");
  let nextSeq = maxSeq + 1;
  if (typeof acks === "object") {
    nextSeq = Math.max(nextSeq, acks.nextSeq);
    for (const entry of acks.entries) {
      const seg = segments.find((s) => s.baseSeq === entry.baseSeq && s.nonce === entry.nonce);
      if (seg) {
        seg.bits = entry.bits;
        seg.anyAcked = entry.bits.some((b) => b !== 0);
      }
    }
  }
  // Every backlog segment is scanned once (checksums, no payload copies) so that the spool
  // knows how many records are unacknowledged, where each segment's first live one is, and
  // where to seek to; damage is counted here.
  for (const seg of segments) await scanSegment(seg, o, counters, seg === segments[segments.length - 1]);
  return new Spool({ options: o, lock, backlog: segments, nextSeq, counters });
}

/** Counts the live records of a backlog segment, marks absent indices, learns seek marks. */
async function scanSegment(seg: SegmentState, o: ResolvedSpoolOptions, counters: SpoolCounters, newest: boolean): Promise<void> {
  const reader = await SegmentReader.open(seg.path, o.maxPayload, { offset: SEGMENT_HEADER_BYTES, firstIndex: 0, end: seg.bytes });
  try {
    let expect = 0;
    for (let r = await reader.next(); r; r = await reader.next()) {
      // Indices with no record (acknowledged before being written, or lost to damage) count as released.
      for (; expect < r.index; expect++) markAcked(seg, expect);
      expect = r.index + 1;
      addMark(seg, r.index, reader.recordOffset);
      if (!isAcked(seg, r.index)) seg.live++;
    }
    seg.lastIndex = reader.lastIndex;
  } finally {
    await reader.close();
  }
  seg.sealed = true;
  seg.damageCounted = true;
  const lost = reader.damaged + (reader.tailDamageAt !== undefined && !newest ? 1 : 0);
  if (lost === 0) return;
  counters.damagedRecords += lost;
  o.logger?.warn(`spool: skipped ${lost} damaged record(s) in ${seg.path}`, { segment: seg.path, damaged: lost });
}

async function readHeader(path: string): Promise<SegmentHeader | "bad" | "short"> {
  const handle = await open(path, "r");
  try {
    const buf = Buffer.alloc(SEGMENT_HEADER_BYTES);
    const { bytesRead } = await handle.read(buf, 0, SEGMENT_HEADER_BYTES, 0);
    return decodeSegmentHeader(buf.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
