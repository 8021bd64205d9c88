import { IwError } from "@iw/core";
import type { SendResult } from "@iw/core/sink-kit";

/** The result a well-behaved sink gives when `ctx.signal` ends a send. */
export function abortedResult(name: string, signal: AbortSignal): SendResult {
  const reason: unknown = signal.reason;
  const timedOut = reason instanceof Error && reason.name === "TimeoutError";
  return {
    status: "retryable",
    error: new IwError(timedOut ? "IW_SEND_TIMEOUT" : "IW_SEND_ABORTED", `${name}: send ${timedOut ? "timed out" : "aborted"}`, {
      cause: reason,
    }),
  };
}

/** The result of a send after `close()`: permanent, the sink is gone. */
export function closedResult(name: string): SendResult {
  return { status: "failure", error: new IwError("IW_CLOSED", `${name}: the sink is closed`) };
}
