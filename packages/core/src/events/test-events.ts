import { auditEvent, scanLog } from "./events.js";
import type { AuditEvent, IwEvent, ScanLog } from "./events.js";
import { AUDIT_CATEGORY_NAMES } from "./audit-categories.js";

/** The text that marks every event `Dispatcher.test()` sends. */
export const TEST_MESSAGE = "[Test message]";

/**
 * Candidate `[Test message]` events (`test: true`), most representative first: scan logs for
 * each decision (block first), then an audit event for each category (admin first). `test()`
 * keeps, per sink, the first scan log and the first audit event that sink's filter accepts, so
 * a sink filtered down to "block" or "audit:auth" still gets a test event it would really ship.
 */
export function testEventCandidates(): { readonly scan: readonly ScanLog[]; readonly audit: readonly AuditEvent[] } {
  const requestId = `test-${Date.now()}`;
  const scan = (["block", "flag", "allow"] as const).map((decision) =>
    scanLog({
      test: true,
      direction: "input",
      decision,
      anomaly_score: decision === "allow" ? 0 : 10,
      threshold: 10,
      policy: "default",
      request_id: requestId,
      matches:
        decision === "allow" ? [] : [{ signature_id: "IW-TEST-0001", matched_text: TEST_MESSAGE, score: 10, confidence: 1, severity: 1 }],
    }),
  );
  const audit = AUDIT_CATEGORY_NAMES.map((category) =>
    auditEvent({
      test: true,
      category,
      action: "test_message",
      details: { message: TEST_MESSAGE },
      source_ip: null,
      key_prefix: null,
    }),
  );
  return { scan, audit };
}

/** The test events one sink gets: the first accepted scan log and the first accepted audit event. */
export function selectTestEvents(accepts: (event: IwEvent) => boolean): IwEvent[] {
  const { scan, audit } = testEventCandidates();
  const picked: IwEvent[] = [];
  const first = <T extends IwEvent>(list: readonly T[]): T | undefined => list.find((e) => safeAccepts(accepts, e));
  const s = first(scan);
  const a = first(audit);
  if (s) picked.push(s);
  if (a) picked.push(a);
  return picked;
}

function safeAccepts(accepts: (event: IwEvent) => boolean, event: IwEvent): boolean {
  try {
    return accepts(event);
  } catch {
    return false;
  }
}
