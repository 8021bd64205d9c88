import { MAX_TIMER_MS } from "./deadline.js";
import { IwConfigError } from "../diagnostics/index.js";
import { DEFAULT_QUEUE_OPTIONS } from "./queue-options.js";
import type { QueueOptions } from "./queue-options.js";

/**
 * Applies the defaults to partial queue options and rejects nonsense (zero batch size,
 * negative timeouts, NaN) with an error naming the sink and the option. Activation validates
 * the environment variables first; this guards programmatic use.
 */
export function resolveOptions(sink: string, options: Partial<QueueOptions>): QueueOptions {
  const resolved: Record<keyof QueueOptions, number> = { ...DEFAULT_QUEUE_OPTIONS };
  for (const key of Object.keys(DEFAULT_QUEUE_OPTIONS) as (keyof QueueOptions)[]) {
    const value = options[key];
    if (value !== undefined) resolved[key] = value;
    const min = ZERO_ALLOWED.has(key) ? 0 : 1;
    if (typeof resolved[key] !== "number" || Number.isNaN(resolved[key]) || resolved[key] < min) {
      throw new IwConfigError(`${sink}: queue option ${key} is ${String(resolved[key])}; expected a number >= ${min}`);
    }
  }
  // setTimeout fires after 1 ms for a longer delay (or Infinity): a deadline of Infinity would
  // abort every attempt at once. Past the limit, wait the limit (about 24.8 days).
  for (const key of TIMER_OPTIONS) resolved[key] = Math.min(resolved[key], MAX_TIMER_MS);
  // The audit reserve is a share of the budget; a reserve as large as the budget would leave
  // scan logs nothing.
  resolved.auditReserveBytes = Math.min(resolved.auditReserveBytes, Math.floor(resolved.maxQueueBytes / 2));
  return resolved;
}

const ZERO_ALLOWED: ReadonlySet<keyof QueueOptions> = new Set([
  "maxRetries",
  "retryInitialMs",
  "flushIntervalMs",
  "auditReserveBytes",
  "maxRefusals",
  "authPauseMs",
]);
const TIMER_OPTIONS: readonly (keyof QueueOptions)[] = [
  "flushIntervalMs",
  "attemptTimeoutMs",
  "retryInitialMs",
  "retryMaxMs",
  "authPauseMs",
];
