import { MAX_TIMER_MS } from "./deadline.js";
import { IwConfigError } from "./errors.js";
import { DEFAULT_QUEUE_OPTIONS } from "./queue-options.js";
import type { QueueOptions } from "./queue-options.js";

/**
 * Applies the defaults to partial queue options and rejects nonsense (zero batch size,
 * negative timeouts, NaN) with an error naming the sink and the option. Activation validates
 * the environment variables first; this guards programmatic use.
 */
export function resolveOptions(sink: string, options: Partial<QueueOptions>): QueueOptions {
  const resolved: QueueOptions = {
    maxBatchSize: options.maxBatchSize ?? DEFAULT_QUEUE_OPTIONS.maxBatchSize,
    maxBatchBytes: options.maxBatchBytes ?? DEFAULT_QUEUE_OPTIONS.maxBatchBytes,
    flushIntervalMs: options.flushIntervalMs ?? DEFAULT_QUEUE_OPTIONS.flushIntervalMs,
    maxQueueSize: options.maxQueueSize ?? DEFAULT_QUEUE_OPTIONS.maxQueueSize,
    maxAuditQueueSize: options.maxAuditQueueSize ?? DEFAULT_QUEUE_OPTIONS.maxAuditQueueSize,
    maxConcurrency: options.maxConcurrency ?? DEFAULT_QUEUE_OPTIONS.maxConcurrency,
    attemptTimeoutMs: options.attemptTimeoutMs ?? DEFAULT_QUEUE_OPTIONS.attemptTimeoutMs,
    retryInitialMs: options.retryInitialMs ?? DEFAULT_QUEUE_OPTIONS.retryInitialMs,
    retryMaxMs: options.retryMaxMs ?? DEFAULT_QUEUE_OPTIONS.retryMaxMs,
    maxRetries: options.maxRetries ?? DEFAULT_QUEUE_OPTIONS.maxRetries,
  };
  for (const [key, value] of Object.entries(resolved) as [keyof QueueOptions, number][]) {
    const min = key === "maxRetries" || key === "retryInitialMs" || key === "flushIntervalMs" ? 0 : 1;
    if (typeof value !== "number" || Number.isNaN(value) || value < min) {
      throw new IwConfigError(`${sink}: queue option ${key} is ${String(value)}; expected a number >= ${min}`);
    }
  }
  // setTimeout fires after 1 ms for a longer delay (or Infinity): a deadline of Infinity would
  // abort every attempt at once. Past the limit, wait the limit (about 24.8 days).
  return {
    ...resolved,
    flushIntervalMs: Math.min(resolved.flushIntervalMs, MAX_TIMER_MS),
    attemptTimeoutMs: Math.min(resolved.attemptTimeoutMs, MAX_TIMER_MS),
    retryInitialMs: Math.min(resolved.retryInitialMs, MAX_TIMER_MS),
    retryMaxMs: Math.min(resolved.retryMaxMs, MAX_TIMER_MS),
  };
}
