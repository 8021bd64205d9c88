import type { IwEvent } from "@iw/core";
import type { SendContext, SendResult, Sink } from "@iw/core/sink-kit";
import { abortedResult, closedResult } from "./fake-results.js";

/** Options of {@link InMemorySink}. */
export interface InMemorySinkOptions {
  /** The sink's name. @default "memory" */
  readonly name?: string;
  /**
   * Time each `send` takes before it succeeds: a number of milliseconds, or a function of the
   * batch and context. The wait honours `ctx.signal` and `close()`. @default 0
   */
  readonly latencyMs?: number | ((batch: readonly IwEvent[], ctx: SendContext) => number);
}

/**
 * A sink that keeps what it is sent: every successful batch (`batches`) and its events in
 * arrival order (`events`). It honours `ctx.signal` (an aborted send records nothing and
 * resolves `retryable`), never throws, and after `close()` answers `failure` (`IW_CLOSED`).
 */
export class InMemorySink implements Sink {
  readonly name: string;
  readonly #latency: InMemorySinkOptions["latencyMs"];
  readonly #batches: (readonly IwEvent[])[] = [];
  readonly #events: IwEvent[] = [];
  readonly #waiting = new Set<() => void>();
  #closed = false;
  #sends = 0;

  constructor(options: InMemorySinkOptions = {}) {
    this.name = options.name ?? "memory";
    this.#latency = options.latencyMs;
  }

  /** Delivered batches, each a copy of the array it was sent (the events are not copied). */
  get batches(): readonly (readonly IwEvent[])[] {
    return this.#batches;
  }

  /** Every delivered event, in arrival order. */
  get events(): readonly IwEvent[] {
    return this.#events;
  }

  /** How many times `send` was called, whatever the outcome. */
  get sendCount(): number {
    return this.#sends;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Forgets the recorded batches and events. */
  clear(): void {
    this.#batches.length = 0;
    this.#events.length = 0;
  }

  async send(batch: readonly IwEvent[], ctx: SendContext): Promise<SendResult> {
    this.#sends++;
    if (this.#closed) return closedResult(this.name);
    if (ctx.signal.aborted) return abortedResult(this.name, ctx.signal);
    const latency = typeof this.#latency === "function" ? this.#latency(batch, ctx) : (this.#latency ?? 0);
    if (latency > 0 && !(await this.#wait(latency, ctx.signal))) {
      return this.#closed ? closedResult(this.name) : abortedResult(this.name, ctx.signal);
    }
    if (this.#closed) return closedResult(this.name);
    this.#batches.push([...batch]);
    for (const event of batch) this.#events.push(event);
    return { status: "success" };
  }

  close(): Promise<void> {
    this.#closed = true;
    for (const wake of [...this.#waiting]) wake();
    return Promise.resolve();
  }

  /** Resolves true after `ms`, false when aborted or closed first; leaves no timer behind. */
  #wait(ms: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (elapsed: boolean): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        this.#waiting.delete(onAbort);
        resolve(elapsed);
      };
      const onAbort = (): void => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiting.add(onAbort);
    });
  }
}
