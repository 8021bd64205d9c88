import { describe, expect, it } from "vitest";
import { auditEvent, scanLog } from "@iw/core";
import { encodeBatch } from "../src/formats.js";
import { summaryLine } from "../src/summary.js";
import { blockedScan, failedLogin, mixedBatch } from "./fixtures.js";

const SOURCE = "urn:inferwall:test-host";

describe("encodeBatch", () => {
  it("json: a JSON array of the events, byte for byte", () => {
    const batch = mixedBatch(3);
    const out = encodeBatch(batch, "json", SOURCE);
    expect(out.contentType).toBe("application/json");
    expect(out.body.toString()).toBe(JSON.stringify(batch));
  });

  it("ndjson: one event per line, newline-terminated", () => {
    const batch = mixedBatch(3);
    const out = encodeBatch(batch, "ndjson", SOURCE);
    expect(out.contentType).toBe("application/x-ndjson");
    const lines = out.body.toString().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe("");
    expect(lines.slice(0, 3).map((l) => JSON.parse(l) as unknown)).toEqual(batch);
  });

  it("cloudevents: structured mode for one event, with the required attributes", () => {
    const event = blockedScan(7);
    const out = encodeBatch([event], "cloudevents", SOURCE);
    expect(out.contentType).toBe("application/cloudevents+json; charset=utf-8");
    expect(JSON.parse(out.body.toString())).toEqual({
      specversion: "1.0",
      id: event.event_id,
      source: SOURCE,
      type: "com.inferwall.scan.block",
      time: event.timestamp,
      datacontenttype: "application/json",
      subject: "req-7",
      data: event,
    });
  });

  it("cloudevents: batched mode for several events, typed per event", () => {
    const out = encodeBatch([blockedScan(), failedLogin()], "cloudevents", SOURCE);
    expect(out.contentType).toBe("application/cloudevents-batch+json; charset=utf-8");
    const parsed = JSON.parse(out.body.toString()) as { type: string; specversion: string }[];
    expect(parsed.map((e) => e.type)).toEqual(["com.inferwall.scan.block", "com.inferwall.audit.auth"]);
    expect(parsed.every((e) => e.specversion === "1.0")).toBe(true);
  });

  it("summary: {summary, details} items", () => {
    const batch = [blockedScan(), failedLogin()];
    const parsed = JSON.parse(encodeBatch(batch, "summary", SOURCE).body.toString()) as unknown[];
    expect(parsed).toEqual([
      { summary: "[InferenceWall] Prompt injection blocked (INJ-D-002)", details: batch[0] },
      { summary: "[InferenceWall] Audit auth: login_failed from 192.0.2.1", details: batch[1] },
    ]);
  });

  it("throws for an event that cannot be serialized", () => {
    const bad = auditEvent({ category: "config", action: "changed", details: { n: 1n } });
    expect(() => encodeBatch([bad], "json", SOURCE)).toThrow(/BigInt/);
  });
});

describe("summaryLine", () => {
  it("names the threat, the decision and the signatures", () => {
    const scan = scanLog({
      direction: "output",
      decision: "flag",
      anomaly_score: 5,
      threshold: 10,
      policy: "p",
      request_id: "r",
      matches: ["DL-P-001", "DL-P-004", "CS-X-1"].map((id) => ({
        signature_id: id,
        matched_text: "x",
        score: 1,
        confidence: 1,
        severity: 1,
      })),
    });
    expect(summaryLine(scan)).toBe("[InferenceWall] Data leakage flagged (DL-P-001 +2 more)");
  });

  it("reports a clean scan with its score, and marks test messages", () => {
    const scan = scanLog({
      direction: "input",
      decision: "allow",
      anomaly_score: 0,
      threshold: 10,
      policy: "p",
      request_id: "r",
      matches: [],
      test: true,
    });
    expect(summaryLine(scan)).toBe("[InferenceWall] [Test message] Prompt allowed (score 0/10)");
  });

  it("omits the source address of an audit event that has none", () => {
    expect(summaryLine(auditEvent({ category: "lifecycle", action: "started" }))).toBe("[InferenceWall] Audit lifecycle: started");
  });
});

