import { ExtensionCodec } from "@msgpack/msgpack";
import { EVENT_TIME_EXT_TYPE, EventTime } from "./event-time.js";

// Not exported from the package: its type is @msgpack/msgpack's ExtensionCodec, whose
// declarations need TypeScript 5.7+ and the DOM lib, and would be checked by every consumer.

/** Encodes EventTime as fixext 8 of type 0: big-endian uint32 seconds, uint32 nanoseconds. */
export function createEventTimeCodec(): ExtensionCodec {
  const codec = new ExtensionCodec();
  const scratch = new Uint8Array(8);
  const view = new DataView(scratch.buffer);
  codec.register({
    type: EVENT_TIME_EXT_TYPE,
    encode(value: unknown): Uint8Array | null {
      if (!(value instanceof EventTime)) return null;
      // The encoder copies ext data at once: one scratch buffer serves every event.
      view.setUint32(0, value.seconds >>> 0);
      view.setUint32(4, value.nanoseconds >>> 0);
      return scratch;
    },
    decode(data: Uint8Array): EventTime {
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      return new EventTime(view.getUint32(0), view.getUint32(4));
    },
  });
  return codec;
}
