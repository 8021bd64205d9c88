import { toLogger } from "../diagnostics/index.js";
import type { Logger } from "../diagnostics/index.js";

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
    this.#logger = toLogger(logger);
  }

  /**
   * Logs unless a line with the same `key` went out less than the interval ago. The line is
   * built by `build` only when it is written.
   */
  report(key: string, level: Level, build: () => [message: string, fields?: Record<string, unknown>]): void {
    const suppressed = this.gate(key);
    if (suppressed === undefined) return;
    const [message, fields = {}] = build();
    this.#write(level, message, suppressed > 0 ? { ...fields, suppressed } : fields);
  }

  /**
   * The rate limit alone, for hot paths that must not even allocate a closure: `undefined`
   * when a line with this `key` is suppressed now, else how many were suppressed since the
   * last one (pass it on as the `suppressed` field).
   */
  gate(key: string): number | undefined {
    const now = Date.now();
    const entry = this.#last.get(key);
    if (entry === undefined) {
      this.#last.set(key, { at: now, suppressed: 0 });
      return 0;
    }
    if (now - entry.at < DIAGNOSTIC_INTERVAL_MS) {
      entry.suppressed++;
      return undefined;
    }
    const suppressed = entry.suppressed;
    entry.at = now;
    entry.suppressed = 0;
    return suppressed;
  }

  /** Logs unconditionally (rare events: disable, close; or after `gate`). */
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
