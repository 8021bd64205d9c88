import { gzipSync } from "node:zlib";
// "msgpackr/pack" is the encoder without the native string extractor that "msgpackr" loads (for
// decoding) at import. Its typings re-export from "." , which typescript-eslint cannot follow:
// the class is typed from the main entry point.
import * as packModule from "msgpackr/pack";
import type { Options as PackrOptions, Packr as PackrClass } from "msgpackr";

const Packr = (packModule as unknown as { Packr: typeof PackrClass }).Packr;
import type { IwEvent } from "@iw/core";
import { chunkIdFor } from "./chunk-id.js";
import { EVENT_TIME_EXT_TYPE, eventTimeFromIso } from "./event-time.js";
import { datesAsJson, groupByTag, recordMapper, wellFormed, type FluentdFormat } from "./records.js";

/** One forward-protocol message ready for the socket. */
export interface ForwardMessage {
  readonly tag: string;
  /** The `chunk` option (ack id), or `undefined` when acks are off. */
  readonly chunk: string | undefined;
  readonly size: number;
  readonly bytes: Uint8Array;
}

/**
 * One tag of a batch, packed once (`ForwardEncoder.pack`): the expensive part of a message.
 * Every attempt frames these same bytes (`ForwardEncoder.frame`), so a retry never re-encodes.
 */
export interface PackedTag {
  readonly tag: string;
  /** Events in `entries`: the `size` option. */
  readonly size: number;
  /** The `chunk` option for this tag of this batch, derived from the batch id: the same on every attempt. */
  readonly chunk: string;
  /** The msgpack stream of `[EventTime, record]` entries (gzip-compressed with the `gzip` option): the message's bin. */
  readonly entries: Uint8Array;
}

/** A message as the socket writes it: the head (`[tag, bin` header), the shared entries, the option map. */
export interface ForwardFrame {
  /** The `chunk` option (ack id), or `undefined` when this attempt does not ask for an ack. */
  readonly chunk: string | undefined;
  readonly parts: readonly Uint8Array[];
}

/** How to encode. */
export interface ForwardEncoderOptions {
  /** Base tag; `.scan` / `.audit` are appended. */
  readonly tag: string;
  /** Send the `chunk` option and expect an ack. */
  readonly ack: boolean;
  /** CompressedPackedForward (`compressed: "gzip"`). */
  readonly gzip: boolean;
  /** Record layout. @default "iw" */
  readonly format?: FluentdFormat;
}

/**
 * msgpackr, plain maps (`useRecords: false`: no record extension Fluentd cannot read). Undefined
 * must never reach the wire as msgpackr's default `d4 00 00`: that is a 1-byte ext of type 0,
 * which Fluentd would read as a broken EventTime. Undefined fields are skipped (as JSON does),
 * undefined array items are nil. `skipValues` exists in msgpackr but not in its typings.
 */
const PACKR_OPTIONS: PackrOptions & { skipValues: unknown[] } = {
  useRecords: false,
  // Sets, Errors and RegExps as plain arrays, never as msgpackr's own ext types (Fluentd would fail the chunk).
  moreTypes: false,
  encodeUndefinedAsNil: true,
  skipValues: [undefined],
};

/** `[` fixarray of 2 `, ` fixext 8 of EventTime's ext type: the 3 bytes that open every entry. */
const ENTRY_HEAD = [0x92, 0xd7, EVENT_TIME_EXT_TYPE] as const;
/** Bytes of one entry besides its record: the head above, then seconds and nanoseconds. */
const ENTRY_OVERHEAD = 11;

/**
 * Events packed between two yields to the event loop in `encodeSliced`: a large batch is never
 * one long blocking slice of the host's event loop.
 */
export const ENCODE_SLICE = 100;

/** The entries of one tag, as slices of the msgpack stream. */
interface Entries {
  readonly parts: Buffer[];
  readonly length: number;
}

