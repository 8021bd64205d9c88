import type { IwEvent } from "@iw/core";
import type { SendContext, SendResult, Sink } from "@iw/core/sink-kit";
import { auditEvent, scanLog } from "@iw/core";
import { IwError } from "../../src/diagnostics/errors.js";
import type { SinkStats } from "../../src/delivery/stats.js";
import { expect } from "vitest";

/** One scripted answer: a result, a throw, a promise that never settles, or a manual one. */
export type Step =
  SendResult | "throw" | "reject" | "hang" | "manual" | ((batch: readonly IwEvent[], ctx: SendContext) => SendResult | Promise<SendResult>);

export interface Call {
  readonly batch: readonly IwEvent[];
  readonly ctx: SendContext;
  readonly at: number;
  /** For "manual" steps: settles the call. */
  resolve?: (result: SendResult) => void;
}

/** A tiny scripted sink: answers each `send` with the next step (then `fallback`). */
export class ScriptSink implements Sink {
  readonly name: string;
  readonly calls: Call[] = [];
  closeCalls = 0;
  fallback: Step = { status: "success" };
  readonly #steps: Step[] = [];

  constructor(name = "script") {
    this.name = name;
  }

  /** Queues answers for the next calls. */
  script(...steps: Step[]): this {
    this.#steps.push(...steps);
    return this;
  }

  send(batch: readonly IwEvent[], ctx: SendContext): Promise<SendResult> {
    const step = this.#steps.shift() ?? this.fallback;
    const call: Call = { batch: [...batch], ctx, at: Date.now() };
    this.calls.push(call);
    if (step === "throw") throw new Error("sink bug");
    if (step === "reject") return Promise.reject(new Error("sink bug (async)"));
    if (step === "hang") return new Promise<SendResult>(() => {});
    if (step === "manual") return new Promise<SendResult>((resolve) => (call.resolve = resolve));
    if (typeof step === "function") return Promise.resolve(step(batch, ctx));
    return Promise.resolve(step);
  }

  close(): Promise<void> {
    this.closeCalls++;
    return Promise.resolve();
  }

  /** Every event id the sink received, in order. */
  ids(): string[] {
    return this.calls.flatMap((c) => c.batch.map((e) => e.event_id));
  }
}

export const retryable = (retryAfterMs?: number): SendResult => ({
  status: "retryable",
  error: new IwError("IW_HTTP_STATUS", "collector answered 503"),
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});
export const failure = (disable = false): SendResult => ({
  status: "failure",
  error: new IwError("IW_HTTP_STATUS", disable ? "collector answered 410" : "collector answered 400"),
  ...(disable ? { disable } : {}),
});
export const tooLarge = (): SendResult => ({ status: "too_large", error: new IwError("IW_HTTP_STATUS", "collector answered 413") });

let seq = 0;
/** A scan log with a recognisable id. */
export function scan(id = `s${++seq}`): IwEvent {
  return scanLog({
    event_id: id,
    direction: "input",
    decision: "block",
    anomaly_score: 1,
    threshold: 1,
    policy: "p",
    request_id: id,
    matches: [],
  });
}
/** An audit event with a recognisable id. */
export function audit(id = `a${++seq}`): IwEvent {
  return auditEvent({ event_id: id, category: "auth", action: "login" });
}

/** Asserts `emitted == delivered + dropped.total + queued + inFlight`. */
export function expectInvariant(s: SinkStats): void {
  expect(s.emitted, JSON.stringify(s)).toBe(s.delivered + s.dropped.total + s.queued + s.inFlight);
}
