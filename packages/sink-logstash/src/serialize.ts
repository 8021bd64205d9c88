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
  let firstError: Error | undefined;
  for (const event of batch) {
    try {
      const json = JSON.stringify(map === undefined ? event : map(event)) as string | undefined;
      if (json === undefined) throw new TypeError("the event serializes to nothing");
      parts.push(json);
    } catch (err) {
      firstError ??= err instanceof Error ? err : new Error(String(err));
    }
  }
  return { body: `[${parts.join(",")}]`, count: parts.length, malformed: batch.length - parts.length, firstError };
}