/**
 * Encodes a batch as one PackedForward (or CompressedPackedForward) message per tag:
 * `[tag, bin(<[EventTime, record]>*), {size, chunk?, compressed?}]`.
 *
 * Records are packed one by one with msgpackr (faster than @msgpack/msgpack on these records:
 * see bench/encode.mjs); the entry framing and the EventTime (fixext 8 of type 0, big-endian
 * uint32 seconds and nanoseconds) are written by hand, so no msgpackr extension is registered:
 * msgpackr's `addExtension` is process-global and refuses type 0.
 */
export class ForwardEncoder {
  readonly #options: ForwardEncoderOptions;
  readonly #packr = new Packr(PACKR_OPTIONS);
  readonly #record: (event: IwEvent) => object;

  constructor(options: ForwardEncoderOptions) {
    this.#options = options;
    const map = recordMapper(options.format);
    this.#record = (event) => datesAsJson(map(event));
  }

  /**
   * Whether `event` can be packed (a cycle, a BigInt past 64 bits or a Symbol cannot): lets the
   * sink leave out just the events that made a batch fail to encode.
   */
  canEncode(event: IwEvent): boolean {
    try {
      this.#pack(event);
      return true;
    } catch {
      return false;
    }
  }

  /** Encodes the whole batch in one go; `ack` overrides the option for this batch. */
  encode(batch: readonly IwEvent[], batchId: string, ack = this.#options.ack): ForwardMessage[] {
    return this.pack(batch, batchId).map((packed) => this.#message(packed, ack));
  }

  /**
   * Same bytes as `encode`, yielding to the event loop every `ENCODE_SLICE` events so that
   * the host's requests run between slices. Stops early (rejecting) once `signal` is aborted.
   */
  async encodeSliced(batch: readonly IwEvent[], batchId: string, signal?: AbortSignal, ack = this.#options.ack): Promise<ForwardMessage[]> {
    return (await this.packSliced(batch, batchId, signal)).map((packed) => this.#message(packed, ack));
  }

  /** Packs each tag's entries in one go (see `packSliced`). */
  pack(batch: readonly IwEvent[], batchId: string): PackedTag[] {
    const steps = this.#steps(batch, batchId);
    for (;;) {
      const step = steps.next();
      if (step.done === true) return step.value;
    }
  }

  /**
   * Packs each tag's entries once per batch, yielding to the event loop every `ENCODE_SLICE`
   * events; `frame` turns the result into a message for any attempt. Stops early (rejecting)
   * once `signal` is aborted.
   */
  async packSliced(batch: readonly IwEvent[], batchId: string, signal?: AbortSignal): Promise<PackedTag[]> {
    const steps = this.#steps(batch, batchId);
    for (;;) {
      const step = steps.next();
      if (step.done === true) return step.value;
      await new Promise<void>((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
    }
  }

  /**
   * `[tag, bin(entries), {size, chunk?, compressed?}]` around the packed entries, which are
   * shared, not copied: only the few bytes of head and tail are new on each attempt.
   */
  frame(packed: PackedTag, ack = this.#options.ack): ForwardFrame {
    const chunk = ack ? packed.chunk : undefined;
    const option: Record<string, unknown> = { size: packed.size };
    if (chunk !== undefined) option["chunk"] = chunk;
    if (this.#options.gzip) option["compressed"] = "gzip";
    const tag = this.#packr.pack(packed.tag);
    const bin = binHeader(packed.entries.length);
    const head = Buffer.allocUnsafe(1 + tag.length + bin.length);
    head[0] = 0x93;
    head.set(tag, 1);
    head.set(bin, 1 + tag.length);
    // msgpackr hands out views into a buffer it reuses: the tail is copied.
    return { chunk, parts: [head, packed.entries, Buffer.from(this.#packr.pack(option))] };
  }

  *#steps(batch: readonly IwEvent[], batchId: string): Generator<void, PackedTag[], void> {
    const out: PackedTag[] = [];
    for (const [tag, events] of groupByTag(this.#options.tag, batch)) {
      const { parts, length }: Entries = yield* this.#entries(events);
      let entries: Uint8Array = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, length);
      if (this.#options.gzip) entries = gzipSync(entries);
      out.push({ tag, size: events.length, chunk: chunkIdFor(batchId, tag), entries });
    }
    return out;
  }

  /** The msgpack stream of `[EventTime, record]` entries, one buffer per slice; yields between slices. */
  *#entries(events: readonly IwEvent[]): Generator<void, Entries, void> {
    const parts: Buffer[] = [];
    let total = 0;
    for (let from = 0; from < events.length; from += ENCODE_SLICE) {
      if (from > 0) yield;
      const to = Math.min(events.length, from + ENCODE_SLICE);
      // msgpackr returns views into its own buffer (shared by every Packr of the process): they
      // are copied into our slice before anything else can run.
      const records = new Array<Uint8Array>(to - from);
      let length = 0;
      for (let i = from; i < to; i++) {
        const packed = this.#pack(events[i] as IwEvent);
        records[i - from] = packed;
        length += ENTRY_OVERHEAD + packed.length;
      }
      const slice = Buffer.allocUnsafe(length);
      let at = 0;
      for (let i = from; i < to; i++) {
        const time = eventTimeFromIso((events[i] as IwEvent).timestamp);
        const packed = records[i - from] as Uint8Array;
        slice[at] = ENTRY_HEAD[0];
        slice[at + 1] = ENTRY_HEAD[1];
        slice[at + 2] = ENTRY_HEAD[2];
        writeUint32(slice, at + 3, time.seconds);
        writeUint32(slice, at + 7, time.nanoseconds);
        slice.set(packed, at + ENTRY_OVERHEAD);
        at += ENTRY_OVERHEAD + packed.length;
      }
      parts.push(slice);
      total += length;
    }
    return { parts, length: total };
  }

  /**
   * One record, packed. msgpackr writes a lone surrogate of a short string as 3 bytes that are
   * not UTF-8 (0xED then 0xA0–0xBF, never valid UTF-8); such a record is packed again with its
   * strings made well-formed (U+FFFD, as in JSON), so Fluentd never receives invalid UTF-8. The
   * same bytes can occur inside a number or bin: that only costs a second pack.
   */
  #pack(event: IwEvent): Uint8Array {
    const record = this.#record(event);
    const packed = this.#packr.pack(record);
    return mayHoldLoneSurrogate(packed) ? this.#packr.pack(wellFormed(record)) : packed;
  }

  /** The framed message in one buffer. */
  #message(packed: PackedTag, ack: boolean): ForwardMessage {
    const { chunk, parts } = this.frame(packed, ack);
    return { tag: packed.tag, chunk, size: packed.size, bytes: Buffer.concat(parts) };
  }
}

/** Whether `bytes` hold 0xED followed by 0xA0–0xBF: a UTF-16 surrogate encoded as if it were a character. */
function mayHoldLoneSurrogate(bytes: Uint8Array): boolean {
  for (let at = bytes.indexOf(0xed); at !== -1 && at + 1 < bytes.length; at = bytes.indexOf(0xed, at + 1)) {
    const next = bytes[at + 1] as number;
    if (next >= 0xa0 && next <= 0xbf) return true;
  }
  return false;
}

/** msgpack bin 8/16/32 header for `length` bytes. */
function binHeader(length: number): Uint8Array {
  if (length < 0x100) return Uint8Array.of(0xc4, length);
  if (length < 0x10000) return Uint8Array.of(0xc5, length >>> 8, length & 0xff);
  return Uint8Array.of(0xc6, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
}

/** Big-endian uint32 at `at` (no bounds checks: the slice was sized for it). */
function writeUint32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = (value >>> 16) & 0xff;
  bytes[at + 2] = (value >>> 8) & 0xff;
  bytes[at + 3] = value & 0xff;
}
