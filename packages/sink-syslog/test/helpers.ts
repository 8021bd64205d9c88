import type { IwEvent, Logger } from "@iw/core";
import type { SendContext } from "@iw/core/sink-kit";
import { auditEvent, scanLog } from "@iw/core";
import type { SyslogPayload } from "../src/payload.js";

let batchSeq = 0;

/** A send context with a deadline, as the queue builds it. */
export function ctx(timeoutMs = 3000, payload?: SyslogPayload): SendContext<SyslogPayload> {
  return {
    signal: AbortSignal.timeout(timeoutMs),
    attempt: 1,
    batchId: `batch-${++batchSeq}`,
    ...(payload === undefined ? {} : { payload }),
  };
}

/** A scan log that blocked a prompt injection. */
export function blockedScan(over: Partial<Parameters<typeof scanLog>[0]> = {}): IwEvent {
  return scanLog({
    direction: "input",
    decision: "block",
    anomaly_score: 12.8,
    threshold: 10,
    policy: "default",
    request_id: "req-1",
    matches: [{ signature_id: "INJ-D-002", matched_text: "ignore all previous instructions", score: 6.3, confidence: 0.9, severity: 7 }],
    timestamp: "2026-04-06T12:00:00.123Z",
    ...over,
  });
}

/** A failed login. */
export function failedLogin(over: Partial<Parameters<typeof auditEvent>[0]> = {}): IwEvent {
  return auditEvent({
    category: "auth",
    action: "login_failed",
    details: { key_prefix: "iwk_scan_", attempts: 3 },
    source_ip: "192.168.1.100",
    key_prefix: "iwk_scan_",
    timestamp: "2026-04-06T12:00:01.000Z",
    ...over,
  });
}

/** A logger that records every line. */
export function recordingLogger(): Logger & { lines: string[]; text(): string } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, text: () => lines.join("\n"), debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
