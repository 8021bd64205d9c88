import type { IwEvent } from "@iw/core";
import type { SyslogEncoder } from "./encoder.js";
import type { SyslogFraming } from "./options.js";

/** What `SyslogSink.prepare` builds once per batch and every attempt writes. */
export interface SyslogPayload {
  /** TCP/TLS: every message framed, in one buffer. UDP: one buffer per datagram. */
  readonly data: Uint8Array | readonly Uint8Array[];
  /** Messages shortened to fit the size limit (counted `truncated` once delivered). */
  readonly truncated: number;
}

/** A payload and what happened to the events that could not be encoded. */
export interface BuiltPayload {
  readonly payload: SyslogPayload;
  /** The events the payload carries, when some were left out. */
  readonly events: readonly IwEvent[] | undefined;
  readonly malformed: number;
  readonly firstError: unknown;
}

/**
 * Events encoded per turn of the event loop: a 500-event batch is about a millisecond of
 * formatting, and the host's requests run between slices instead of waiting for all of it.
 */
export const ENCODE_SLICE = 100;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Encodes and frames a batch: octet counting (`LEN SP MSG`, RFC 6587 §3.4.1) or a trailing LF
 * (non-transparent, §3.4.2) on streams, one datagram per message over UDP (`framing`
 * undefined). An event the encoder throws on (a BigInt, a cycle in `details`) is left out.
 */
export async function buildPayload(
  batch: readonly IwEvent[],
  encoder: SyslogEncoder,
  framing: SyslogFraming | undefined,
  signal?: AbortSignal,
): Promise<BuiltPayload> {
  const texts: string[] = [];
  const sizes: number[] = [];
  const kept: IwEvent[] = [];
  let truncated = 0;
  let malformed = 0;
  let firstError: unknown;
  for (let i = 0; i < batch.length; i++) {
    if (i > 0 && i % ENCODE_SLICE === 0) {
      await nextTurn();
      signal?.throwIfAborted();
    }
    const event = batch[i]!;
    try {
      const fitted = encoder.encode(event);
      texts.push(fitted.text);
      sizes.push(fitted.bytes);
      kept.push(event);
      if (fitted.truncated) truncated++;
    } catch (err) {
      malformed++;
      firstError ??= err;
    }
  }
  let data: Buffer | Buffer[];
  if (framing === undefined) data = texts.map((t) => Buffer.from(t, "utf8"));
  else if (framing === "octet-counting") data = Buffer.from(texts.map((t, i) => `${sizes[i]!} ${t}`).join(""), "utf8");
  else data = Buffer.from(texts.map((t) => `${t}\n`).join(""), "utf8");
  return { payload: { data, truncated }, events: malformed > 0 ? kept : undefined, malformed, firstError };
}
