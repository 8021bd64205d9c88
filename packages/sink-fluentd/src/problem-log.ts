import type { Logger } from "@iw/core";

/**
 * Logs a configuration-like delivery problem (wrong key, bad certificate) once, not on every
 * retry; logs again when the problem changes, and once when delivery recovers.
 */
export class ProblemLog {
  readonly #logger: Logger;
  readonly #sink: string;
  #current: string | undefined;

  constructor(logger: Logger, sink: string) {
    this.#logger = logger;
    this.#sink = sink;
  }

  report(error: Error & { code?: string }): void {
    if (this.#current === error.message) return;
    this.#current = error.message;
    this.#logger.error(error.message, { sink: this.#sink, code: error.code });
  }

  recovered(): void {
    if (this.#current === undefined) return;
    this.#current = undefined;
    this.#logger.info("Fluentd delivery recovered", { sink: this.#sink });
  }
}
