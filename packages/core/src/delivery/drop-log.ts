import { isAudit } from "../events/index.js";
import type { IwEvent } from "../events/index.js";
import type { DropReason } from "./stats.js";
import type { QueueCounters } from "./counters.js";
import type { QueueDiagnostics } from "./diagnostics.js";

const NAMED_IDS = 5;

/**
 * Counting and telling about dropped events, the one place that does both. Routine drops (a
 * full budget on the emit path, close) are rate-limited lines; events the collector refused are
 * named by `event_id`, because collectors de-duplicate by it and operators search by it.
 */
export class DropLog {
  readonly #counters: QueueCounters;
  readonly #diag: QueueDiagnostics;

  constructor(counters: QueueCounters, diag: QueueDiagnostics) {
    this.#counters = counters;
    this.#diag = diag;
  }

  /** Counts `n` events dropped for `reason` (from one lane, when known). Allocates nothing while rate-limited. */
  count(reason: DropReason, n: number, error?: unknown, lane?: "audit" | "scan"): void {
    this.#counters.drop(reason, n);
    const key = lane === undefined ? reason : `${reason}:${lane}`;
    const suppressed = this.#diag.gate(key);
    if (suppressed === undefined) return;
    const what = lane === undefined ? `event${n === 1 ? "" : "s"}` : `${lane} event${n === 1 ? "" : "s"}`;
    this.#diag.always(
      reason === "closed" ? "info" : "warn",
      `dropped ${n} ${what} (${reason})${error instanceof Error ? `: ${error.message}` : ""}`,
      {
        reason,
        ...(lane === undefined ? {} : { lane }),
        droppedForReason: this.#counters.droppedFor(reason),
        ...(suppressed > 0 ? { suppressed } : {}),
      },
    );
  }

  /** Counts a batch's events dropped for `reason`; refused ones are named. */
  batch(events: readonly IwEvent[], reason: DropReason, error?: unknown): void {
    if (reason !== "rejected" && reason !== "too_large") {
      // Said per lane: a lost audit event is what an operator looks for first.
      let audits = 0;
      for (const e of events) if (isAudit(e)) audits++;
      if (audits > 0) this.count(reason, audits, error, "audit");
      if (audits < events.length) this.count(reason, events.length - audits, error, "scan");
      return;
    }
    this.#counters.drop(reason, events.length);
    const line = describeDrop(events, reason, error);
    // A single event isolated by splitting is rare by construction: always said. Whole batches
    // (a destination refusing everything) are rate-limited like any repeated problem.
    if (events.length === 1) this.#diag.always("warn", line.message, line.fields);
    else this.#diag.report(`drop:${reason}`, "warn", () => [line.message, line.fields]);
  }
}

/** The log line of events dropped as refused: how many, why, and their `event_id`s. */
export function describeDrop(
  events: readonly IwEvent[],
  reason: string,
  error: unknown,
): { message: string; fields: Record<string, unknown> } {
  const ids = events.slice(0, NAMED_IDS).map((e) => (typeof e?.event_id === "string" ? e.event_id : "?"));
  const more = events.length > NAMED_IDS ? ` and ${events.length - NAMED_IDS} more` : "";
  const why = error instanceof Error ? `: ${error.message}` : "";
  const n = events.length;
  return {
    message: `dropped ${n} event${n === 1 ? "" : "s"} the collector refused (${reason})${why}; event_id ${ids.join(", ")}${more}`,
    fields: { reason, event_ids: ids, dropped: n },
  };
}
