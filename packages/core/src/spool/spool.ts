import { unlink } from "node:fs/promises";
import type { AckEntry } from "./ack-file.js";
import { writeAckFile } from "./ack-file.js";
import { RECORD_HEADER_BYTES, SEGMENT_HEADER_BYTES } from "./format.js";
import type { Pending } from "./group-commit.js";
import { writeGroup } from "./group-commit.js";
import type { DirLock } from "./lock.js";
import { SegmentReader } from "./segment-reader.js";
import type { SegmentState } from "./segment-state.js";
import { addMark, findSegment, isAcked, markAcked, markBefore } from "./segment-state.js";
import { SegmentWriter } from "./segment-writer.js";
import { SpoolError, describeIoError } from "./spool-error.js";
import type { ResolvedSpoolOptions } from "./spool-options.js";
import type { SpoolStats } from "./spool-stats.js";
import type { SpoolCounters } from "./spool-stats.js";

/** A record read back by {@link Spool.read} or {@link Spool.replay}. */
export interface SpoolRecord {
  seq: number;
  audit: boolean;
  data: Buffer;
}

/**
 * A durable, bounded, acknowledged record log in one directory. Created by `openSpool()`.
 *
 * `append` only pushes to memory; a commit loop writes pending records as one group per
 * `flushMs` (or sooner past `groupBytes`) and, in the same loop, persists acks and deletes
 * fully acknowledged segments. Nothing here throws into the caller after open: I/O failures
 * move the spool to `failed`, after which `append` refuses and the caller keeps events in memory.
 */
export class Spool {
  readonly #o: ResolvedSpoolOptions;
  readonly #lock: DirLock;
  readonly #segments: SegmentState[];
  readonly #writer: SegmentWriter;
  readonly #c: SpoolCounters;
  readonly #onFailure: ((err: SpoolError) => void) | undefined;
  #nextSeq: number;
  #committedSeq: number;
  #pending: Pending[] = [];
  /** The group being written. */
  #inflight: Pending[] = [];
  #pendingBytes = 0;
  #inflightBytes = 0;
  #diskBytes: number;
  #ackDirty = false;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #syncTimer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #rerun = false;
  #failed: SpoolError | undefined;
  #closed = false;
  #done = false;
  #closing: Promise<void> | undefined;
  /** Records appended or found at open and not acknowledged (nor lost to a failure). */
  #unacked: number;
  /** No sequence number below this one is unacknowledged (a lower bound, advanced lazily). */
  #oldest: number;
  /** Where the last `read` stopped inside a segment, so that the next one continues without a seek. */
  #cursor: { seg: SegmentState; index: number; offset: number } | undefined;

  /** @internal use `openSpool()`. */
  constructor(init: { options: ResolvedSpoolOptions; lock: DirLock; backlog: SegmentState[]; nextSeq: number; counters: SpoolCounters }) {
    this.#o = init.options;
    this.#lock = init.lock;
    this.#segments = init.backlog;
    this.#nextSeq = init.nextSeq;
    this.#committedSeq = init.nextSeq - 1;
    this.#c = init.counters;
    this.#onFailure = init.options.onFailure;
    this.#diskBytes = init.backlog.reduce((sum, s) => sum + s.bytes, 0);
    this.#writer = new SegmentWriter(init.options.dir, init.options.sync, init.options.syncIntervalMs);
    this.#unacked = init.backlog.reduce((sum, s) => sum + s.live, 0);
    this.#oldest = init.backlog[0]?.baseSeq ?? init.nextSeq;
    // Backlog segments without a live record are deleted by the first commit.
    if (init.backlog.some((s) => s.live === 0)) this.#schedule();
  }

  /** Records appended (this run) or found at open (earlier runs) that are not acknowledged. */
  get unacked(): number {
    return this.#unacked;
  }

