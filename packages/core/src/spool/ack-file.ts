import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { crc32 } from "node:zlib";

/*
 * The `acks` sidecar: which records of partially acknowledged segments are done, so a restart
 * does not replay them. Replaced atomically (write `acks.tmp`, rename) and never fsynced: losing
 * it, or finding it damaged, only means replaying acknowledged records again (at-least-once),
 * never losing one. Little-endian:
 *
 *   "IWAK" | u8 version | 3 x u8 0 | u64 nextSeq | u32 entries
 *   entries x (u64 baseSeq | u32 nonce | u32 bitmapBytes | bitmap: bit i set = record baseSeq+i acked)
 *   u32 crc32 of everything before
 *
 * `nextSeq` keeps sequence numbers from ever being reused, even after every segment is gone;
 * an entry applies only to the segment with the same base sequence number AND nonce.
 */

const ACK_MAGIC = 0x4b415749; // "IWAK" read as u32 LE
const ACK_VERSION = 1;
export const ACK_FILE = "acks";

export interface AckEntry {
  baseSeq: number;
  nonce: number;
  bits: Uint8Array;
}

export interface AckFile {
  nextSeq: number;
  entries: AckEntry[];
}

export function encodeAckFile(file: AckFile): Buffer {
  let size = 20 + 4;
  for (const e of file.entries) size += 16 + e.bits.byteLength;
  const buf = Buffer.alloc(size);
  buf.writeUInt32LE(ACK_MAGIC, 0);
  buf.writeUInt8(ACK_VERSION, 4);
  buf.writeBigUInt64LE(BigInt(file.nextSeq), 8);
  buf.writeUInt32LE(file.entries.length, 16);
  let at = 20;
  for (const e of file.entries) {
    buf.writeBigUInt64LE(BigInt(e.baseSeq), at);
    buf.writeUInt32LE(e.nonce >>> 0, at + 8);
    buf.writeUInt32LE(e.bits.byteLength, at + 12);
    buf.set(e.bits, at + 16);
    at += 16 + e.bits.byteLength;
  }
  buf.writeUInt32LE(crc32(buf.subarray(0, at)), at);
  return buf;
}

/** The decoded file, or undefined when it is damaged or of another version. */
export function decodeAckFile(buf: Buffer): AckFile | undefined {
  if (buf.length < 24 || buf.readUInt32LE(0) !== ACK_MAGIC || buf.readUInt8(4) !== ACK_VERSION) return undefined;
  if (buf.readUInt32LE(buf.length - 4) !== crc32(buf.subarray(0, buf.length - 4))) return undefined;
  const entries: AckEntry[] = [];
  const count = buf.readUInt32LE(16);
  let at = 20;
  for (let i = 0; i < count; i++) {
    if (at + 16 > buf.length - 4) return undefined;
    const n = buf.readUInt32LE(at + 12);
    if (at + 16 + n > buf.length - 4) return undefined;
    entries.push({
      baseSeq: Number(buf.readBigUInt64LE(at)),
      nonce: buf.readUInt32LE(at + 8),
      bits: Uint8Array.from(buf.subarray(at + 16, at + 16 + n)),
    });
    at += 16 + n;
  }
  return { nextSeq: Number(buf.readBigUInt64LE(8)), entries };
}

/** Reads the sidecar; "missing" when absent, "damaged" when present but unusable. */
export async function readAckFile(dir: string): Promise<AckFile | "missing" | "damaged"> {
  try {
    return decodeAckFile(await readFile(join(dir, ACK_FILE))) ?? "damaged";
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return "missing";
    throw err;
  }
}

export async function writeAckFile(dir: string, file: AckFile): Promise<void> {
  const tmp = join(dir, `${ACK_FILE}.tmp`);
  await writeFile(tmp, encodeAckFile(file));
  await rename(tmp, join(dir, ACK_FILE));
}
