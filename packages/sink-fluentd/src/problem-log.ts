import type { Logger } from "@iw/core";

/** At most one protocol-violation line per minute (`ProblemLog.limited`). */
export const LIMITED_INTERVAL_MS = 60_000;

/**
 * Logs a configuration-like delivery problem (wrong key, bad certificate) once, not on every
 * retry; logs again when the problem changes, and once when delivery recovers.
 */
export class ProblemLog {
  readonly #logger: Logger;
  readonly #sink: string;
  #current: string | undefined;
  #nextLimited = 0;
  #held = 0;

  constructor(logger: Logger, sink: string) {
    this.#logger = logger;
    this.#sink = sink;
  }

  report(error: Error & { code?: string }): void {
    if (this.#current === error.message) return;
    this.#current = error.message;
    this.#logger.error(error.message, { sink: this.#sink, code: error.code });
  }

  /**
   * Logs a collector's protocol violation at most once per `intervalMs`, with a count of those
   * held back: a hostile server can repeat one on every connection, and the log must not become
   * the cost it imposes.
   */
  limited(error: Error & { code?: string }, intervalMs = LIMITED_INTERVAL_MS): void {
    const now = Date.now();
    if (now < this.#nextLimited) {
      this.#held++;
      return;
    }
    const held = this.#held > 0 ? ` (and ${this.#held} more since the last report)` : "";
    this.#held = 0;
    this.#nextLimited = now + intervalMs;
    this.#logger.error(`${error.message}${held}`, { sink: this.#sink, code: error.code });
  }

  recovered(): void {
    if (this.#current === undefined) return;
    this.#current = undefined;
    this.#logger.info("Fluentd delivery recovered", { sink: this.#sink });
  }
}
