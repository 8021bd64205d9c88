import { timerDelay } from "./deadline.js";

/**
 * The callers of `flush()` / `close()` waiting for a queue to be empty. Each waits under its
 * own deadline; a call made while a flush is in progress shares that flush's promise unless it
 * asks to wait longer (an earlier, shorter deadline must not answer it `false`).
 */
export class IdleWaiters {
  readonly #waiters = new Set<(drained: boolean) => void>();
  #shared: Promise<boolean> | undefined;
  #sharedDeadline = 0;

  /** Callers waiting now. */
  get size(): number {
    return this.#waiters.size;
  }

  /** A flush: shares the one in progress when it ends no earlier than `timeoutMs` from now. */
  shared(timeoutMs: number, start: () => Promise<boolean>): Promise<boolean> {
    const deadline = Date.now() + Math.max(0, timeoutMs);
    if (this.#shared !== undefined && deadline <= this.#sharedDeadline) return this.#shared;
    const promise: Promise<boolean> = start().finally(() => {
      if (this.#shared === promise) this.#shared = undefined;
    });
    this.#shared = promise;
    this.#sharedDeadline = deadline;
    return promise;
  }

  /**
   * Resolves `true` when {@link settle} is called with `true`, `false` at the deadline. The
   * deadline timer is deliberately ref'd: a caller awaiting flush/close asked for up to
   * `timeoutMs` of draining (retries included), so the process stays up that long and no longer.
   */
  wait(timeoutMs: number, onDone: () => void): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const done = (drained: boolean): void => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        onDone();
        resolve(drained);
      };
      const timer = setTimeout(() => done(false), timerDelay(timeoutMs));
      this.#waiters.add(done);
    });
  }

  /** Answers every waiter now. */
  settle(drained: boolean): void {
    for (const done of [...this.#waiters]) done(drained);
  }
}
