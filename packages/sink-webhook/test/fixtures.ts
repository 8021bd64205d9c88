import { auditEvent, scanLog } from "@iw/core";
import type { IwEvent } from "@iw/core";

/** A 32-byte secret and a second one for rotation tests. */
export const SECRET_A = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
export const SECRET_B = `whsec_${Buffer.alloc(32, 9).toString("base64")}`;

/** A blocked prompt injection, as InferenceWall logs it. */
export function blockedScan(n = 0): IwEvent {
  return scanLog({
    direction: "input",
    decision: "block",
    anomaly_score: 12.8,
    threshold: 10,
    policy: "default",
    request_id: `req-${n}`,
    matches: [{ signature_id: "INJ-D-002", matched_text: "ignore all previous instructions", score: 6.3, confidence: 0.9, severity: 7 }],
  });
}

/** A failed login audit event. */
export function failedLogin(): IwEvent {
  return auditEvent({ category: "auth", action: "login_failed", source_ip: "192.0.2.1", details: { key_prefix: "iwk_scan_" } });
}

/** `n` events alternating scan logs and audit events. */
export function mixedBatch(n: number): IwEvent[] {
  return Array.from({ length: n }, (_, i) => (i % 2 === 0 ? blockedScan(i) : failedLogin()));
}

/**
 * A blocked scan that counts how often it is serialized: its match has a (non-enumerable)
 * `toJSON`, which `JSON.stringify` calls once per encoding, and which nothing else reads.
 */
export function countingScan(): { event: IwEvent; encodes: () => number } {
  const event = blockedScan(99);
  let n = 0;
  const match = { ...(event as { matches: object[] }).matches[0]! };
  Object.defineProperty(match, "toJSON", {
    enumerable: false,
    value(this: object) {
      n++;
      return { ...this };
    },
  });
  (event as { matches: object[] }).matches = [match];
  return { event, encodes: () => n };
}
