import { IwError } from "@iw/core";
import type { IwEvent } from "@iw/core";
import type { SendContext, SendResult, Sink } from "@iw/core/sink-kit";
import { abortedResult, closedResult } from "./fake-results.js";
import { waitFor } from "./wait.js";

/**
 * What one `send` call does. A bare string is the step with its defaults.
 * - `success`, `failure` (optionally `disable`), `retryable` (optionally `retryAfterMs`),
 *   `too_large`: resolve that result, after `delayMs` if given (the delay honours `ctx.signal`).
 * - `throw`: the returned promise rejects (a misbehaving sink); `throw_sync`: `send` throws
 *   before returning a promise.
 * - `hang`: never answers, but resolves `retryable` (`IW_SEND_ABORTED`) when `ctx.signal` aborts
 *   or the sink closes; with `ignoreSignal: true` it ignores the signal too (a broken sink).
 */
export type ScriptedStep =
  | "success"
  | "retryable"
  | "failure"
  | "too_large"
  | "throw"
  | "throw_sync"
  | "hang"
  | { readonly status: "success"; readonly delayMs?: number }
  | { readonly status: "retryable"; readonly retryAfterMs?: number; readonly message?: string; readonly delayMs?: number }
  | { readonly status: "failure"; readonly disable?: boolean; readonly message?: string; readonly delayMs?: number }
  | { readonly status: "too_large"; readonly message?: string; readonly delayMs?: number }
  | { readonly status: "throw" | "throw_sync"; readonly error?: unknown; readonly delayMs?: number }
  | { readonly status: "hang"; readonly ignoreSignal?: boolean };

/** One recorded `send` call. `result`/`threw` are filled in when it settles. */
export interface ScriptedSinkCall {
  /** 0 for the first call. */
  readonly index: number;
  /** A copy of the batch array (the events themselves are not copied). */
  readonly batch: readonly IwEvent[];
  readonly batchId: string;
  readonly attempt: number;
  readonly step: Exclude<ScriptedStep, string>;
  /** `Date.now()` when `send` was called. */
  readonly startedAt: number;
  settledAt?: number;
  result?: SendResult;
  threw?: unknown;
}

/** Options of {@link ScriptedSink}. */
export interface ScriptedSinkOptions {
  /** The sink's name. @default "scripted" */
  readonly name?: string;
  /**
   * The steps, one per call in order, or a function choosing the step of each call (it sees the
   * call's index, batch and context). @default [] (every call uses `then`)
   */
  readonly script?: readonly ScriptedStep[] | ((call: { index: number; batch: readonly IwEvent[]; ctx: SendContext }) => ScriptedStep);
  /** The step used once a list script is exhausted. @default "success" */
  readonly then?: ScriptedStep;
}

/**
 * A sink that answers each `send` as scripted, and records every call with its `batchId`,
 * `attempt`, step and outcome: the fake for testing the delivery queue.
 */
export class ScriptedSink implements Sink {
  readonly name: string;
  readonly #script: ScriptedSinkOptions["script"];
  readonly #then: ScriptedStep;
  readonly #calls: ScriptedSinkCall[] = [];
  readonly #pending = new Set<() => void>();
  #closed = false;
  #closeCount = 0;

  constructor(options: ScriptedSinkOptions = {}) {
    this.name = options.name ?? "scripted";
    this.#script = options.script ?? [];
    this.#then = options.then ?? "success";
  }

  /** Every call so far, in call order. */
  get calls(): readonly ScriptedSinkCall[] {
    return this.#calls;
  }

  /** Events of the calls that resolved `success`, in call order. */
  get delivered(): readonly IwEvent[] {
    return this.#calls.filter((c) => c.result?.status === "success").flatMap((c) => c.batch);
  }

  /** Calls that have not settled yet. */
  get inFlight(): number {
    return this.#calls.filter((c) => c.settledAt === undefined).length;
  }

