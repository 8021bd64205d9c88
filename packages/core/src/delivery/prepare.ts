import { IwError } from "../diagnostics/index.js";
import type { Prepared, Sink } from "../sink/index.js";
import type { AttemptOutcome } from "./attempt.js";

/**
 * Runs `sink.prepare` once for a batch, under the attempt deadline: a payload, or the outcome
 * that stands for the attempt (`serialize` when it throws, `timeout` when it takes too long).
 */
export async function prepareBatch(
  sink: Sink & Required<Pick<Sink, "prepare">>,
  events: Parameters<Required<Sink>["prepare"]>[0],
  batchId: string,
  timeoutMs: number,
): Promise<{ readonly prepared: Prepared<unknown> } | { readonly outcome: AttemptOutcome }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const late = new Promise<AttemptOutcome>((resolve) => {
      const error = new IwError("IW_SEND_TIMEOUT", `${sink.name}: preparing the batch took longer than ${timeoutMs} ms`);
      timer = setTimeout(() => resolve({ status: "retryable", reason: "timeout", error }), timeoutMs);
      timer.unref?.();
    });
    const result = await Promise.race([Promise.resolve().then(() => sink.prepare(events, { batchId })), late]);
    return "status" in result ? { outcome: result } : { prepared: result };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      outcome: {
        status: "failure",
        reason: "serialize",
        error: new IwError("IW_SERIALIZE", `${sink.name}: cannot encode the batch: ${why}`, { cause: err }),
      },
    };
  } finally {
    clearTimeout(timer);
  }
}
