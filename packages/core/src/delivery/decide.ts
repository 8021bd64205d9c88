import type { FailureReason } from "../sink/index.js";
import type { Batch } from "./batch.js";
import type { QueueOptions } from "./queue-options.js";
import type { DropReason } from "./stats.js";

/** What to do with a batch after a failed attempt. */
export type Decision =
  /** Keep it for another attempt. `sinkWide`: the destination looks sick, pause the sink. */
  | { readonly kind: "retry"; readonly sinkWide: boolean }
  /** Narrow it down: send each half on its own. */
  | { readonly kind: "split" }
  | { readonly kind: "drop"; readonly reason: DropReason }
  | { readonly kind: "disable" };

/** What the sink saw since the batch was last marked (its last failure, or its split). */
export interface Evidence {
  /** Other attempts succeeded since the mark. */
  readonly othersGotThrough: boolean;
  /** Other attempts failed since the mark. */
  readonly othersFailed: boolean;
  /** Nothing else is waiting or in flight: this batch is all the sink has to probe with. */
  readonly alone: boolean;
}

/** Reasons that say the destination as a whole is unavailable, never this payload. */
const SINK_WIDE: ReadonlySet<FailureReason> = new Set(["auth", "tls", "throttled", "closed"]);

/**
 * The policy that keeps a sink moving whatever one batch does. "The destination is down"
 * (everything fails) is told apart from "the destination refuses this payload" (this batch
 * fails while other batches get through, and none fails meanwhile): the first keeps every
 * batch, within the budget, for as long as it takes; the second splits the batch until the
 * refused events stand alone, and drops those after `maxRefusals` tries. A permanent answer
 * (4xx) is narrowed down the same way, unless nothing at all gets through, which is a
 * destination that refuses everything (a wrong path): then the batch is dropped whole instead
 * of multiplying requests.
 */
export function decide(
  batch: Batch,
  status: "retryable" | "failure" | "too_large" | "threw",
  reason: FailureReason,
  disable: boolean,
  evidence: Evidence,
  options: Pick<QueueOptions, "maxRetries" | "maxRefusals">,
): Decision {
  const n = batch.events.length;
  if (status === "threw") return { kind: "drop", reason: "malformed" };
  if (status === "too_large") return n > 1 ? { kind: "split" } : { kind: "drop", reason: "too_large" };
  if (status === "failure") {
    if (disable) return { kind: "disable" };
    if (reason === "serialize") return n > 1 ? { kind: "split" } : { kind: "drop", reason: "malformed" };
    if (n > 1 && (batch.depth === 0 || evidence.othersGotThrough)) return { kind: "split" };
    return { kind: "drop", reason: "rejected" };
  }
  if (batch.attempt - 1 >= options.maxRetries) return { kind: "drop", reason: "retries_exhausted" };
  if (SINK_WIDE.has(reason)) return { kind: "retry", sinkWide: true };
  // An event refused once already stays suspect while nothing else fails: with no other traffic
  // to compare against, it must not be probed forever (and hold flush() back) on its own word.
  const refused =
    (batch.mark !== undefined && evidence.othersGotThrough && !evidence.othersFailed) || (batch.refusals > 0 && !evidence.othersFailed);
  if (!refused) {
    // A batch failing on its own, with nothing else to compare against, is split once: if the
    // collector is up, one half gets through and that is the evidence; if it is down, two
    // batches wait instead of one.
    if (evidence.alone && n > 1 && batch.failures >= 2 && (reason === "server" || reason === "timeout")) return { kind: "split" };
    return { kind: "retry", sinkWide: true };
  }
  if (n > 1) return { kind: "split" };
  if (batch.refusals + 1 >= options.maxRefusals) return { kind: "drop", reason: "rejected" };
  return { kind: "retry", sinkWide: false };
}
