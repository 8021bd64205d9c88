import { describe, expect, it } from "vitest";
import { scanLog, auditEvent } from "@iw/core";
import { ScanLogSchema, AuditEventSchema } from "../src/schema/index.js";

describe("scanLog", () => {
  it("fills event_id, timestamp and signature_count", () => {
    const e = scanLog({
      direction: "input",
      decision: "allow",
      anomaly_score: 0,
      threshold: 10,
      policy: "default",
      request_id: "r",
      matches: [],
    });
    expect(e.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ScanLogSchema.parse(e)).toEqual(e);
    expect(AuditEventSchema.safeParse(auditEvent({ category: "auth", action: "x" })).success).toBe(true);
  });
});
