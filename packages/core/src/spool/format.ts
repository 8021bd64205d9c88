import { crc32 } from "node:zlib";

/*
 * On-disk layout of one segment file (all integers little-endian), described in
 * docs/spool-format.md:
 *
 *   header (24 bytes): "IWSP" | u8 version | u8 0 | u16 0 | u64 baseSeq | u32 nonce | u32 crc32(bytes 0..19)
 *   record (13 + n):   u32 n | u32 crc32(bytes 8..13+n) | u8 flags | u32 index | n bytes payload
 *
 * A record's sequence number is `baseSeq + index`. Storing the index makes every record
 * self-describing, so a reader can resynchronise after a damaged length field and knows how
 * many records a damaged stretch held.
 */

export const SEGMENT_MAGIC = 0x50535749; // "IWSP" read as u32 LE
export const SEGMENT_VERSION = 1;
export const SEGMENT_HEADER_BYTES = 24;
export const RECORD_HEADER_BYTES = 13;
export const FLAG_AUDIT = 1;
const KNOWN_FLAGS = FLAG_AUDIT;

/** Segment file name: the base sequence number, zero-padded so names sort in sequence order. */
export function segmentFileName(baseSeq: number): string {
  return `${String(baseSeq).padStart(16, "0")}.seg`;
}

/** The base sequence number a segment file name encodes, or undefined for other files. */
export function parseSegmentFileName(name: string): number | undefined {
  const m = /^(\d{16})\.seg$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export interface SegmentHeader {
  version: number;
  baseSeq: number;
  nonce: number;
}

export function encodeSegmentHeader(target: Buffer, offset: number, baseSeq: number, nonce: number): void {
  target.writeUInt32LE(SEGMENT_MAGIC, offset);
  target.writeUInt8(SEGMENT_VERSION, offset + 4);
  target.fill(0, offset + 5, offset + 8);
  target.writeBigUInt64LE(BigInt(baseSeq), offset + 8);
  target.writeUInt32LE(nonce >>> 0, offset + 16);
  target.writeUInt32LE(crc32(target.subarray(offset, offset + 20)), offset + 20);
}

/** "bad" for a damaged header (caller falls back to the file name); "short" when truncated. */
export function decodeSegmentHeader(buf: Buffer): SegmentHeader | "short" | "bad" {
  if (buf.length < SEGMENT_HEADER_BYTES) return "short";
  if (buf.readUInt32LE(0) !== SEGMENT_MAGIC) return "bad";
  if (buf.readUInt32LE(20) !== crc32(buf.subarray(0, 20))) return "bad";
  return { version: buf.readUInt8(4), baseSeq: Number(buf.readBigUInt64LE(8)), nonce: buf.readUInt32LE(16) };
}

/** Writes one record at `offset`; returns the offset after it. */
export function encodeRecord(target: Buffer, offset: number, index: number, audit: boolean, data: Uint8Array | string): number {
  const payloadAt = offset + RECORD_HEADER_BYTES;
  const n = typeof data === "string" ? target.write(data, payloadAt, "utf8") : (target.set(data, payloadAt), data.byteLength);
  target.writeUInt32LE(n, offset);
  target.writeUInt8(audit ? FLAG_AUDIT : 0, offset + 8);
  target.writeUInt32LE(index, offset + 9);
  target.writeUInt32LE(crc32(target.subarray(offset + 8, payloadAt + n)), offset + 4);
  return payloadAt + n;
}

/**
 * Cheap check that a record header could start at `offset`, before paying for a checksum:
 * used both for normal parsing and to resynchronise after damage.
 */
export function plausibleRecord(buf: Buffer, offset: number, minIndex: number, maxPayload: number): boolean {
  if (offset + RECORD_HEADER_BYTES > buf.length) return false;
  const n = buf.readUInt32LE(offset);
  const flags = buf.readUInt8(offset + 8);
  const index = buf.readUInt32LE(offset + 9);
  return n <= maxPayload && (flags & ~KNOWN_FLAGS) === 0 && index >= minIndex && index - minIndex < 0x1000000;
}

export function recordChecksumOk(buf: Buffer, offset: number): boolean {
  const n = buf.readUInt32LE(offset);
  const end = offset + RECORD_HEADER_BYTES + n;
  return end <= buf.length && buf.readUInt32LE(offset + 4) === crc32(buf.subarray(offset + 8, end));
}
