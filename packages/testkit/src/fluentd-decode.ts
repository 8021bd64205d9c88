import { gunzipSync } from "node:zlib";
import { Decoder, ExtensionCodec } from "@msgpack/msgpack";
import type { FluentdMode, ReceivedEventTime } from "./fluentd-types.js";

/** Decodes EventTime (ext type 0: uint32 seconds, uint32 nanoseconds, big-endian); refuses ext -1 as Fluentd does. */
export function createEventTimeDecoderCodec(): ExtensionCodec {
  const codec = new ExtensionCodec();
  codec.register({
    type: 0,
    encode: () => null,
    decode(data: Uint8Array): ReceivedEventTime {
      if (data.byteLength !== 8) throw new RangeError(`EventTime must be 8 bytes, got ${data.byteLength}`);
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      return { seconds: view.getUint32(0), nanoseconds: view.getUint32(4) };
    },
  });
  // Fluentd knows the msgpack timestamp only with `enable_msgpack_time_support` (off by default,
  // lib/fluent/msgpack_factory.rb): a chunk holding one fails. @msgpack/msgpack would decode it.
  codec.register({
    type: -1,
    encode: () => null,
    decode(): never {
      throw new RangeError("msgpack timestamp (ext -1): Fluentd refuses it unless enable_msgpack_time_support is on");
    },
  });
  return codec;
}

const codec = createEventTimeDecoderCodec();
/** For what arrives on the socket: strings stay bytes, as in_forward reads them (bin or str). */
export const rawDecoderOptions = { rawStrings: true, extensionCodec: codec } as const;
const entryDecoder = new Decoder({ extensionCodec: codec });

/** Text of a raw string field. */
export function textOf(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("utf8");
  return typeof value === "string" ? value : "";
}

/** Deep copy with raw strings turned into text (Message and Forward modes decode raw). */
export function toPlain(value: unknown): unknown {
  if (value instanceof Uint8Array) return textOf(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === "object" && !isEventTime(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
    return out;
  }
  return value;
}

function isEventTime(value: object): value is ReceivedEventTime {
  return "seconds" in value && "nanoseconds" in value && Object.keys(value).length === 2;
}

/** A decoded event carrier. */
export interface DecodedCarrier {
  readonly tag: string;
  readonly mode: Exclude<FluentdMode, "http">;
  readonly option: Record<string, unknown>;
  readonly entries: readonly (readonly [unknown, Record<string, unknown>])[];
  readonly packed: Uint8Array | undefined;
}

/**
 * Detects the carrier mode by the second element, as in_forward does: bin/str → PackedForward
 * (CompressedPackedForward with `compressed: "gzip"`), array → Forward, else Message.
 * Throws on anything in_forward would reject.
 */
export function decodeCarrier(message: unknown): DecodedCarrier {
  if (!Array.isArray(message) || message.length < 2) throw new Error("not an event carrier array");
  const tag = textOf(message[0]);
  if (tag === "") throw new Error("missing tag");
  const second: unknown = message[1];
  if (second instanceof Uint8Array) {
    const option = plainOption(message[2]);
    const compressed = option["compressed"] === "gzip";
    const stream = compressed ? gunzipSync(second) : second;
    const entries: [unknown, Record<string, unknown>][] = [];
    for (const entry of entryDecoder.decodeMulti(stream)) entries.push(checkEntry(entry));
    return { tag, mode: compressed ? "compressed_packed_forward" : "packed_forward", option, entries, packed: second };
  }
  if (Array.isArray(second)) {
    const entries = second.map((entry) => checkEntry(toPlain(entry)));
    return { tag, mode: "forward", option: plainOption(message[2]), entries, packed: undefined };
  }
  const record = toPlain(message[2]);
  return { tag, mode: "message", option: plainOption(message[3]), entries: [checkEntry([second, record])], packed: undefined };
}

function plainOption(value: unknown): Record<string, unknown> {
  const plain = toPlain(value ?? {});
  return plain !== null && typeof plain === "object" && !Array.isArray(plain) ? (plain as Record<string, unknown>) : {};
}

function checkEntry(entry: unknown): [unknown, Record<string, unknown>] {
  if (!Array.isArray(entry) || entry.length !== 2) throw new Error("an entry is not [time, record]");
  const [time, record] = entry as [unknown, unknown];
  const timeOk = typeof time === "number" || (time !== null && typeof time === "object" && "nanoseconds" in time);
  if (!timeOk) throw new Error("an entry's time is neither an integer nor an EventTime");
  if (record === null || typeof record !== "object" || Array.isArray(record)) throw new Error("an entry's record is not a map");
  return [time, record as Record<string, unknown>];
}