  /**
   * The lowest sequence number not acknowledged, from an earlier run or this one; undefined
   * when every record is. Amortised O(1): it only moves forward, over released records.
   */
  get oldestUnackedSeq(): number | undefined {
    if (this.#unacked <= 0) return undefined;
    let s = this.#oldest;
    while (s < this.#nextSeq) {
      const p = this.#unwritten(s);
      if (p) {
        if (!p.acked && !(p.seg && isAcked(p.seg, s - p.seg.baseSeq))) break;
        s++;
        continue;
      }
      const seg = findSegment(this.#segments, s);
      if (seg && !seg.gone && seg.live > 0 && s - seg.baseSeq <= seg.lastIndex) {
        if (!isAcked(seg, s - seg.baseSeq)) break;
        s++;
        continue;
      }
      s = this.#nextHolder(s);
    }
    this.#oldest = s;
    return s < this.#nextSeq ? s : undefined;
  }

  /** The next sequence number after `s` that may hold a record: a later segment's base or the first unwritten one. */
  #nextHolder(s: number): number {
    let next = this.#nextSeq;
    const first = this.#inflight[0]?.seq ?? this.#pending[0]?.seq;
    if (first !== undefined && first > s) next = first;
    let lo = 0;
    let hi = this.#segments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#segments[mid]!.baseSeq > s) hi = mid - 1;
      else lo = mid + 1;
    }
    for (let i = lo; i < this.#segments.length; i++) {
      const seg = this.#segments[i]!;
      if (seg.gone || seg.live === 0) continue;
      return Math.min(next, seg.baseSeq);
    }
    return next;
  }

  /** The I/O failure that stopped the spool, if any. */
  get failed(): SpoolError | undefined {
    return this.#failed;
  }

  /** Highest sequence number whose group is written (and synced, with `sync: "always"`). */
  get committedSeq(): number {
    return this.#committedSeq;
  }

