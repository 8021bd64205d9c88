/** Thrown by {@link Deadline.race} when the deadline passes (or the run is interrupted) first. */
export class DeadlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeadlineError";
  }
}

/** One deadline shared by every step of a check: each step gets what is left of it. */
export class Deadline {
  readonly ms: number;
  readonly signal: AbortSignal;
  readonly #endsAt: number;

  constructor(ms: number, outer?: AbortSignal) {
    this.ms = ms;
    this.#endsAt = performance.now() + ms;
    const own = AbortSignal.timeout(Math.max(1, Math.min(ms, 2 ** 31 - 1)));
    this.signal = outer === undefined ? own : AbortSignal.any([own, outer]);
  }

  /** Milliseconds left, at least 1 so that timers stay valid. */
  remaining(): number {
    return Math.max(1, Math.round(this.#endsAt - performance.now()));
  }

  get expired(): boolean {
    return this.signal.aborted;
  }

  /** `promise`, unless the deadline passes first: then a {@link DeadlineError} saying `what` did not happen in time. */
  race<T>(promise: Promise<T>, what: string): Promise<T> {
    if (this.signal.aborted) return Promise.reject(new DeadlineError(this.#why(what)));
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(new DeadlineError(this.#why(what)));
      this.signal.addEventListener("abort", onAbort, { once: true });
      promise.then(
        (v) => {
          this.signal.removeEventListener("abort", onAbort);
          resolve(v);
        },
        (err: unknown) => {
          this.signal.removeEventListener("abort", onAbort);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  #why(what: string): string {
    const reason: unknown = this.signal.reason;
    const interrupted = reason instanceof Error && reason.name !== "TimeoutError";
    return interrupted ? `${what}: interrupted` : `${what} within the ${this.ms} ms deadline (--timeout)`;
  }
}
