import type { IwEvent } from "./events.js";

const MAX_DEPTH = 4;

/**
 * A cheap upper-ish estimate of an event's JSON size in bytes, used to close batches on
 * `maxBatchBytes` without serializing. Runs at batch-assembly time, never in `emit`.
 * Strings count their length (UTF-16 units; close enough for ASCII-heavy security logs) plus
 * quotes, numbers 12 bytes, keys their length plus punctuation. Deep objects are cut off at a
 * fixed depth and counted as a flat 64 bytes.
 */
export function estimateSize(event: IwEvent): number {
  return estimate(event, 0);
}

function estimate(value: unknown, depth: number): number {
  switch (typeof value) {
    case "string":
      return value.length + 2;
    case "number":
      return 12;
    case "boolean":
      return 5;
    case "object": {
      if (value === null) return 4;
      if (depth >= MAX_DEPTH) return 64;
      let size = 2;
      if (Array.isArray(value)) {
        for (const item of value as unknown[]) size += estimate(item, depth + 1) + 1;
        return size;
      }
      for (const key in value) {
        size += key.length + 4 + estimate((value as Record<string, unknown>)[key], depth + 1);
      }
      return size;
    }
    default:
      return 0;
  }
}