  /** How many times `close()` was called. */
  get closeCount(): number {
    return this.#closeCount;
  }

  /** Resolves once at least `count` calls were made. */
  async waitForCalls(count: number, timeoutMs = 5000): Promise<readonly ScriptedSinkCall[]> {
    return waitFor(() => this.#calls.length >= count && this.#calls, {
      timeoutMs,
      what: `${count} send calls to ${this.name} (got ${this.#calls.length})`,
    });
  }

  send(batch: readonly IwEvent[], ctx: SendContext): Promise<SendResult> {
    const index = this.#calls.length;
    const step = normalize(this.#stepFor(index, batch, ctx));
    const call: ScriptedSinkCall = { index, batch: [...batch], batchId: ctx.batchId, attempt: ctx.attempt, step, startedAt: Date.now() };
    this.#calls.push(call);
    if (step.status === "throw_sync") {
      call.settledAt = Date.now();
      call.threw = step.error ?? new Error(`${this.name}: scripted synchronous throw (call ${index})`);
      throw call.threw;
    }
    return this.#run(call, step, ctx).then(
      (result) => {
        call.settledAt = Date.now();
        call.result = result;
        return result;
      },
      (err: unknown) => {
        call.settledAt = Date.now();
        call.threw = err;
        throw err;
      },
    );
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#closeCount++;
    for (const wake of [...this.#pending]) wake();
    return Promise.resolve();
  }

  #stepFor(index: number, batch: readonly IwEvent[], ctx: SendContext): ScriptedStep {
    const script = this.#script;
    if (typeof script === "function") return script({ index, batch, ctx });
    return script?.[index] ?? this.#then;
  }

  async #run(call: ScriptedSinkCall, step: Exclude<ScriptedStep, string>, ctx: SendContext): Promise<SendResult> {
    if (this.#closed) return closedResult(this.name);
    if (step.status === "hang") {
      await this.#park(step.ignoreSignal ? undefined : ctx.signal);
      return this.#closed ? closedResult(this.name) : abortedResult(this.name, ctx.signal);
    }
    if (ctx.signal.aborted) return abortedResult(this.name, ctx.signal);
    if (step.delayMs !== undefined && step.delayMs > 0 && !(await this.#park(ctx.signal, step.delayMs))) {
      return this.#closed ? closedResult(this.name) : abortedResult(this.name, ctx.signal);
    }
    const what = `${this.name}: scripted ${step.status} (call ${call.index})`;
    switch (step.status) {
      case "success":
        return { status: "success" };
      case "retryable": {
        const error = new IwError("IW_NETWORK", step.message ?? what);
        return step.retryAfterMs === undefined
          ? { status: "retryable", error }
          : { status: "retryable", error, retryAfterMs: step.retryAfterMs };
      }
      case "failure": {
        const error = new IwError("IW_HTTP_STATUS", step.message ?? what);
        return step.disable ? { status: "failure", error, disable: true } : { status: "failure", error };
      }
      case "too_large":
        return { status: "too_large", error: new IwError("IW_HTTP_STATUS", step.message ?? what) };
      case "throw":
      case "throw_sync":
        // A scripted misbehaving sink may reject with anything, errors or not.
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw step.error ?? new Error(`${what} threw`);
    }
  }

  /** Waits for `ms` (forever when undefined); true when the time elapsed. Wakes on abort/close. */
  #park(signal: AbortSignal | undefined, ms?: number): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (elapsed: boolean): void => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener("abort", wake);
        this.#pending.delete(wake);
        resolve(elapsed);
      };
      const wake = (): void => finish(false);
      const timer = ms === undefined ? undefined : setTimeout(() => finish(true), ms);
      if (signal?.aborted) return finish(false);
      signal?.addEventListener("abort", wake, { once: true });
      this.#pending.add(wake);
    });
  }
}

function normalize(step: ScriptedStep): Exclude<ScriptedStep, string> {
  return typeof step === "string" ? { status: step } : step;
}
