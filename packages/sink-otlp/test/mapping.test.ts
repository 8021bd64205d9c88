import { describe, expect, it } from "vitest";
import { auditEvent, scanLog } from "@iw/core";
import type { IwEvent } from "@iw/core";
import { otlpOptions } from "../src/options.js";
import { ResourceCache, SINK_VERSION } from "../src/resource.js";
import { hrTimeOf, toLogRecord } from "../src/mapping.js";
import { severityOf } from "../src/severity.js";

/** The default service name, written once in the options (`unknown_service:node`). */
const DEFAULT_SERVICE_NAME = otlpOptions.resolve({ url: "http://collector:4318" }).defaultServiceName;
const resources = () => new ResourceCache({ serviceName: undefined, defaultServiceName: DEFAULT_SERVICE_NAME, resourceAttributes: {} });
const scan = (decision: "allow" | "flag" | "block") =>
  scanLog({
    direction: "input",
    decision,
    anomaly_score: 12.8,
    threshold: 10,
    policy: "default",
    request_id: "req-1",
    matches: [{ signature_id: "INJ-D-002", matched_text: "***", score: 6.3, confidence: 0.9, severity: 7 }],
  });

describe("severityOf", () => {
  it.each([
    ["allow", 9, "INFO"],
    ["flag", 13, "WARN"],
    ["block", 17, "ERROR"],
  ] as const)("maps a scan %s to %i %s", (decision, number, text) => {
    expect(severityOf(scan(decision))).toEqual({ number, text });
  });

  it.each([
    ["auth", "login_attempt", 9],
    ["auth", "login_failed", 13],
    ["rate_limit", "throttled", 13],
    ["config", "reload", 9],
    ["lifecycle", "sink_disabled", 13],
    ["admin", "key_revoked", 13],
  ] as const)("maps an audit %s/%s to %i", (category, action, number) => {
    expect(severityOf(auditEvent({ category, action })).number).toBe(number);
  });
});

describe("toLogRecord", () => {
  it("names the event, keeps the event_id as log.record.uid and the scan fields as inferwall.* attributes", () => {
    const event = scan("block");
    const r = toLogRecord(event, resources());
    expect(r.eventName).toBe("inferwall.scan");
    expect(r.body).toBe("input scan block: anomaly score 12.8 (threshold 10), 1 signature");
    expect(r.attributes).toEqual({
      "event.name": "inferwall.scan",
      "log.record.uid": event.event_id,
      "inferwall.direction": "input",
      "inferwall.decision": "block",
      "inferwall.anomaly_score": 12.8,
      "inferwall.threshold": 10,
      "inferwall.policy": "default",
      "inferwall.request_id": "req-1",
      "inferwall.signature_count": 1,
      "inferwall.signature_ids": ["INJ-D-002"],
      "inferwall.matches": event.matches,
    });
  });

  it("puts an audit event's source_ip in client.address and leaves absent fields out", () => {
    const withIp = toLogRecord(
      auditEvent({ category: "auth", action: "login_attempt", source_ip: "192.168.1.100", key_prefix: "iwk_", details: { a: 1 } }),
      resources(),
    );
    expect(withIp.attributes).toMatchObject({
      "client.address": "192.168.1.100",
      "inferwall.key_prefix": "iwk_",
      "inferwall.details": { a: 1 },
      "inferwall.category": "auth",
    });
    const bare = toLogRecord(auditEvent({ category: "config", action: "reload", source_ip: null }), resources());
    expect(Object.keys(bare.attributes)).not.toContain("client.address");
    expect(bare.body).toBe("audit config: reload");
  });

  it("marks test events and maps an unknown log_type without losing its fields", () => {
    const test = toLogRecord({ ...scan("allow"), test: true }, resources());
    expect(test.attributes["inferwall.test"]).toBe(true);
    const other = toLogRecord(
      { log_type: "future", event_id: "e1", timestamp: "2026-04-06T12:00:00Z", foo: { bar: 1 } } as unknown as IwEvent,
      resources(),
    );
    expect(other.eventName).toBe("inferwall.future");
    expect(other.attributes["inferwall.foo"]).toEqual({ bar: 1 });
  });

  it("does not modify the event", () => {
    const event = Object.freeze(scan("flag"));
    expect(() => toLogRecord(event, resources())).not.toThrow();
  });
});

describe("resources", () => {
  it("takes service.name from the sink's setting, else the event, else the default; host.name from the attributes, else the event", () => {
    const cache = new ResourceCache({
      serviceName: undefined,
      defaultServiceName: "from-otel",
      resourceAttributes: { "deployment.environment.name": "prod" },
    });
    expect(cache.get("gateway", "h1").attributes).toEqual({
      "deployment.environment.name": "prod",
      "service.name": "gateway",
      "host.name": "h1",
      "telemetry.sdk.name": "@iw/sink-otlp",
      "telemetry.sdk.language": "nodejs",
      "telemetry.sdk.version": SINK_VERSION,
    });
    expect(cache.get(undefined, "h1").attributes["service.name"]).toBe("from-otel");
    const pinned = new ResourceCache({
      serviceName: "pinned",
      defaultServiceName: DEFAULT_SERVICE_NAME,
      resourceAttributes: { "host.name": "fixed" },
    });
    expect(pinned.get("gateway", "h1").attributes).toMatchObject({ "service.name": "pinned", "host.name": "fixed" });
  });

  it("gives events of one service and host the same resource object (one ResourceLogs)", () => {
    const cache = resources();
    expect(cache.get("a", "h")).toBe(cache.get("a", "h"));
    expect(cache.get("a", "h")).not.toBe(cache.get("b", "h"));
  });
});

describe("hrTimeOf", () => {
  it("keeps the digits below the millisecond and reads a zone offset", () => {
    expect(hrTimeOf("2026-04-06T12:00:00.123456789Z")).toEqual([1775476800, 123456789]);
    expect(hrTimeOf("2026-04-06T12:00:00.5Z")).toEqual([1775476800, 500000000]);
    expect(hrTimeOf("2026-04-06T14:00:00+02:00")).toEqual([1775476800, 0]);
    expect(hrTimeOf("not a date")).toEqual([0, 0]);
  });
});

describe("hrTimeOf, repeated seconds", () => {
  it("gives the same answer from its per-second shortcut as from a fresh parse", () => {
    const times = [
      "2026-04-06T12:00:00.100Z",
      "2026-04-06T12:00:00.2Z",
      "2026-04-06T12:00:00Z",
      "2026-04-06T12:00:00.300+02:00",
      "2026-04-06T12:00:01.000001Z",
    ];
    const expected = [
      [1775476800, 100000000],
      [1775476800, 200000000],
      [1775476800, 0],
      [1775469600, 300000000],
      [1775476801, 1000],
    ];
    expect(times.map((t) => hrTimeOf(t))).toEqual(expected);
    expect(times.map((t) => hrTimeOf(t))).toEqual(expected);
  });
});
