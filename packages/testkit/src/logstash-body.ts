import type { IncomingMessage } from "node:http";
import { gunzip, inflate, inflateRaw } from "node:zlib";

/** How reading a request body ended. */
export type BodyResult = { readonly kind: "ok"; readonly raw: Buffer } | { readonly kind: "too_large" } | { readonly kind: "aborted" };

/**
 * Reads a request body, counting bytes into `onBytes`, and stops at `limit` bytes (the answer
 * is then 413 and the connection is closed, like Netty's HttpObjectAggregator).
 */
export function readBody(req: IncomingMessage, limit: number, onBytes: (n: number) => void): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const finish = (result: BodyResult): void => {
      if (done) return;
      done = true;
      req.off("data", onData);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      onBytes(chunk.length);
      if (total > limit) return finish({ kind: "too_large" });
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => finish({ kind: "ok", raw: Buffer.concat(chunks) }));
    req.once("close", () => finish(req.complete ? { kind: "ok", raw: Buffer.concat(chunks) } : { kind: "aborted" }));
  });
}

/** How inflating a body ended: 400 for a body that does not inflate, 413 when it grows too big. */
export type InflateResult =
  { readonly kind: "ok"; readonly body: Buffer } | { readonly kind: "bad"; readonly message: string } | { readonly kind: "too_large" };

/**
 * Undoes `Content-Encoding` like Netty's HttpContentDecompressor: `gzip`/`x-gzip`, and
 * `deflate`/`x-deflate` (zlib-wrapped or raw). Other encodings pass through untouched, as
 * Netty leaves them. `limit` caps the inflated size.
 */
export function inflateBody(raw: Buffer, encoding: string | undefined, limit: number): Promise<InflateResult> {
  const name = encoding?.trim().toLowerCase();
  if (name === "gzip" || name === "x-gzip") return run(gunzip, raw, limit);
  if (name === "deflate" || name === "x-deflate") {
    const zlibWrapped = raw.length >= 2 && (raw[0]! & 0x0f) === 8 && ((raw[0]! << 8) | raw[1]!) % 31 === 0;
    return run(zlibWrapped ? inflate : inflateRaw, raw, limit);
  }
  return Promise.resolve({ kind: "ok", body: raw });
}

type ZlibFn = (buf: Buffer, options: { maxOutputLength: number }, cb: (err: Error | null, out: Buffer) => void) => void;

function run(fn: ZlibFn, raw: Buffer, limit: number): Promise<InflateResult> {
  return new Promise((resolve) => {
    fn(raw, { maxOutputLength: Math.max(1, limit) }, (err, out) => {
      if (!err) return resolve({ kind: "ok", body: out });
      if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") return resolve({ kind: "too_large" });
      resolve({ kind: "bad", message: `Decompression failed: ${err.message}` });
    });
  });
}
