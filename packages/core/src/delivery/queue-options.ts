import type { IwEvent } from "../events.js";
import type { Logger } from "../logger.js";

/** Delivery policy of one sink. Every option has a default and an `IW_<PREFIX>_*` variable. */
export interface QueueOptions {
  /** Events per batch. @default 500 — `IW_<PREFIX>_BATCH_SIZE` */
  readonly maxBatchSize: number;
  /** Estimated serialized bytes per batch. @default 1_048_576 — `IW_<PREFIX>_BATCH_BYTES` */
  readonly maxBatchBytes: number;
  /** Age of a batch's first event before the batch is sent anyway. @default 1000 — `IW_<PREFIX>_FLUSH_MS` */
  readonly flushIntervalMs: number;
  /** Scan-log lane capacity (events). @default 10_000 — `IW_<PREFIX>_QUEUE_SIZE` */
  readonly maxQueueSize: number;
  /** Audit lane capacity (events); scan logs can never evict these. @default 10_000 — `IW_<PREFIX>_AUDIT_QUEUE_SIZE` */
  readonly maxAuditQueueSize: number;
  /** Batches being sent at once. @default 2 — `IW_<PREFIX>_CONCURRENCY` */
  readonly maxConcurrency: number;
  /** Deadline of one attempt; the request is aborted after it. @default 10_000 — `IW_<PREFIX>_TIMEOUT_MS` */
  readonly attemptTimeoutMs: number;
  /** First backoff delay. @default 250 — `IW_<PREFIX>_RETRY_INITIAL_MS` */
  readonly retryInitialMs: number;
  /** Backoff cap (also caps `Retry-After`). @default 30_000 — `IW_<PREFIX>_RETRY_MAX_MS` */
  readonly retryMaxMs: number;
  /** Retries of one batch before it is dropped; `Infinity` retries until close. @default Infinity — `IW_<PREFIX>_MAX_RETRIES` */
  readonly maxRetries: number;
}

/**
 * How long a sink pauses after its credentials (`auth`) or the TLS handshake (`tls`) were refused:
 * long enough not to hammer a collector that refuses us, short enough that events flow again soon
 * after the credentials, the receiver's secret, a certificate or this host's clock are fixed.
 */
export const DEFAULT_AUTH_RETRY_MS = 30_000;

/** The defaults, documented on each option above. */
export const DEFAULT_QUEUE_OPTIONS: QueueOptions = {
  maxBatchSize: 500,
  maxBatchBytes: 1_048_576,
  flushIntervalMs: 1000,
  maxQueueSize: 10_000,
  maxAuditQueueSize: 10_000,
  maxConcurrency: 2,
  attemptTimeoutMs: 10_000,
  retryInitialMs: 250,
  retryMaxMs: 30_000,
  maxRetries: Number.POSITIVE_INFINITY,
};

/** Injected into a queue; everything optional. */
export interface QueueDeps {
  readonly logger?: Logger;
  /** Applied to each event of a batch just before `send` (redaction). Must not mutate its input. */
  readonly transform?: (event: IwEvent) => IwEvent;
  /** Estimates an event's serialized size for `maxBatchBytes`. @default a cheap heuristic */
  readonly sizeOf?: (event: IwEvent) => number;
  /** Source of randomness for backoff jitter (tests pin it). @default Math.random */
  readonly random?: () => number;
  /**
   * Called when the sink's state changes (`active` ⇄ `backoff`, `→ disabled`), e.g. to emit an
   * integration lifecycle audit event. Errors it throws are caught and ignored. It may `emit`
   * synchronously (`push` is re-entrant); an event emitted while this sink is being disabled is
   * dropped `disabled` by this sink and still reaches the others.
   */
  readonly onStateChange?: (change: QueueStateChange) => void;
}

/**
 * What `QueueDeps.onStateChange` receives: a change of state, or, once per outage, `backoff` →
 * `backoff` when the collector starts refusing the credentials (`error.code === "IW_AUTH"`).
 */
export interface QueueStateChange {
  readonly sink: string;
  readonly from: "active" | "backoff" | "disabled";
  readonly to: "active" | "backoff" | "disabled";
  /** The error that caused it (absent when recovering). Its message is already masked. */
  readonly error?: Error;
}