describe("summaryLine with hostile or malformed events", () => {
  // What chat tools act on: Slack's <!channel>/<@U1>/<url|text>, @here/@everyone, markdown links, bare URLs, control characters.
  // Our own "[InferenceWall] " prefix and "(…)" are checked by exact lines elsewhere; the rest must hold none of it.
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  const LIVE = /[<>@[\]|`*\u0000-\u001f]|https?:|www\./i;
  const body = (line: string) => line.replace(/^\[InferenceWall\] /, "");
  const hostile = [
    "<!channel> urgent",
    "<https://evil.example/login|reset your password>",
    "@everyone see [this](https://evil.example)",
    "x\r\n[InferenceWall] Audit auth: fake",
    "www.evil.example",
    "\u001b[31mred",
  ];
  const asEvent = (e: unknown) => e as Parameters<typeof summaryLine>[0];

  it("shows an audit event's source only when it is an IP address, and its words without markup", () => {
    for (const text of hostile) {
      const line = summaryLine(
        asEvent({ ...auditEvent({ category: "auth", action: "x" }), action: text, source_ip: text, category: text }),
      );
      expect(body(line), text).not.toMatch(LIVE);
      expect(line).toMatch(/^\[InferenceWall\] Audit [\w-]+…?: [\w-]+…? from \(not an IP address\)$/);
    }
    expect(summaryLine(auditEvent({ category: "auth", action: "login_failed", source_ip: "2001:db8::1" }))).toBe(
      "[InferenceWall] Audit auth: login_failed from 2001:db8::1",
    );
  });

  it("shows signature ids and decisions as plain words", () => {
    for (const text of hostile) {
      const scan = {
        ...scanLog({ direction: "input", decision: "block", anomaly_score: 1, threshold: 1, policy: "p", request_id: "r", matches: [] }),
        decision: text,
        matches: [{ signature_id: text }],
      };
      expect(body(summaryLine(asEvent(scan))), text).not.toMatch(LIVE);
    }
  });

  it("gives a malformed scan log a line instead of throwing, so the batch is not lost", () => {
    const base = scanLog({
      direction: "input",
      decision: "block",
      anomaly_score: 12,
      threshold: 10,
      policy: "p",
      request_id: "r",
      matches: [],
    });
    expect(summaryLine(asEvent({ ...base, matches: [{ matched_text: "no id" }] }))).toBe(
      "[InferenceWall] Prompt threat blocked (unknown-signature)",
    );
    expect(summaryLine(asEvent({ ...base, matches: [null] }))).toBe("[InferenceWall] Prompt threat blocked (unknown-signature)");
    expect(summaryLine(asEvent({ ...base, matches: "INJ-D-001" }))).toBe("[InferenceWall] Prompt blocked (score 12/10)");
    expect(summaryLine(asEvent({ ...base, anomaly_score: "high", threshold: undefined }))).toBe(
      "[InferenceWall] Prompt blocked (score ?/?)",
    );
    const items = JSON.parse(encodeBatch([asEvent({ ...base, matches: [{}] })], "summary", SOURCE).body.toString()) as {
      summary: string;
    }[];
    expect(items[0]!.summary).toBe("[InferenceWall] Prompt threat blocked (unknown-signature)");
  });

  it("caps a long word", () => {
    const line = summaryLine(auditEvent({ category: "auth", action: "a".repeat(500) }));
    expect(line).toBe(`[InferenceWall] Audit auth: ${"a".repeat(64)}…`);
  });
});

describe("log types beyond scan and audit", () => {
  const summary = {
    log_type: "summary",
    event_id: "e-8",
    timestamp: "2026-04-06T12:05:00Z",
    interval_start: "2026-04-06T12:00:00Z",
    interval_end: "2026-04-06T12:05:00Z",
    scans: { total: 120, input: { allow: 100, flag: 5, block: 3 }, output: { allow: 10, flag: 1, block: 1 } },
    top_signatures: [{ signature_id: "INJ-D-002", count: 4 }],
  } as unknown as Parameters<typeof summaryLine>[0];
  const future = { log_type: "metrics", event_id: "e-9", timestamp: "2026-04-06T12:00:00Z", scans: 10 } as unknown as Parameters<
    typeof summaryLine
  >[0];

  it("summarises a periodic traffic summary", () => {
    expect(summaryLine(summary)).toBe("[InferenceWall] Traffic summary: 120 scans, 4 blocked, 6 flagged (top: INJ-D-002 ×4)");
    expect(JSON.parse(encodeBatch([summary], "cloudevents", SOURCE).body.toString())).toMatchObject({
      type: "com.inferwall.summary",
      id: "e-8",
    });
  });

  it("still gives an unknown log type a readable line and a CloudEvents type", () => {
    expect(summaryLine(future)).toBe("[InferenceWall] metrics event");
    const ce = JSON.parse(encodeBatch([future], "cloudevents", SOURCE).body.toString()) as { type: string; subject?: string };
    expect(ce.type).toBe("com.inferwall.metrics");
    expect(ce.subject).toBeUndefined();
  });
});
