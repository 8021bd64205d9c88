import { describe, expect, it } from "vitest";
import { auditEvent, scanLog, toEcs } from "@iw/core";
import { ECS_VERSION } from "../src/events/index.js";

const scan = (matched: boolean, decision: "allow" | "flag" | "block" = "block") =>
  scanLog({
    direction: "input",
    decision,
    anomaly_score: 12.8,
    threshold: 10,
    policy: "default",
    request_id: "req-1",
    service: "gateway",
    host: "gw-1",
    matches: matched
      ? [
          { signature_id: "INJ-D-002", matched_text: "ignore all previous instructions", score: 6.3, confidence: 0.9, severity: 7 },
          { signature_id: "INJ-X-001", matched_text: "x", score: 1, confidence: 0.5, severity: 3.4 },
        ]
      : [],
  });

function keys(o: unknown, prefix = ""): string[] {
  if (o === null || typeof o !== "object" || Array.isArray(o)) return [prefix];
  return Object.entries(o).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe("toEcs", () => {
  it("maps a matched scan decision to an intrusion-detection alert", () => {
    const e = scan(true);
    const doc = toEcs(e);
    expect(doc).toMatchObject({
      "@timestamp": e.timestamp,
      ecs: { version: ECS_VERSION },
      event: {
        kind: "alert",
        category: ["intrusion_detection"],
        type: ["denied"],
        action: "prompt-scan",
        outcome: "success",
        id: e.event_id,
        severity: 7,
        risk_score: 12.8,
        dataset: "inferwall.scan",
      },
      rule: { id: ["INJ-D-002", "INJ-X-001"], ruleset: "default" },
      observer: { vendor: "InferenceWall", product: "InferenceWall", type: "firewall" },
      service: { name: "gateway" },
      host: { name: "gw-1" },
      inferwall: { decision: "block", direction: "input", request_id: "req-1", threshold: 10, matches: e.matches },
    });
  });

  it("maps decisions to event.type and unmatched scans to kind event", () => {
    expect(toEcs(scan(false, "allow"))).toMatchObject({ event: { kind: "event", type: ["allowed"] } });
    expect(toEcs(scan(true, "flag"))).toMatchObject({ event: { kind: "alert", type: ["info"] } });
    expect(toEcs(scan(false))).not.toHaveProperty("rule");
  });

  it("maps audit events, setting source.ip only for a valid IP", () => {
    const a = auditEvent({
      category: "auth",
      action: "login_attempt",
      source_ip: "192.168.1.100",
      key_prefix: "iwk_scan_",
      details: { key_prefix: "iwk_scan_" },
    });
    expect(toEcs(a)).toMatchObject({
      event: { kind: "event", category: ["authentication"], type: ["info"], action: "login_attempt", dataset: "inferwall.audit" },
      source: { ip: "192.168.1.100" },
      inferwall: { category: "auth", key_prefix: "iwk_scan_", details: { key_prefix: "iwk_scan_" } },
    });
    const odd = toEcs(auditEvent({ category: "rate_limit", action: "throttled", source_ip: "unknown" }));
    expect(odd).not.toHaveProperty("source");
    expect(odd).toMatchObject({ event: { category: ["network"], type: ["denied"] }, inferwall: { source_ip: "unknown" } });
  });

  it("never writes event.kind signal nor fields Logstash's ECS mode overwrites", () => {
    const docs = [
      toEcs(scan(true)),
      toEcs(scan(false, "allow")),
      ...(["auth", "policy", "config", "signatures", "engines", "tls", "admin", "rate_limit", "lifecycle", "scan"] as const).map((c) =>
        toEcs(auditEvent({ category: c, action: "a", source_ip: "::1", test: true })),
      ),
    ];
    for (const doc of docs) {
      expect((doc["event"] as { kind: string }).kind).not.toBe("signal");
      const forbidden = keys(doc).filter((k) => /^(url|http|user_agent)\.|^host\.ip$/.test(k));
      expect(forbidden).toEqual([]);
    }
  });

  it("maps a summary event to an ECS metric event, payload under inferwall.*", () => {
    const summary = {
      log_type: "summary",
      timestamp: "2026-04-06T12:01:00Z",
      event_id: "01960000-0000-7000-8000-000000000000",
      interval_start: "2026-04-06T12:00:00Z",
      interval_end: "2026-04-06T12:01:00Z",
      scans: { total: 3, input: { allow: 1, flag: 1, block: 1 }, output: { allow: 0, flag: 0, block: 0 } },
      top_signatures: [{ signature_id: "INJ-D-002", count: 2 }],
    };
    expect(toEcs(summary as unknown as Parameters<typeof toEcs>[0])).toMatchObject({
      "@timestamp": "2026-04-06T12:01:00Z",
      event: {
        kind: "metric",
        dataset: "inferwall.summary",
        start: "2026-04-06T12:00:00Z",
        end: "2026-04-06T12:01:00Z",
        id: summary.event_id,
      },
      inferwall: { log_type: "summary", scans: summary.scans, top_signatures: summary.top_signatures },
    });
  });

  it("does not modify the event", () => {
    const e = Object.freeze(scan(true));
    expect(() => toEcs(e)).not.toThrow();
  });
});
