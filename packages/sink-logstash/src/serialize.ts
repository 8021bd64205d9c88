import type { IwEvent } from "@iw/core";

/** A batch turned into one JSON array, minus the events that could not be serialized. */
export interface SerializedBatch {
  /** `[…]`: Logstash's json codec makes one event of each element. */
  readonly body: string;
  /** Events in `body`. */
  readonly count: number;
  /** Events left out because they (or their mapping) threw or produced no JSON. */
  readonly malformed: number;
  /** Why the first left-out event failed. */
  readonly firstError: Error | undefined;
  /** The events in `body`, in order, when some were left out; undefined when all are in. */
  readonly events?: readonly IwEvent[];
}

/**
 * Serializes a batch as one JSON array. The fast path is a single `JSON.stringify` of the whole
 * (mapped) array; only when that throws (a BigInt, a cycle, a throwing `toJSON`) does it fall back
 * to one `stringify` per event, leaving out just the events that fail, so one bad event never
 * sinks the batch.
 *
 * @param map turns an event into its wire shape (identity for the `iw` format).
 */
export function serializeBatch(batch: readonly IwEvent[], map?: (event: IwEvent) => unknown): SerializedBatch {
  try {
    const body = JSON.stringify(map === undefined ? batch : batch.map(map));
    return { body, count: batch.length, malformed: 0, firstError: undefined };
  } catch {
    return slowPath(batch, map);
  }
}

function slowPath(batch: readonly IwEvent[], map: ((event: IwEvent) => unknown) | undefined): SerializedBatch {
  const parts: string[] = [];
  const events: IwEvent[] = [];
  let firstError: Error | undefined;
  for (const event of batch) {
    try {
      const json = JSON.stringify(map === undefined ? event : map(event)) as string | undefined;
      if (json === undefined) throw new TypeError("the event serializes to nothing");
      parts.push(json);
      events.push(event);
    } catch (err) {
      firstError ??= err instanceof Error ? err : new Error(String(err));
    }
  }
  const body = `[${parts.join(",")}]`;
  const malformed = batch.length - parts.length;
  // Zero is possible: a toJSON that throws once can fail the whole array and then pass alone.
  return malformed === 0
    ? { body, count: parts.length, malformed, firstError }
    : { body, count: parts.length, malformed, firstError, events };
}

/** A batch serialized into UTF-8 bytes, ready to send. */
export interface SerializedBody {
  /**
   * One JSON array. Bytes, not a string: encoding each slice as it is made spreads the work over
   * the slices, and undici writes a Buffer body for a fraction of the CPU of a long string.
   */
  readonly body: Uint8Array;
  readonly count: number;
  readonly malformed: number;
  readonly firstError: Error | undefined;
  /** The events in `body`, in order, when some were left out; undefined when all are in. */
  readonly events?: readonly IwEvent[];
}

const OPEN = Buffer.from("[");
const CLOSE = Buffer.from("]");
const COMMA = Buffer.from(",");
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * {@link serializeBatch} in slices of `sliceSize` events, yielding to the event loop between
 * slices, so a large batch never blocks the host for the whole serialization: a request of the
 * host waits at most one slice. A batch of at most `sliceSize` events is serialized at once,
 * without yielding.
 */
export async function serializeInSlices(
  batch: readonly IwEvent[],
  mapFor: (slice: readonly IwEvent[]) => ((event: IwEvent) => unknown) | undefined,
  sliceSize: number,
): Promise<SerializedBody> {
  if (batch.length <= sliceSize) {
    const whole = serializeBatch(batch, mapFor(batch));
    return { ...whole, body: Buffer.from(whole.body, "utf8") };
  }
  const pieces: Buffer[] = [OPEN];
  let count = 0;
  let malformed = 0;
  let firstError: Error | undefined;
  // Filled only once a slice left an event out: the clean path allocates nothing for it.
  let events: IwEvent[] | undefined;
  for (let start = 0; start < batch.length; start += sliceSize) {
    if (start > 0) await nextTurn();
    const slice = batch.slice(start, start + sliceSize);
    const part = serializeBatch(slice, mapFor(slice));
    if (part.malformed > 0) events ??= batch.slice(0, start);
    if (events !== undefined) events.push(...(part.events ?? slice));
    malformed += part.malformed;
    firstError ??= part.firstError;
    if (part.count === 0) continue;
    if (count > 0) pieces.push(COMMA);
    // Encode the flat string JSON.stringify made, then drop its brackets without a copy.
    const bytes = Buffer.from(part.body, "utf8");
    pieces.push(bytes.subarray(1, bytes.length - 1));
    count += part.count;
  }
  pieces.push(CLOSE);
  const body = Buffer.concat(pieces);
  return events === undefined ? { body, count, malformed, firstError } : { body, count, malformed, firstError, events };
}
