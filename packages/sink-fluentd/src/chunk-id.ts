import { createHash } from "node:crypto";

/**
 * The forward protocol `chunk` option (base64 of 128 bits) for one tag of one batch. Derived
 * from the queue's `batchId`, which is stable across retries, so every retry of the same
 * batch travels under the same chunk id and the collector side can de-duplicate.
 */
export function chunkIdFor(batchId: string, tag: string): string {
  return createHash("sha256").update(batchId).update("\0").update(tag).digest().subarray(0, 16).toString("base64");
}
