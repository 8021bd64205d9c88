import { randomFillSync } from "node:crypto";

/** The two ASCII hex digits of every byte value. */
const HEX = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  const h = i.toString(16).padStart(2, "0");
  HEX[i * 2] = h.charCodeAt(0);
  HEX[i * 2 + 1] = h.charCodeAt(1);
}
/** The text of the id being built: 36 ASCII characters, the dashes in place. */
const text = Buffer.alloc(36, "-");
const pool = new Uint8Array(16 * 256);
let poolOffset = pool.length;
let lastMs = -1;
let seq = 0;

/**
 * A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Within one millisecond a
 * 12-bit counter in `rand_a` keeps ids from this process monotonic, so they sort by creation.
 * Random bytes come from a pooled `randomFillSync` to keep the per-event cost low.
 */
export function uuidv7(now: number = Date.now()): string {
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const b = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  if (now <= lastMs) {
    seq = (seq + 1) & 0xfff;
    if (seq === 0) lastMs += 1;
    now = lastMs;
  } else {
    lastMs = now;
    seq = ((b[6]! & 0x07) << 8) | b[7]!; // start low in the counter space to leave room
  }
  b[0] = (now / 2 ** 40) & 0xff;
  b[1] = (now / 2 ** 32) & 0xff;
  b[2] = (now >>> 24) & 0xff;
  b[3] = (now >>> 16) & 0xff;
  b[4] = (now >>> 8) & 0xff;
  b[5] = now & 0xff;
  b[6] = 0x70 | ((seq >>> 8) & 0x0f);
  b[7] = seq & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  // One flat string decoded from bytes: a string built by `+=` is a tree of ~20 cons cells that
  // outlives the event in every queue holding it (several times the memory, and GC work).
  let j = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) j++;
    const x = b[i]! * 2;
    text[j++] = HEX[x]!;
    text[j++] = HEX[x + 1]!;
  }
  return text.toString("latin1", 0, 36);
}
