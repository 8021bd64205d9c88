/**
 * Durable spool storage: checksummed segment files with group commit, acknowledgements,
 * replay, a byte bound and a directory lock, and a lock-free summary of a spool directory. Not
 * exported from the package root: the delivery engine uses it, and tools reach `openSpool` and
 * `readSpoolSummary` through the experimental `@iw/core/inspect`. Format and guarantees:
 * docs/spool-format.md.
 */
export { openSpool } from "./open-spool.js";
export { readSpoolSummary } from "./spool-summary.js";
export type { SpoolHolder, SpoolSummary } from "./spool-summary.js";
export { Spool } from "./spool.js";
export type { SpoolRecord } from "./spool.js";
export { SpoolError } from "./spool-error.js";
export type { SpoolErrorCode } from "./spool-error.js";
export {
  DEFAULT_SPOOL_FLUSH_MS,
  DEFAULT_SPOOL_GROUP_BYTES,
  DEFAULT_SPOOL_MAX_BYTES,
  DEFAULT_SPOOL_SEGMENT_BYTES,
  DEFAULT_SPOOL_SYNC,
  DEFAULT_SPOOL_SYNC_INTERVAL_MS,
} from "./spool-options.js";
export type { SpoolOptions, SpoolSync } from "./spool-options.js";
export type { SpoolRefusal, SpoolStats } from "./spool-stats.js";
