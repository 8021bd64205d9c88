import { describe, expect, it } from "vitest";
import { auditEvent, scanLog } from "@iw/core";
import { AuditEventSchema, IwEventSchema, ScanLogSchema } from "../src/schema/index.js";

// The two payloads InferenceWall's Logstash plugin sends, verbatim (shared/PROTOCOLS.md).
const SCAN_SAMPLE = `{"log_type":"scan","timestamp":"2026-04-06T12:00:00Z","direction":"input","decision":"block",
 "anomaly_score":12.8,"threshold":10.0,"policy":"default","request_id":"req-1712345678000",
 "matches":[{"signature_id":"INJ-D-002","matched_text":"ignore all previous instructions",
 "score":6.3,"confidence":0.9,"severity":7.0}],"signature_count":1}`;
const AUDIT_SAMPLE = `{"log_type":"audit","timestamp":"2026-04-06T12:00:00Z","category":"auth",
 "action":"login_attempt","details":{"key_prefix":"iwk_scan_"},"source_ip":"192.168.1.100",
 "key_prefix":"iwk_scan_"}`;

const EVENT_ID = "01960a6e-8c00-7000-8000-000000000001";

/** Every path in a JSON value with the JSON type at that path. */
function shape(value: unknown, path = "$", out: Record<string, string> = {}): Record<string, string> {
  if (Array.isArray(value)) {
    out[path] = "array";
    value.forEach((v, i) => shape(v, `${path}[${i}]`, out));
  } else if (value !== null && typeof value === "object") {
    out[path] = "object";
    for (const [k, v] of Object.entries(value)) shape(v, `${path}.${k}`, out);
  } else {
    out[path] = value === null ? "null" : typeof value;
  }
  return out;
}

describe("InferenceWall wire compatibility", () => {
  for (const [name, text, schema] of [
    ["scan log", SCAN_SAMPLE, ScanLogSchema],
    ["audit event", AUDIT_SAMPLE, AuditEventSchema],
  ] as const) {
    it(`parses the ${name} sample and keeps every field name, value and type`, () => {
      const sample = JSON.parse(text) as Record<string, unknown>;
      const parsed = schema.parse({ ...sample, event_id: EVENT_ID });
      expect(IwEventSchema.safeParse(parsed).success).toBe(true);
      const roundTrip = JSON.parse(JSON.stringify(parsed)) as Record<string, unknown>;
      const { event_id, ...rest } = roundTrip;
      expect(event_id).toBe(EVENT_ID);
      expect(shape(rest)).toEqual(shape(sample));
      expect(rest).toEqual(sample);
    });
  }

  it("builds, with scanLog(), a payload with exactly InferenceWall's fields plus event_id", () => {
    const sample = JSON.parse(SCAN_SAMPLE) as Record<string, unknown>;
    const { log_type: _l, signature_count: _c, ...input } = sample;
    const built = JSON.parse(JSON.stringify(scanLog(input as Parameters<typeof scanLog>[0]))) as Record<string, unknown>;
    expect(Object.keys(built).sort()).toEqual([...Object.keys(sample), "event_id"].sort());
    const { event_id: _e, ...rest } = built;
    expect(shape(rest)).toEqual(shape(sample));
    expect(rest).toEqual(sample);
  });

  it("builds, with auditEvent(), a payload with exactly InferenceWall's fields plus event_id", () => {
    const sample = JSON.parse(AUDIT_SAMPLE) as Record<string, unknown>;
    const { log_type: _l, ...input } = sample;
    const built = JSON.parse(JSON.stringify(auditEvent(input as Parameters<typeof auditEvent>[0]))) as Record<string, unknown>;
    expect(Object.keys(built).sort()).toEqual([...Object.keys(sample), "event_id"].sort());
    const { event_id: _e, ...rest } = built;
    expect(rest).toEqual(sample);
  });

  it("rejects what InferenceWall would never send", () => {
    const sample = { ...(JSON.parse(SCAN_SAMPLE) as Record<string, unknown>), event_id: EVENT_ID };
    expect(ScanLogSchema.safeParse({ ...sample, decision: "deny" }).success).toBe(false);
    expect(ScanLogSchema.safeParse({ ...sample, anomaly_score: "12.8" }).success).toBe(false);
    expect(AuditEventSchema.safeParse({ ...(JSON.parse(AUDIT_SAMPLE) as object), event_id: EVENT_ID, category: "billing" }).success).toBe(
      false,
    );
  });
});
