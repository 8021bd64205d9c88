import type { IwEvent } from "../events/index.js";

const MAX_DEPTH = 4;

/**
 * A cheap upper-ish estimate of an event's JSON size in bytes, used to close batches on
 * `maxBatchBytes` without serializing. Runs at batch-assembly time, never in `emit`.
 * Strings count their length (UTF-16 units; close enough for ASCII-heavy security logs) plus
 * quotes, numbers 12 bytes, keys their length plus punctuation. Deep objects are cut off at a
 * fixed depth and counted as a flat 64 bytes.
 */
export function estimateSize(event: IwEvent): number {
  return event.log_type === "scan" ? estimateScan(event) : estimate(event, 0);
}

// JSON of a scan log with empty strings and typical numbers (keys, punctuation, timestamp,
// scores), and of one match: measured once, rounded up a little.
const SCAN_FIXED = 215;
const MATCH_FIXED = 85;

/**
 * Scan logs are most of the traffic: count only their variable-length strings instead of
 * walking every key (about ten times cheaper). Extra fields a host adds are counted by the
 * generic walk.
 */
function estimateScan(event: Extract<IwEvent, { log_type: "scan" }>): number {
  let size = SCAN_FIXED + len(event.event_id) + len(event.request_id) + len(event.policy) + len(event.service) + len(event.host);
  const matches: unknown = event.matches;
  if (Array.isArray(matches)) {
    for (let i = 0; i < matches.length; i++) {
      const m = matches[i] as { signature_id?: unknown; matched_text?: unknown } | null;
      size += MATCH_FIXED + (m ? len(m.signature_id) + len(m.matched_text) : 0);
    }
  }
  let keys = 0;
  for (const _ in event) keys++;
  // 11 standard keys, up to 15 with the optional ones: anything beyond is walked.
  return keys > 15 ? Math.max(size, estimate(event, 0)) : size;
}

function len(value: unknown): number {
  return typeof value === "string" ? value.length : 0;
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
