import { timerDelay } from "./deadline.js";

/**
 * The two timers of a queue, both `unref()`ed so they never keep the process alive: the age of
 * the oldest queued event (a partial batch is sent after `flushIntervalMs`), and the next
 * moment something becomes possible again (the circuit's pause ends, a refused event is due).
 */
export class QueueTimers {
  #age: ReturnType<typeof setTimeout> | undefined;
  #wake: ReturnType<typeof setTimeout> | undefined;
  #wakeAt = Number.POSITIVE_INFINITY;

  /** The age timer is running. */
  get ageArmed(): boolean {
    return this.#age !== undefined;
  }

  /** Calls `fire` in `ms`. */
  armAge(ms: number, fire: () => void): void {
    this.#age = setTimeout(() => {
      this.#age = undefined;
      fire();
    }, ms);
    this.#age.unref?.();
  }

  /** Calls `fire` at `at` (ms epoch), unless an earlier wake-up is already set. */
  wakeAt(at: number, fire: () => void): void {
    if (this.#wake !== undefined && this.#wakeAt <= at) return;
    if (this.#wake !== undefined) clearTimeout(this.#wake);
    this.#wakeAt = at;
    this.#wake = setTimeout(
      () => {
        this.#wake = undefined;
        this.#wakeAt = Number.POSITIVE_INFINITY;
        fire();
      },
      timerDelay(at - Date.now()),
    );
    this.#wake.unref?.();
  }

  clear(): void {
    if (this.#age !== undefined) clearTimeout(this.#age);
    if (this.#wake !== undefined) clearTimeout(this.#wake);
    this.#age = this.#wake = undefined;
    this.#wakeAt = Number.POSITIVE_INFINITY;
  }
}
