import { decode } from "@msgpack/msgpack";

/**
 * The most bytes one server reply may take. An ack is `{ack: <24 base64 chars>}` (about 30
 * bytes); HELO (nonce, auth salt, keepalive) and PONG (reason, hostname, 128 hex digest) a few
 * hundred. Anything larger is not the forward protocol, and buffering it is how a hostile server
 * makes a client burn CPU and memory.
 */
export const MAX_REPLY_BYTES = 4096;

/** What `scanReply` found at the start of the buffer. */
export type ReplyScan =
  { readonly kind: "complete"; readonly end: number } | { readonly kind: "partial" } | { readonly kind: "invalid"; readonly why: string };

const PARTIAL: ReplyScan = { kind: "partial" };

/**
 * Finds where the first msgpack value of `bytes` ends without decoding it, refusing any declared
 * length or element count above `maxBytes` (no reply can hold it) from its header alone. Linear
 * in the bytes scanned and allocation-free, so a reply arriving byte by byte costs little.
 */
export function scanReply(bytes: Uint8Array, maxBytes = MAX_REPLY_BYTES): ReplyScan {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  let pending = 1;
  while (pending > 0) {
    if (at >= bytes.length) return PARTIAL;
    const type = bytes[at] as number;
    let header = 1;
    let length = 0;
    let items = 0;
    if (type <= 0x7f || type >= 0xe0 || type === 0xc0 || type === 0xc2 || type === 0xc3) length = 0;
    else if (type <= 0x8f) items = (type & 0x0f) * 2;
    else if (type <= 0x9f) items = type & 0x0f;
    else if (type <= 0xbf) length = type & 0x1f;
    else {
      const size = FIXED[type];
      if (size === undefined) return { kind: "invalid", why: "bytes that are not msgpack" };
      header = 1 + size.header;
      if (at + header > bytes.length) return PARTIAL;
      const declared =
        size.header === 0
          ? 0
          : size.header === 1
            ? view.getUint8(at + 1)
            : size.header === 2
              ? view.getUint16(at + 1)
              : view.getUint32(at + 1);
      if (size.kind === "fixed") length = size.length;
      else if (size.kind === "bytes") length = declared + size.extra;
      else items = declared * size.per;
      if (length > maxBytes || items > maxBytes) return { kind: "invalid", why: "a length or count past the cap in a reply header" };
    }
    at += header + length;
    pending += items - 1;
    if (pending > maxBytes) return { kind: "invalid", why: "a length or count past the cap in a reply header" };
  }
  return at > bytes.length ? PARTIAL : { kind: "complete", end: at };
}

type Size =
  | { readonly kind: "fixed"; readonly header: 0; readonly length: number }
  | { readonly kind: "bytes"; readonly header: 1 | 2 | 4; readonly extra: number }
  | { readonly kind: "items"; readonly header: 2 | 4; readonly per: 1 | 2 };

/** Types 0xc4–0xdf: header bytes after the type byte, and what they declare. */
const FIXED: Partial<Record<number, Size>> = {
  0xc4: { kind: "bytes", header: 1, extra: 0 },
  0xc5: { kind: "bytes", header: 2, extra: 0 },
  0xc6: { kind: "bytes", header: 4, extra: 0 },
  // ext 8/16/32: the length excludes the type byte that follows it.
  0xc7: { kind: "bytes", header: 1, extra: 1 },
  0xc8: { kind: "bytes", header: 2, extra: 1 },
  0xc9: { kind: "bytes", header: 4, extra: 1 },
  0xca: { kind: "fixed", header: 0, length: 4 },
  0xcb: { kind: "fixed", header: 0, length: 8 },
  0xcc: { kind: "fixed", header: 0, length: 1 },
  0xcd: { kind: "fixed", header: 0, length: 2 },
  0xce: { kind: "fixed", header: 0, length: 4 },
  0xcf: { kind: "fixed", header: 0, length: 8 },
  0xd0: { kind: "fixed", header: 0, length: 1 },
  0xd1: { kind: "fixed", header: 0, length: 2 },
  0xd2: { kind: "fixed", header: 0, length: 4 },
  0xd3: { kind: "fixed", header: 0, length: 8 },
  0xd4: { kind: "fixed", header: 0, length: 2 },
  0xd5: { kind: "fixed", header: 0, length: 3 },
  0xd6: { kind: "fixed", header: 0, length: 5 },
  0xd7: { kind: "fixed", header: 0, length: 9 },
  0xd8: { kind: "fixed", header: 0, length: 17 },
  0xd9: { kind: "bytes", header: 1, extra: 0 },
  0xda: { kind: "bytes", header: 2, extra: 0 },
  0xdb: { kind: "bytes", header: 4, extra: 0 },
  0xdc: { kind: "items", header: 2, per: 1 },
  0xdd: { kind: "items", header: 4, per: 1 },
  0xde: { kind: "items", header: 2, per: 2 },
  0xdf: { kind: "items", header: 4, per: 2 },
};

/** Why a reply stream was refused (the connection is dropped). */
export class ReplyError extends Error {}

/**
 * Splits the bytes a server sends into replies, each at most `maxBytes`. Bytes stay buffered
 * only while they can still become a reply; a declared length over the cap, a reply that does
 * not fit, or bytes that are not msgpack throw `ReplyError` at once. Strings are decoded as raw
 * bytes (`rawStrings`): Fluent Bit's HELO salts are str holding non-UTF-8 bytes.
 */
export class ReplyReader {
  readonly #maxBytes: number;
  #buffer: Uint8Array = new Uint8Array(0);

  constructor(maxBytes = MAX_REPLY_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** Bytes received and not yet part of a complete reply. */
  get buffered(): number {
    return this.#buffer.length;
  }

  push(chunk: Uint8Array): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
  }

  /** The next complete reply, or `undefined` when more bytes are needed. */
  next(): unknown {
    if (this.#buffer.length === 0) return undefined;
    const scan = scanReply(this.#buffer, this.#maxBytes);
    if (scan.kind === "invalid") throw new ReplyError(scan.why);
    if (scan.kind === "partial") {
      if (this.#buffer.length > this.#maxBytes) throw new ReplyError("a reply longer than the cap");
      return undefined;
    }
    const bytes = this.#buffer.subarray(0, scan.end);
    this.#buffer = this.#buffer.subarray(scan.end);
    const max = this.#maxBytes;
    try {
      return decode(bytes, {
        rawStrings: true,
        maxStrLength: max,
        maxBinLength: max,
        maxArrayLength: max,
        maxMapLength: max,
        maxExtLength: max,
      });
    } catch {
      throw new ReplyError("an undecodable reply");
    }
  }
}
