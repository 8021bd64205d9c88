/**
 * The per-sink delivery engine: `DeliveryQueue` (byte budget with an audit share, lanes,
 * batching, prepare-once payloads, retry with backoff and circuit pauses, splitting refused
 * batches, the spool tier, drop accounting), its options and defaults, and the stats it keeps.
 * The dispatcher builds one queue per route; activation resolves the options from `IW_*`.
 */
export { DeliveryQueue, DEFAULT_FLUSH_TIMEOUT_MS } from "./delivery-queue.js";
export { DEFAULT_QUEUE_OPTIONS, DEFAULT_AUTH_RETRY_MS } from "./queue-options.js";
export type { QueueOptions, QueueDeps, QueueStateChange } from "./queue-options.js";
export { resolveOptions } from "./resolve-options.js";
export { DROP_REASONS } from "./stats.js";
export type { BatchDurationStats, DropReason, SinkStats } from "./stats.js";
export type { QueueSpool, SpooledRecord } from "./spool-tier.js";
export { watchExit, unwatchExit } from "./exit-guard.js";
export type { ExitParticipant } from "./exit-guard.js";
export { estimateSize } from "./size-estimate.js";
export { MAX_TIMER_MS, timerDelay, withDeadline } from "./deadline.js";
