import { ExtensionCodec } from "@msgpack/msgpack";

/** Fluentd's EventTime: seconds and nanoseconds since the Unix epoch (msgpack ext type 0). */
export class EventTime {
  constructor(
    readonly seconds: number,
    readonly nanoseconds: number,
  ) {}
}

/** msgpack ext type of EventTime in the forward protocol. */
export const EVENT_TIME_EXT_TYPE = 0;

const FRACTION = /\.(\d{1,9})/;

/**
 * Converts an ISO 8601 timestamp to an EventTime, keeping every digit of the fraction (up to
 * nanoseconds) instead of the milliseconds `Date.parse` keeps. An unparsable value maps to `now`
 * rather than failing the batch: the record still carries its `timestamp` string.
 */
export function eventTimeFromIso(iso: string, now: () => number = Date.now): EventTime {
  let ms = Date.parse(iso);
  if (Number.isNaN(ms)) ms = now();
  const seconds = Math.floor(ms / 1000);
  const match = FRACTION.exec(iso);
  const nanoseconds = match?.[1] !== undefined && !Number.isNaN(Date.parse(iso))
    ? Number(match[1].padEnd(9, "0"))
    : (ms - seconds * 1000) * 1_000_000;
  return new EventTime(seconds, nanoseconds);
}

/** Seconds since the epoch as a float (in_http's numeric `time`), millisecond precision. */
export function epochSecondsFromIso(iso: string, now: () => number = Date.now): number {
  const ms = Date.parse(iso);
  return (Number.isNaN(ms) ? now() : ms) / 1000;
}

/** Encodes EventTime as fixext 8 of type 0: big-endian uint32 seconds, uint32 nanoseconds. */
export function createEventTimeCodec(): ExtensionCodec {
  const codec = new ExtensionCodec();
  codec.register({
    type: EVENT_TIME_EXT_TYPE,
    encode(value: unknown): Uint8Array | null {
      if (!(value instanceof EventTime)) return null;
      const out = new Uint8Array(8);
      const view = new DataView(out.buffer);
      view.setUint32(0, value.seconds >>> 0);
      view.setUint32(4, value.nanoseconds >>> 0);
      return out;
    },
    decode(data: Uint8Array): EventTime {
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      return new EventTime(view.getUint32(0), view.getUint32(4));
    },
  });
  return codec;
}
