import type { IwEvent, Logger } from "@iw/core";
import type { SendContext, Sink } from "@iw/core/sink-kit";
import { auditEvent, scanLog } from "@iw/core";

export { startFluentdReceiver, generateTestCertificates } from "@iw/testkit";
export type { FluentdReceiver, TestCertificates } from "@iw/testkit";

let batchSeq = 0;

/** A send context with a deadline, as the queue builds it. */
export function ctx(timeoutMs = 3000, batchId = `batch-${++batchSeq}`, attempt = 1): SendContext {
  return { signal: AbortSignal.timeout(timeoutMs), attempt, batchId };
}

/** `n` events alternating scan logs and audit events, with distinct ids and fixed timestamps. */
export function events(n: number, kind: "mixed" | "scan" | "audit" = "mixed"): IwEvent[] {
  const out: IwEvent[] = [];
  for (let i = 0; i < n; i++) {
    const timestamp = `2026-04-06T12:00:${String(i % 60).padStart(2, "0")}.123456789Z`;
    const audit = kind === "audit" || (kind === "mixed" && i % 2 === 1);
    out.push(
      audit
        ? auditEvent({
            category: "auth",
            action: "login_attempt",
            details: { i },
            source_ip: "192.168.1.100",
            key_prefix: "iwk_scan_",
            timestamp,
          })
        : scanLog({
            direction: "input",
            decision: "block",
            anomaly_score: 12.8,
            threshold: 10,
            policy: "default",
            request_id: `req-${i}`,
            matches: [
              { signature_id: "INJ-D-002", matched_text: "ignore all previous instructions", score: 6.3, confidence: 0.9, severity: 7 },
            ],
            timestamp,
          }),
    );
  }
  return out;
}

/** A logger that records every line. */
export function recordingLogger(): { lines: { level: string; message: string }[]; logger: Logger } {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  return { lines, logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } };
}

/**
 * Makes every read of each event's `details` countable: encoding a batch reads it, so reads
 * after a batch was prepared mean something encoded the batch again.
 */
export function countDetailReads(batch: readonly IwEvent[]): { events: IwEvent[]; reads: () => number } {
  let reads = 0;
  const out = batch.map((event) => {
    const copy = { ...event } as Record<string, unknown>;
    const details = copy["details"];
    Object.defineProperty(copy, "details", {
      enumerable: true,
      get: () => {
        reads++;
        return details;
      },
    });
    return copy as unknown as IwEvent;
  });
  return { events: out, reads: () => reads };
}

/** Wraps `sink.prepare` to count its calls and note `reads()` once each call has built its payload. */
export function watchPrepare(sink: Sink, reads: () => number): { calls: () => number; readsWhenPrepared: () => number | undefined } {
  const prepare = sink.prepare?.bind(sink);
  if (prepare === undefined) throw new Error(`${sink.name} has no prepare()`);
  let calls = 0;
  let readsWhenPrepared: number | undefined;
  sink.prepare = async (batch, context) => {
    calls++;
    const prepared = await prepare(batch, context);
    readsWhenPrepared = reads();
    return prepared;
  };
  return { calls: () => calls, readsWhenPrepared: () => readsWhenPrepared };
}

/** `batch` with `log_type` behind a counting getter (enumerable, as a field of the record). */
export function countTypeReads(batch: readonly IwEvent[]): { events: IwEvent[]; reads: number[] } {
  const reads = batch.map(() => 0);
  const out = batch.map((event, i) => {
    const copy = { ...event } as Record<string, unknown>;
    const type = copy["log_type"];
    Object.defineProperty(copy, "log_type", { enumerable: true, get: () => ((reads[i] = (reads[i] as number) + 1), type) });
    return copy as unknown as IwEvent;
  });
  return { events: out, reads };
}
