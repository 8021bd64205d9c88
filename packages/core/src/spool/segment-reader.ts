import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import type { SegmentHeader } from "./format.js";
import { FLAG_AUDIT, RECORD_HEADER_BYTES, SEGMENT_HEADER_BYTES, decodeSegmentHeader, plausibleRecord, recordChecksumOk } from "./format.js";

/** One record as read back: its index in the segment (seq = baseSeq + index). */
export interface SegmentRecord {
  index: number;
  audit: boolean;
  data: Buffer;
}

const CHUNK_BYTES = 1024 * 1024;

/** Where to start reading (a record boundary, e.g. a seek mark) and where to stop. */
export interface ReadRange {
  /** File offset of a record; its index is at least `firstIndex`. */
  offset: number;
  firstIndex: number;
  /** File size to read up to (bytes after it are ignored, e.g. a write under way). */
  end?: number;
}

/**
 * Reads a segment front to back through one buffer of 1 MiB (grown only to hold a larger
 * record), so memory does not depend on the segment or backlog size. Damage is skipped by
 * resynchronising on the next record whose header is plausible and whose checksum matches.
 */
export class SegmentReader {
  /** The decoded header, or "bad"/"short" when it is damaged or truncated. */
  header: SegmentHeader | "bad" | "short" = "short";
  /**
   * Records lost to damage between valid records: the index gap across each damaged stretch
   * (at least 1). An upper bound: records acknowledged before their group was written leave
   * index gaps too.
   */
  damaged = 0;
  /** File offset where unreadable bytes run to the end (a torn tail), if any. */
  tailDamageAt: number | undefined;
  /** File offset just after the last valid record. */
  validEnd = SEGMENT_HEADER_BYTES;
  lastIndex = -1;
  /** File offset of the record last returned by `next()`. */
  recordOffset = 0;

  readonly #handle: FileHandle;
  readonly #maxPayload: number;
  #buf: Buffer;
  #bufPos = 0; // file offset of #buf[0]
  #len = 0;
  #at = 0;
  #eof = false;
  #end = Number.POSITIVE_INFINITY;

  private constructor(handle: FileHandle, maxPayload: number) {
    this.#handle = handle;
    this.#maxPayload = maxPayload;
    this.#buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, maxPayload + RECORD_HEADER_BYTES));
  }

  /**
   * Opens a segment and reads its header. With `range`, reading starts at `range.offset`
   * instead of the first record (the header is still checked) and stops at `range.end`.
   */
  static async open(path: string, maxPayload: number, range?: ReadRange): Promise<SegmentReader> {
    const reader = new SegmentReader(await open(path, "r"), maxPayload);
    try {
      if (range?.end !== undefined) reader.#end = range.end;
      await reader.#ensure(SEGMENT_HEADER_BYTES);
      reader.header = decodeSegmentHeader(reader.#buf.subarray(0, reader.#len));
      reader.#at = Math.min(SEGMENT_HEADER_BYTES, reader.#len);
      if (range && range.offset > SEGMENT_HEADER_BYTES && reader.header !== "short") {
        reader.#bufPos = range.offset;
        reader.#len = 0;
        reader.#at = 0;
        reader.#eof = range.offset >= reader.#end;
        reader.lastIndex = range.firstIndex - 1;
        reader.validEnd = range.offset;
      } else if (range) {
        reader.lastIndex = range.firstIndex - 1;
      }
    } catch (err) {
      await reader.close();
      throw err;
    }
    return reader;
  }

  async close(): Promise<void> {
    await this.#handle.close().catch(() => undefined);
  }

  /** Valid records in file order (payloads copied); damage is counted in `damaged` / `tailDamageAt`. */
  async *records(): AsyncGenerator<SegmentRecord> {
    for (;;) {
      const r = await this.next();
      if (!r) return;
      yield { index: r.index, audit: r.audit, data: Buffer.from(r.data) };
    }
  }

  /**
   * The next valid record, or undefined at the end. Its `data` is a view into the read buffer,
   * valid only until the next call (copy it to keep it).
   */
  async next(): Promise<SegmentRecord | undefined> {
    if (this.header === "short") {
      if (this.#len > 0) this.tailDamageAt = 0;
      this.validEnd = 0;
      return undefined;
    }
    if (!(await this.#nextValid())) return undefined;
    const buf = this.#buf;
    const at = this.#at;
    const n = buf.readUInt32LE(at);
    const index = buf.readUInt32LE(at + 9);
    this.recordOffset = this.#bufPos + at;
    this.#at = at + RECORD_HEADER_BYTES + n;
    this.validEnd = this.#bufPos + this.#at;
    this.lastIndex = index;
    return {
      index,
      audit: (buf.readUInt8(at + 8) & FLAG_AUDIT) !== 0,
      data: buf.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + n),
    };
  }

  /** Positions #at on the next valid record; false at the end of the file. */
  async #nextValid(): Promise<boolean> {
    if (await this.#validHere()) return true;
    if (!(await this.#ensure(1))) return false; // clean end
    const badAt = this.#bufPos + this.#at;
    for (this.#at++; ; this.#at++) {
      // Synchronous fast path: most offsets fail the plausibility test without any I/O.
      if (this.#at + RECORD_HEADER_BYTES > this.#len && !(await this.#ensure(RECORD_HEADER_BYTES))) break;
      if (!plausibleRecord(this.#buf, this.#at, this.lastIndex + 1, this.#maxPayload)) continue;
      if (await this.#validHere()) {
        this.damaged += Math.max(1, this.#buf.readUInt32LE(this.#at + 9) - (this.lastIndex + 1));
        return true;
      }
    }
    this.tailDamageAt = badAt;
    return false;
  }

  async #validHere(): Promise<boolean> {
    if (!(await this.#ensure(RECORD_HEADER_BYTES))) return false;
    if (!plausibleRecord(this.#buf, this.#at, this.lastIndex + 1, this.#maxPayload)) return false;
    const n = this.#buf.readUInt32LE(this.#at);
    return (await this.#ensure(RECORD_HEADER_BYTES + n)) && recordChecksumOk(this.#buf, this.#at);
  }

  /** Makes `n` bytes from #at available in #buf; false when the file ends first. */
  async #ensure(n: number): Promise<boolean> {
    while (this.#at + n > this.#len) {
      if (this.#eof) return false;
      if (this.#at > 0) {
        this.#buf.copy(this.#buf, 0, this.#at, this.#len);
        this.#bufPos += this.#at;
        this.#len -= this.#at;
        this.#at = 0;
      }
      if (n > this.#buf.length) {
        const grown = Buffer.allocUnsafe(n);
        this.#buf.copy(grown, 0, 0, this.#len);
        this.#buf = grown;
      }
      const want = Math.min(this.#buf.length - this.#len, this.#end - (this.#bufPos + this.#len));
      const { bytesRead } = want > 0 ? await this.#handle.read(this.#buf, this.#len, want, this.#bufPos + this.#len) : { bytesRead: 0 };
      if (bytesRead === 0) this.#eof = true;
      this.#len += bytesRead;
    }
    return true;
  }
}