  /**
   * Queues one record for the next group commit. Synchronous and O(1) in the spool size.
   * Returns its sequence number, or undefined when refused (full, too large, failed, closed),
   * each refusal counted in `stats().refused`. `data` must not be modified afterwards.
   */
  append(data: Uint8Array | string, audit: boolean): number | undefined {
    if (this.#closed) return this.#refuse("spool_closed", audit);
    if (this.#failed) return this.#refuse("spool_failed", audit);
    const n = typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
    if (n > this.#o.maxPayload) return this.#refuse("too_large", audit);
    const size = RECORD_HEADER_BYTES + n;
    const limit = audit ? this.#o.maxBytes : this.#o.maxBytes - this.#o.auditReserveBytes;
    if (this.#diskBytes + this.#pendingBytes + this.#inflightBytes + size > limit) return this.#refuse("spool_full", audit);
    const seq = this.#nextSeq++;
    this.#pending.push({ seq, audit, data, size, acked: false });
    this.#unacked++;
    this.#pendingBytes += size;
    this.#c.spooledRecords++;
    this.#c.spooledBytes += size;
    if (this.#pendingBytes >= this.#o.groupBytes) {
      // Commit soon, but never inside the caller's stack: encoding the group is O(group).
      this.#immediate ??= setImmediate(() => {
        this.#immediate = undefined;
        this.#kick();
      }).unref();
    } else {
      this.#schedule();
    }
    return seq;
  }

  /**
   * Releases a record: delivered (or deliberately given up). Acks may come in any order;
   * unknown and repeated sequence numbers are ignored. Progress reaches disk with the next
   * group commit, so a crash may replay records acked in the last `flushMs`.
   */
  ack(seq: number): void {
    if (this.#done || !Number.isSafeInteger(seq) || seq < 1 || seq >= this.#nextSeq) return;
    // Not yet encoded (pending, or later in the group being written): it is simply not written.
    const p = this.#unwritten(seq);
    if (p && !p.seg) {
      if (!p.acked) {
        p.acked = true;
        this.#c.ackedRecords++;
        this.#unacked--;
      }
      return;
    }
    const seg = p?.seg ?? findSegment(this.#segments, seq);
    if (!seg || seg.gone) return;
    const index = seq - seg.baseSeq;
    // Above lastIndex there is no record (e.g. acknowledged before its group was written).
    if (index > seg.lastIndex || !markAcked(seg, index)) return;
    this.#c.ackedRecords++;
    seg.live--;
    this.#unacked--;
    this.#ackDirty = true;
    this.#schedule();
  }

  #unwritten(seq: number): Pending | undefined {
    return at(this.#pending, seq) ?? at(this.#inflight, seq);
  }

  /** Writes everything appended so far and the ack progress; resolves when done (never rejects). */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#kick();
    await this.#running;
  }

  /**
   * Records left by earlier runs that are not acknowledged, per lane in append order, read
   * segment by segment through a bounded buffer. Damaged records are skipped and counted.
   * Records appended by this process are not included (the caller holds them already).
   */
  async *replay(): AsyncGenerator<SpoolRecord> {
    for (const seg of this.#segments.filter((s) => s.backlog)) {
      if (this.#closed) return;
      if (seg.gone) continue;
      let reader: SegmentReader;
      try {
        reader = await SegmentReader.open(seg.path, this.#o.maxPayload);
      } catch (err) {
        this.#o.logger?.warn(describeIoError("read segment", seg.path, err));
        continue;
      }
      try {
        for await (const r of reader.records()) {
          if (this.#closed) return;
          if (isAcked(seg, r.index)) continue;
          this.#c.replayedRecords++;
          yield { seq: seg.baseSeq + r.index, audit: r.audit, data: r.data };
        }
        this.#noteDamage(seg, reader);
      } catch (err) {
        this.#o.logger?.warn(describeIoError("read segment", seg.path, err));
      } finally {
        await reader.close();
      }
    }
  }

  /**
   * Unacknowledged records with `seq >= fromSeq`, in sequence order, from earlier runs'
   * segments and this run's (written, being written, or still pending in memory: those are
   * served from memory without forcing a commit), until their payload bytes would pass
   * `maxBytes`; at least one record when any exists. Reads only what it returns (plus at most
   * one seek mark's spacing, 64 KiB, per segment entered; a read continuing where the last
   * one stopped seeks exactly). Damaged records are skipped and counted.
   *
   * Never rejects: an I/O error moves the spool to `failed` and the records read so far are
   * returned; a failed or closed spool returns []. Safe to run alongside `append`, `ack` and
   * commits: a record acknowledged while the read is under way may still be returned, and
   * records appended meanwhile may or may not be. Returned `data` of a pending record may
   * share memory with the buffer given to `append`.
   */
  async read(fromSeq: number, maxBytes: number): Promise<SpoolRecord[]> {
    const out: SpoolRecord[] = [];
    if (this.#failed || this.#done) return out;
    const budget = { bytes: 0, max: Number.isFinite(maxBytes) ? maxBytes : Number.POSITIVE_INFINITY };
    let next = Number.isFinite(fromSeq) ? Math.max(1, Math.ceil(fromSeq)) : fromSeq > 0 ? this.#nextSeq : 1;
    try {
      for (;;) {
        if (this.#failed) return out;
        const upTo = this.#committedSeq;
        if (next <= upTo) {
          const stopped = await this.#readDisk(next, upTo, out, budget);
          if (stopped !== undefined) return out;
          next = upTo + 1;
          continue; // commits may have moved more records to disk meanwhile
        }
        // Synchronously: the group being written and the pending records continue exactly after committedSeq.
        for (const list of [this.#inflight, this.#pending]) {
          const first = list[0]?.seq;
          if (first === undefined) continue;
          for (let i = Math.max(0, next - first); i < list.length; i++) {
            const p = list[i]!;
            if (p.acked || (p.seg && isAcked(p.seg, p.seq - p.seg.baseSeq))) continue;
            const data =
              typeof p.data === "string" ? Buffer.from(p.data) : Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength);
            if (!this.#take(out, budget, { seq: p.seq, audit: p.audit, data })) return out;
          }
        }
        return out;
      }
    } catch (err) {
      this.#fail(
        err instanceof SpoolError
          ? err
          : new SpoolError("IW_SPOOL_IO", describeIoError("read from spool directory", this.#o.dir, err), { cause: err }),
      );
      return out;
    }
  }

  /** Adds a record unless the budget is spent (the first record always fits); false when full. */
  #take(out: SpoolRecord[], budget: { bytes: number; max: number }, r: SpoolRecord): boolean {
    if (out.length > 0 && budget.bytes + r.data.length > budget.max) return false;
    out.push(r);
    budget.bytes += r.data.length;
    return true;
  }

  /**
   * Reads records `next..upTo` (all written) from the segment files into `out`; returns the
   * sequence number it stopped before when the budget ran out, undefined when it got to `upTo`.
   */
  async #readDisk(next: number, upTo: number, out: SpoolRecord[], budget: { bytes: number; max: number }): Promise<number | undefined> {
    while (next <= upTo) {
      let seg = findSegment(this.#segments, next);
      if (!seg || seg.gone || seg.live === 0 || next - seg.baseSeq > seg.lastIndex) {
        next = this.#nextHolder(next);
        if (next > upTo) return undefined;
        seg = findSegment(this.#segments, next);
        if (!seg || seg.baseSeq !== next) return undefined; // nothing on disk up to upTo
      }
      const startIndex = next - seg.baseSeq;
      const endIndex = Math.min(seg.lastIndex, upTo - seg.baseSeq);
      let from = markBefore(seg, startIndex, SEGMENT_HEADER_BYTES);
      const c = this.#cursor;
      if (c && c.seg === seg && c.index <= startIndex && c.index >= from.index) from = c;
      const reader = await this.#openForRead(seg, from);
      if (reader) {
        try {
          for (let r = await reader.next(); r && r.index <= endIndex; r = await reader.next()) {
            addMark(seg, r.index, reader.recordOffset);
            if (r.index < startIndex || isAcked(seg, r.index)) continue;
            if (!this.#take(out, budget, { seq: seg.baseSeq + r.index, audit: r.audit, data: Buffer.from(r.data) })) {
              this.#cursor = { seg, index: r.index, offset: reader.recordOffset };
              return seg.baseSeq + r.index;
            }
          }
          if (reader.damaged > 0 && !seg.damageCounted) this.#noteDamage(seg, reader);
        } finally {
          await reader.close();
        }
      }
      next = seg.baseSeq + endIndex + 1;
    }
    return undefined;
  }

  /** Opens a segment for `read`; undefined when it was deleted meanwhile (all its records acknowledged). */
  async #openForRead(seg: SegmentState, from: { index: number; offset: number }): Promise<SegmentReader | undefined> {
    try {
      return await SegmentReader.open(seg.path, this.#o.maxPayload, { offset: from.offset, firstIndex: from.index, end: seg.bytes });
    } catch (err) {
      if (seg.gone && (err as { code?: string }).code === "ENOENT") return undefined;
      throw err;
    }
  }

  /** Counters and gauges; see {@link SpoolStats}. */
  stats(): SpoolStats {
    return this.#c.snapshot({
      pendingRecords: this.#pending.length,
      unackedRecords: this.#unacked,
      pendingBytes: this.#pendingBytes + this.#inflightBytes,
      diskBytes: this.#diskBytes,
      segments: this.#segments.length,
      committedSeq: this.#committedSeq,
      failed: this.#failed !== undefined,
    });
  }

  /** Commits what is pending, persists acks, closes files and releases the lock. Idempotent, never rejects. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      await this.flush();
      clearTimeout(this.#syncTimer);
      if (this.#immediate) clearImmediate(this.#immediate);
      try {
        if (!this.#failed) await this.#writer.close();
      } catch (err) {
        this.#fail(err);
      }
      await this.#writer.abandon();
      await this.#lock.release();
      this.#done = true;
    })();
    return this.#closing;
  }

  #refuse(reason: "spool_full" | "too_large" | "spool_failed" | "spool_closed", audit: boolean): undefined {
    this.#c.refused[reason]++;
    if (audit) this.#c.refusedAudit++;
    return undefined;
  }

  #schedule(): void {
    if (this.#timer || this.#failed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#kick();
    }, this.#o.flushMs).unref();
  }

  /** Starts the commit loop, or asks the running one for another pass. */
  #kick(): void {
    if (this.#running) {
      this.#rerun = true;
      return;
    }
    this.#running = (async () => {
      do {
        this.#rerun = false;
        try {
          await this.#commitOnce();
        } catch (err) {
          this.#fail(err);
        }
      } while (this.#rerun && !this.#failed);
      this.#running = undefined;
    })();
  }

  async #commitOnce(): Promise<void> {
    if (this.#failed) return;
    const group = this.#pending;
    if (group.length > 0) {
      this.#pending = [];
      this.#inflight = group;
      this.#inflightBytes = this.#pendingBytes;
      this.#pendingBytes = 0;
      await writeGroup(
        group,
        { writer: this.#writer, segments: this.#segments, dir: this.#o.dir, segmentBytes: this.#o.segmentBytes },
        (bytes) => {
          this.#diskBytes += bytes;
          this.#inflightBytes = Math.max(0, this.#inflightBytes - bytes);
        },
      );
      this.#inflight = [];
      this.#inflightBytes = 0;
      this.#committedSeq = group[group.length - 1]!.seq;
    }
    const syncIn = this.#writer.syncDueInMs();
    if (syncIn === 0) await this.#writer.syncNow();
    else if (syncIn !== undefined && !this.#syncTimer) {
      this.#syncTimer = setTimeout(() => {
        this.#syncTimer = undefined;
        this.#kick();
      }, syncIn).unref();
    }
    await this.#releaseSegments();
  }

  /** Persists ack progress, then deletes segments whose records are all acknowledged. */
  async #releaseSegments(): Promise<void> {
    let active = this.#writer.active;
    if (active && active.live === 0 && this.#diskBytes + this.#o.segmentBytes > this.#o.maxBytes - this.#o.auditReserveBytes) {
      // Near the limit, a fully acknowledged active segment is closed so that it can be
      // deleted; otherwise its bytes would stay counted until it filled up.
      await this.#writer.close();
      active = undefined;
    }
    const done = this.#segments.filter((s) => s.sealed && s !== active && !s.gone && s.live === 0);
    if (!this.#ackDirty && done.length === 0) return;
    this.#ackDirty = false;
    for (const s of done) s.gone = true;
    // Acks first, deletions second: a crash in between replays duplicates, never loses records.
    const entries: AckEntry[] = [];
    for (const s of this.#segments)
      if (!s.gone && s.anyAcked && s.nonce !== undefined) entries.push({ baseSeq: s.baseSeq, nonce: s.nonce, bits: s.bits });
    await writeAckFile(this.#o.dir, { nextSeq: this.#nextSeq, entries });
    for (const s of done) {
      await unlink(s.path).catch((err: { code?: string }) => {
        if (err.code !== "ENOENT") throw err;
      });
      this.#diskBytes -= s.bytes;
      this.#segments.splice(this.#segments.indexOf(s), 1);
    }
  }

  #noteDamage(seg: SegmentState, reader: SegmentReader): void {
    if (seg.damageCounted) return;
    seg.damageCounted = true;
    const lost = reader.damaged + (reader.tailDamageAt !== undefined ? 1 : 0);
    if (lost === 0) return;
    this.#c.damagedRecords += lost;
    this.#o.logger?.warn(`spool: skipped ${lost} damaged record(s) in ${seg.path}`, { segment: seg.path, damaged: lost });
  }

  #fail(err: unknown): void {
    if (this.#failed) return;
    this.#failed =
      err instanceof SpoolError
        ? err
        : new SpoolError("IW_SPOOL_IO", describeIoError("write to spool directory", this.#o.dir, err), { cause: err });
    this.#c.lostRecords += this.#pending.length + this.#inflight.length;
    for (const p of [...this.#inflight, ...this.#pending]) {
      if (p.acked || (p.seg && isAcked(p.seg, p.seq - p.seg.baseSeq))) continue;
      this.#unacked--;
      if (p.seg && markAcked(p.seg, p.seq - p.seg.baseSeq)) p.seg.live--;
    }
    this.#inflight = [];
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#inflightBytes = 0;
    clearTimeout(this.#timer);
    clearTimeout(this.#syncTimer);
    void this.#writer.abandon();
    try {
      this.#o.logger?.error(this.#failed.message, { code: this.#failed.code, errno: this.#failed.errno });
      this.#onFailure?.(this.#failed);
    } catch {
      // a throwing logger or callback must not become an unhandled rejection of the commit loop
    }
  }
}

/** The entry for `seq` in a list of consecutive sequence numbers. */
function at(list: readonly Pending[], seq: number): Pending | undefined {
  const first = list[0]?.seq;
  return first !== undefined && seq >= first ? list[seq - first] : undefined;
}
