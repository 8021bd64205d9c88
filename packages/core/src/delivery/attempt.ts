import { IwError } from "../diagnostics/index.js";
import type { IwEvent } from "../events/index.js";
import type { FailureReason, SendResult, Sink } from "../sink/index.js";

/** How one attempt ended: a sink result, or the sink broke its contract (threw, bad result). */
export type AttemptOutcome = SendResult | { readonly status: "threw"; readonly error: Error };

/** A running attempt. */
export interface Attempt {
  /** Aborts the request; `onDone` is then never called. */
  abort(reason: Error): void;
}

const STATUSES = new Set(["success", "retryable", "failure", "too_large"]);

/**
 * Calls `sink.send` once with an `AbortSignal` that fires after `timeoutMs`. The attempt ends
 * at the deadline whether or not the sink honours the signal, so a sink that never answers
 * cannot hold a batch (or the queue) forever: the outcome is then a retryable
 * `IW_SEND_TIMEOUT`. `onDone` is called exactly once unless `abort` comes first.
 */
export function startAttempt(
  sink: Sink,
  events: readonly IwEvent[],
  ctx: { readonly attempt: number; readonly batchId: string; readonly payload?: unknown },
  timeoutMs: number,
  onDone: (outcome: AttemptOutcome) => void,
): Attempt {
  const controller = new AbortController();
  let finished = false;
  const finish = (outcome: AttemptOutcome): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    onDone(outcome);
  };
  const timer = setTimeout(() => {
    const error = new IwError("IW_SEND_TIMEOUT", `${sink.name}: no answer within ${timeoutMs} ms`);
    controller.abort(error);
    finish({ status: "retryable", reason: "timeout", error });
  }, timeoutMs);
  timer.unref?.();

  try {
    const pending = sink.send(events, { signal: controller.signal, attempt: ctx.attempt, batchId: ctx.batchId, payload: ctx.payload });
    void Promise.resolve(pending).then(
      (result) => finish(checkResult(sink.name, result)),
      (err: unknown) => finish(threw(sink.name, err)),
    );
  } catch (err) {
    finish(threw(sink.name, err));
  }

  return {
    abort(reason: Error): void {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      controller.abort(reason);
    },
  };
}

function threw(name: string, err: unknown): AttemptOutcome {
  const message = err instanceof Error ? err.message : String(err);
  return {
    status: "threw",
    error: new IwError("IW_SINK_THREW", `${name}: send threw instead of returning a result: ${message}`, { cause: err }),
  };
}

function checkResult(name: string, result: unknown): AttemptOutcome {
  const status = (result as { status?: unknown } | null | undefined)?.status;
  if (typeof status !== "string" || !STATUSES.has(status)) {
    return { status: "threw", error: new IwError("IW_SINK_THREW", `${name}: send returned an invalid result`) };
  }
  const r = result as SendResult;
  if (r.status !== "success" && !(r.error instanceof Error)) {
    // Keep the queue's bookkeeping sound even if a custom sink forgets the error.
    return { ...r, error: new IwError("IW_PROTOCOL", `${name}: ${r.status} without an error`) };
  }
  return r;
}

const CODE_REASONS: Readonly<Record<string, FailureReason>> = {
  IW_AUTH: "auth",
  IW_TLS: "tls",
  IW_SEND_TIMEOUT: "timeout",
  IW_NETWORK: "network",
  IW_SEND_ABORTED: "network",
  IW_SERIALIZE: "serialize",
  IW_CLOSED: "closed",
};

/**
 * The reason of a failed outcome: the sink's own, or, for a sink written before reasons
 * existed, one read from the error's code or HTTP status.
 */
export function reasonOf(outcome: Exclude<AttemptOutcome, { status: "success" }>): FailureReason {
  if (outcome.status === "threw") return "rejected";
  if (outcome.reason !== undefined) return outcome.reason;
  if (outcome.status === "too_large") return "too_large";
  const error = outcome.error as { code?: unknown; status?: unknown };
  const byCode = typeof error.code === "string" ? CODE_REASONS[error.code] : undefined;
  if (byCode !== undefined) return byCode;
  if (typeof error.status === "number") {
    if (error.status === 408 || error.status === 429) return "throttled";
    if (error.status >= 500) return "server";
    if (error.status === 410) return "gone";
  }
  return outcome.status === "failure" ? "rejected" : "server";
}
