import { gzipSync } from "node:zlib";
import { Encoder } from "@msgpack/msgpack";
import type { IwEvent } from "@iw/core";
import { chunkIdFor } from "./chunk-id.js";
import { createEventTimeCodec, eventTimeFromIso } from "./event-time.js";
import { groupByTag, recordMapper, type FluentdFormat } from "./records.js";

/** One forward-protocol message ready for the socket. */
export interface ForwardMessage {
  readonly tag: string;
  /** The `chunk` option (ack id), or `undefined` when acks are off. */
  readonly chunk: string | undefined;
  readonly size: number;
  readonly bytes: Uint8Array;
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
 * Encodes a batch as one PackedForward (or CompressedPackedForward) message per tag:
 * `[tag, bin(<[EventTime, record]>*), {size, chunk?, compressed?}]`.
 */
export class ForwardEncoder {
  readonly #options: ForwardEncoderOptions;
  // Two encoders: the entries are a shared view into the first one's buffer, which the
  // second one copies into the outer message.
  readonly #entries = new Encoder({ extensionCodec: createEventTimeCodec(), ignoreUndefined: true });
  readonly #outer = new Encoder();

  readonly #record: (event: IwEvent) => object;

  constructor(options: ForwardEncoderOptions) {
    this.#options = options;
    this.#record = recordMapper(options.format);
  }

  encode(batch: readonly IwEvent[], batchId: string): ForwardMessage[] {
    const out: ForwardMessage[] = [];
    for (const [tag, events] of groupByTag(this.#options.tag, batch)) {
      const entries = new Array<unknown>(events.length);
      for (let i = 0; i < events.length; i++) {
        const event = events[i] as IwEvent;
        entries[i] = [eventTimeFromIso(event.timestamp), this.#record(event)];
      }
      // Encoding the entries as one array and dropping the array header yields exactly the
      // msgpack stream of entries PackedForward wants, in one pass of the encoder.
      const array = this.#entries.encodeSharedRef(entries);
      let stream: Uint8Array = array.subarray(arrayHeaderLength(array[0] as number));
      if (this.#options.gzip) stream = gzipSync(stream);
      const chunk = this.#options.ack ? chunkIdFor(batchId, tag) : undefined;
      const option: Record<string, unknown> = { size: events.length };
      if (chunk !== undefined) option["chunk"] = chunk;
      if (this.#options.gzip) option["compressed"] = "gzip";
      out.push({ tag, chunk, size: events.length, bytes: this.#outer.encode([tag, stream, option]) });
    }
    return out;
  }
}

/** Length of a msgpack array header from its first byte (fixarray, array16, array32). */
function arrayHeaderLength(first: number): number {
  if (first >= 0x90 && first <= 0x9f) return 1;
  if (first === 0xdc) return 3;
  if (first === 0xdd) return 5;
  throw new Error(`not a msgpack array header: 0x${first.toString(16)}`);
}
