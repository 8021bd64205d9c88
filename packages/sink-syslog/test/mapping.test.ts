import { describe, expect, it } from "vitest";
import { auditEvent, type AuditCategory } from "@iw/core";
import { classify } from "../src/mapping.js";
import { blockedScan } from "./helpers.js";

const match = (severity: number) => ({ signature_id: `S${severity}`, matched_text: "t", score: 1, confidence: 1, severity });

describe("classify", () => {
  it("gives scan decisions syslog severities warning (block), notice (flag), informational (allow)", () => {
    expect(classify(blockedScan({ decision: "block" }))).toMatchObject({
      severity: 4,
      msgId: "scan.input.block",
      eventClass: "scan.input.block",
      name: "LLM input blocked",
      audit: false,
    });
    expect(classify(blockedScan({ decision: "flag", direction: "output" }))).toMatchObject({
      severity: 5,
      msgId: "scan.output.flag",
      name: "LLM output flagged",
    });
    expect(classify(blockedScan({ decision: "allow", matches: [] }))).toMatchObject({ severity: 6, msgId: "scan.input.allow" });
  });

  it("keeps the CEF/LEEF severity of a decision in its band (block 7–10, flag 4–8, allow 0–3), moved by the top signature's severity", () => {
    const score = (decision: "block" | "flag" | "allow", severities: number[]) =>
      classify(blockedScan({ decision, matches: severities.map(match) })).score;
    expect([score("block", []), score("block", [3]), score("block", [8.6]), score("block", [2, 10])]).toEqual([7, 7, 9, 10]);
    expect([score("flag", []), score("flag", [6]), score("flag", [10])]).toEqual([4, 6, 8]);
    expect([score("allow", []), score("allow", [2]), score("allow", [9])]).toEqual([0, 2, 3]);
  });

  const audit = (category: AuditCategory, action: string) => classify(auditEvent({ category, action }));

  it("ranks audit categories: rate limiting is a warning, security configuration and access notable, the rest informational", () => {
    const table = Object.fromEntries(
      (["auth", "policy", "config", "signatures", "engines", "tls", "admin", "rate_limit", "lifecycle", "scan"] as const).map((c) => [
        c,
        audit(c, "changed").severity,
      ]),
    );
    expect(table).toEqual({
      auth: 5,
      policy: 5,
      config: 5,
      signatures: 5,
      engines: 6,
      tls: 5,
      admin: 5,
      rate_limit: 4,
      lifecycle: 6,
      scan: 6,
    });
  });

  it("raises an audit action that reports a failure or a refusal to warning", () => {
    for (const action of ["login_failed", "access_denied", "invalid_key", "engine_error", "certificate_expired", "Unauthorized"]) {
      expect(audit("engines", action).severity, action).toBe(4);
    }
    expect(audit("auth", "login_succeeded").severity).toBe(5);
  });

  it("names audit events by category and action, safe for ids", () => {
    expect(audit("rate_limit", "limit hit/ip")).toMatchObject({
      msgId: "audit.rate_limit",
      eventClass: "audit.rate_limit.limit_hit_ip",
      name: "Audit rate_limit: limit hit/ip",
      audit: true,
      score: 6,
    });
  });
});
