import type { IwEvent } from "../events/index.js";
import type { Logger } from "../diagnostics/index.js";
import type { QueueSpool } from "./spool-tier.js";

/** Delivery policy of one sink. Every option has a default and an `IW_<PREFIX>_*` variable. */
export interface QueueOptions {
  /** Events per batch. @default 500 — `IW_<PREFIX>_BATCH_SIZE` */
  readonly maxBatchSize: number;
  /** Estimated serialized bytes per batch. @default 1_048_576 — `IW_<PREFIX>_BATCH_BYTES` */
  readonly maxBatchBytes: number;
  /** Age of a batch's first event before the batch is sent anyway. @default 1000 — `IW_<PREFIX>_FLUSH_MS` */
  readonly flushIntervalMs: number;
  /**
   * The one bound on what the sink holds: events queued, waiting for a retry and in flight, in
   * estimated serialized bytes. A new event that does not fit is dropped (`queue_full`).
   * @default 33_554_432 (32 MiB) — `IW_<PREFIX>_MAX_QUEUE_BYTES`
   */
  readonly maxQueueBytes: number;
  /**
   * The share of `maxQueueBytes` only audit events may use, so a flood of scan logs never
   * crowds them out. @default 8_388_608 (8 MiB) — `IW_<PREFIX>_AUDIT_RESERVE_BYTES`
   */
  readonly auditReserveBytes: number;
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
  /**
   * Tries left to an event the collector keeps refusing while other events get through (found
   * by splitting its batch), before it is dropped `rejected` and named in the log.
   * @default 3 — `IW_<PREFIX>_MAX_REFUSALS`
   */
  readonly maxRefusals: number;
  /**
   * Pause after the credentials or the TLS handshake were refused: a person has to fix
   * something, so the collector is not hammered meanwhile; capped by `retryMaxMs`.
   * @default 30_000 — `IW_<PREFIX>_AUTH_PAUSE_MS`
   */
  readonly authPauseMs: number;
}

/** The default of {@link QueueOptions.authPauseMs}. */
export const DEFAULT_AUTH_RETRY_MS = 30_000;

/** The defaults, documented on each option above. */
export const DEFAULT_QUEUE_OPTIONS: QueueOptions = {
  maxBatchSize: 500,
  maxBatchBytes: 1_048_576,
  flushIntervalMs: 1000,
  maxQueueBytes: 32 * 1024 * 1024,
  auditReserveBytes: 8 * 1024 * 1024,
  maxConcurrency: 2,
  attemptTimeoutMs: 10_000,
  retryInitialMs: 250,
  retryMaxMs: 30_000,
  maxRetries: Number.POSITIVE_INFINITY,
  maxRefusals: 3,
  authPauseMs: DEFAULT_AUTH_RETRY_MS,
};

/** Injected into a queue; everything optional. */
export interface QueueDeps {
  /** The queue's diagnostics; a pino, winston or `console` logger is adapted (`toLogger`). @default silentLogger */
  readonly logger?: Logger;
  /** Applied to each event of a batch just before `prepare`/`send` (redaction). Must not mutate its input. */
  readonly transform?: (event: IwEvent) => IwEvent;
  /** Estimates an event's serialized size when `push` is not given one. @default a cheap heuristic */
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
  /**
   * A disk spool for this sink (`IW_SPOOL_DIR`): every event is appended when pushed and
   * acknowledged once settled, memory holds what the budget allows, the rest waits on disk;
   * an earlier run's backlog is sent first. The queue closes it. @default none: memory only
   */
  readonly spool?: QueueSpool;
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
