import type { Logger } from "./logger.js";
import { silentLogger } from "./logger.js";

/** Minimum time between two lines of the same kind. */
export const DIAGNOSTIC_INTERVAL_MS = 60_000;

type Level = "debug" | "info" | "warn" | "error";

/**
 * Rate-limited diagnostics for one queue. A dead collector produces a handful of lines, not
 * one per batch: each `key` (e.g. `"retry"`, `"drop:queue_full"`) logs at most once per
 * `DIAGNOSTIC_INTERVAL_MS`; the next line that gets through says how many were suppressed.
 * No timer is used: suppressed lines are summarised when the next one of their kind arrives.
 */
export class QueueDiagnostics {
  readonly #logger: Logger;
  readonly #sink: string;
  readonly #last = new Map<string, { at: number; suppressed: number }>();

  constructor(sink: string, logger: Logger | undefined) {
    this.#sink = sink;
    this.#logger = logger ?? silentLogger;
  }

  /** Logs unless a line with the same `key` went out less than the interval ago. */
  report(key: string, level: Level, message: string, fields: Record<string, unknown> = {}): void {
    const now = Date.now();
    const entry = this.#last.get(key);
    if (entry && now - entry.at < DIAGNOSTIC_INTERVAL_MS) {
      entry.suppressed++;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.#last.set(key, { at: now, suppressed: 0 });
    this.#write(level, message, suppressed > 0 ? { ...fields, suppressed } : fields);
  }

  /** Logs unconditionally (rare events: disable, close). */
  always(level: Level, message: string, fields: Record<string, unknown> = {}): void {
    this.#write(level, message, fields);
  }

  #write(level: Level, message: string, fields: Record<string, unknown>): void {
    try {
      this.#logger[level](`[iw:${this.#sink}] ${message}`, { sink: this.#sink, ...fields });
    } catch {
      // A broken logger must not break delivery.
    }
  }
}
