import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scanLog, auditEvent } from "@iw/core";
import { SummaryEventSchema } from "../src/schema/index.js";
import { MAX_TRACKED_SIGNATURES, TrafficSummary } from "../src/dispatch/summary.js";

const scan = (direction: "input" | "output", decision: "allow" | "flag" | "block", ids: string[] = []) =>
  scanLog({
    direction,
    decision,
    anomaly_score: 1,
    threshold: 10,
    policy: "default",
    request_id: "r",
    matches: ids.map((signature_id) => ({ signature_id, matched_text: "x", score: 1, confidence: 1, severity: 1 })),
  });

describe("TrafficSummary", () => {
  it("counts scans by direction and decision and ranks signatures", () => {
    const s = new TrafficSummary(Date.parse("2026-01-01T00:00:00Z"));
    s.observe(scan("input", "block", ["INJ-D-002", "INJ-D-001"]));
    s.observe(scan("input", "block", ["INJ-D-002"]));
    s.observe(scan("output", "flag", ["DL-S-001"]));
    s.observe(scan("input", "allow"));
    s.observe(auditEvent({ category: "auth", action: "login_failed" }));
    s.observe({ ...scan("input", "block", ["TEST"]), test: true });
    const e = s.take(Date.parse("2026-01-01T01:00:00Z"), { service: "fw" });
    expect(SummaryEventSchema.parse(e)).toEqual(e);
    expect(e.scans).toEqual({ total: 4, input: { allow: 1, flag: 0, block: 2 }, output: { allow: 0, flag: 1, block: 0 } });
    expect(e.top_signatures).toEqual([
      { signature_id: "INJ-D-002", count: 2 },
      { signature_id: "DL-S-001", count: 1 },
      { signature_id: "INJ-D-001", count: 1 },
    ]);
    expect([e.interval_start, e.interval_end, e.service]).toEqual(["2026-01-01T00:00:00.000Z", "2026-01-01T01:00:00.000Z", "fw"]);
  });

  it("starts a new interval after take()", () => {
    const s = new TrafficSummary(0);
    s.observe(scan("input", "flag", ["A"]));
    s.take(1000);
    const next = s.take(2000);
    expect(next.scans.total).toBe(0);
    expect(next.top_signatures).toEqual([]);
    expect(next.interval_start).toBe(new Date(1000).toISOString());
  });

  it("equals the scans emitted, whatever the mix (property)", () => {
    const arb = fc.array(
      fc.record({
        direction: fc.constantFrom("input" as const, "output" as const),
        decision: fc.constantFrom("allow" as const, "flag" as const, "block" as const),
        ids: fc.array(fc.constantFrom("A", "B", "C", "D"), { maxLength: 3 }),
      }),
      { maxLength: 200 },
    );
    fc.assert(
      fc.property(arb, (scans) => {
        const s = new TrafficSummary(0, 100);
        for (const x of scans) s.observe(scan(x.direction, x.decision, x.ids));
        const e = s.take(1);
        expect(e.scans.total).toBe(scans.length);
        for (const dir of ["input", "output"] as const)
          for (const dec of ["allow", "flag", "block"] as const)
            expect(e.scans[dir][dec]).toBe(scans.filter((x) => x.direction === dir && x.decision === dec).length);
        const counted = new Map<string, number>();
        for (const x of scans) for (const id of x.ids) counted.set(id, (counted.get(id) ?? 0) + 1);
        expect(new Map(e.top_signatures.map((t) => [t.signature_id, t.count]))).toEqual(counted);
      }),
    );
  });

  it("holds a bounded number of distinct signature ids, and keeps a frequent one on top through a flood of distinct ones", () => {
    const s = new TrafficSummary(0);
    let maxTracked = 0;
    for (let i = 0; i < 200_000; i++) {
      s.observe(scan("input", "block", i % 50 === 0 ? ["INJ-D-002", `FLOOD-${i}`] : [`FLOOD-${i}`]));
      maxTracked = Math.max(maxTracked, s.tracked);
    }
    expect(maxTracked).toBeLessThanOrEqual(MAX_TRACKED_SIGNATURES);
    const summary = s.take(1);
    expect(summary.scans.total).toBe(200_000);
    expect(summary.top_signatures[0]).toEqual({ signature_id: "INJ-D-002", count: 4000 });
    expect(s.tracked).toBe(0);
  });

  it("counts a scan with an absurdly long signature id, without keeping the id", () => {
    const s = new TrafficSummary(0);
    s.observe(scan("input", "block", ["x".repeat(10_000)]));
    expect(s.tracked).toBe(0);
    expect(s.take(1).scans.total).toBe(1);
  });
});
