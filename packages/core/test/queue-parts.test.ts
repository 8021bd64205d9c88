import { describe, expect, it, vi } from "vitest";
import { DIAGNOSTIC_INTERVAL_MS, QueueDiagnostics } from "../src/delivery/diagnostics.js";
import { backoffDelay } from "../src/delivery/backoff.js";
import { Lane } from "../src/delivery/lane.js";
import { ByteBudget } from "../src/delivery/budget.js";
import { estimateSize } from "../src/delivery/size-estimate.js";
import { AUDIT_CATEGORY_NAMES } from "../src/events/audit-categories.js";
import { AUDIT_CATEGORIES } from "../src/events/index.js";
import { audit, scan } from "./helpers/script-sink.js";
import fc from "fast-check";
import { auditEvent, scanLog } from "../src/events/events.js";
import { QueueCounters } from "../src/delivery/counters.js";
import { BATCH_DURATION_BOUNDS_MS } from "../src/delivery/stats.js";

describe("Lane", () => {
  it("is FIFO across wrap-around and growth, and keeps the sum of its sizes", () => {
    const lane = new Lane<number>();
    const out: number[] = [];
    for (let i = 0; i < 70; i++) lane.push(i, i);
    for (let i = 0; i < 50; i++) out.push(lane.shift()!);
    for (let i = 70; i < 150; i++) lane.push(i, i); // 20 + 80 = 100 items, wraps and grows
    expect(lane.length).toBe(100);
    expect(lane.bytes).toBe(Array.from({ length: 100 }, (_, i) => 50 + i).reduce((a, b) => a + b));
    expect(lane.peekSize()).toBe(50);
    while (lane.length > 0) out.push(lane.shift()!);
    expect(out).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(lane.shift()).toBeUndefined();
    expect(lane.bytes).toBe(0);
  });

  it("stays FIFO across chunks while it fills and drains, and frees drained chunks", () => {
    const lane = new Lane<number>();
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 2500; i++) lane.push(next++, 1);
      for (let i = 0; i < 1700; i++) out.push(lane.shift()!);
    }
    expect(lane.length).toBe(6 * 800);
    expect(lane.bytes).toBe(6 * 800);
    while (lane.length > 0) out.push(lane.shift()!);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    lane.push(-1, 7);
    expect([lane.peek(), lane.peekSize(), lane.shift(), lane.length]).toEqual([-1, 7, -1, 0]);
  });

  it("clear() returns how many items and bytes it dropped", () => {
    const lane = new Lane<string>();
    lane.push("a", 10);
    lane.push("b", 5);
    expect(lane.clear()).toEqual({ count: 2, bytes: 15 });
    expect(lane.length).toBe(0);
  });
});

describe("ByteBudget", () => {
  it("keeps the audit reserve out of reach of scan logs, and refuses what does not fit", () => {
    const budget = new ByteBudget(1000, 300);
    expect(budget.admit(700, false)).toBe(true);
    expect(budget.admit(1, false)).toBe(false); // scan logs stop at limit - reserve
    expect(budget.admit(300, true)).toBe(true); // the reserve is there for audit events
    expect(budget.admit(1, true)).toBe(false); // the whole budget is used
    budget.release(700, false);
    expect(budget.held).toBe(300);
    expect(budget.admit(700, false)).toBe(true);
    expect(budget.held).toBe(1000);
  });
});

describe("backoffDelay", () => {
  const base = { initialMs: 100, maxMs: 1000 };
  it("grows exponentially with full jitter and caps at maxMs", () => {
    const delays = [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay({ ...base, attempt, random: 0.5 }));
    expect(delays).toEqual([50, 100, 200, 400, 500, 500]);
    expect(backoffDelay({ ...base, attempt: 3, random: 0 })).toBe(0);
    expect(backoffDelay({ ...base, attempt: 3, random: 0.999 })).toBe(399);
  });
  it("honours Retry-After, capped by maxMs", () => {
    expect(backoffDelay({ ...base, attempt: 1, random: 0.5, retryAfterMs: 700 })).toBe(700);
    expect(backoffDelay({ ...base, attempt: 1, random: 0.5, retryAfterMs: 60_000 })).toBe(1000);
  });
  it("treats Retry-After as a floor: a repeated `Retry-After: 0` still backs off", () => {
    const delays = [1, 2, 3, 4, 5].map((attempt) => backoffDelay({ ...base, attempt, random: 0.5, retryAfterMs: 0 }));
    expect(delays).toEqual([50, 100, 200, 400, 500]);
    expect(backoffDelay({ ...base, attempt: 4, random: 0.5, retryAfterMs: 300 })).toBe(400);
  });
  it("survives a huge attempt number", () => {
    expect(backoffDelay({ ...base, attempt: 10_000, random: 0.5 })).toBe(500);
  });
});

describe("estimateSize", () => {
  it("tracks the JSON size of scan logs of every shape (property)", () => {
    fc.assert(
      fc.property(
        fc.record({
          request_id: fc.string({ maxLength: 80 }),
          policy: fc.string({ maxLength: 20 }),
          host: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
          matches: fc.array(fc.record({ signature_id: fc.string({ maxLength: 12 }), matched_text: fc.string({ maxLength: 2000 }) }), {
            maxLength: 6,
          }),
          anomaly_score: fc.double({ noNaN: true, noDefaultInfinity: true }),
        }),
        (r) => {
          const e = scanLog({
            direction: "output",
            decision: "block",
            anomaly_score: r.anomaly_score,
            threshold: 10,
            policy: r.policy,
            request_id: r.request_id,
            ...(r.host === undefined ? {} : { host: r.host }),
            matches: r.matches.map((m) => ({ ...m, score: 6.3, confidence: 0.9, severity: 7 })),
          });
          const json = JSON.stringify(e).length;
          const est = estimateSize(e);
          // Escapes (quotes, control characters) can make JSON longer than the text.
          const escapes = JSON.stringify(e).length - JSON.stringify(e).replace(/\\./g, "").length;
          expect(est).toBeGreaterThan(0.75 * (json - escapes));
          expect(est).toBeLessThan(1.5 * json + 100);
        },
      ),
    );
  });

  it("walks the extra fields a host adds to a scan log", () => {
    const extra = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`x${i}`, "y".repeat(1000)]));
    const e = { ...scan(), ...extra };
    expect(estimateSize(e)).toBeGreaterThan(10_000);
  });

  it("stays within 30% of the JSON size for typical events", () => {
    for (const e of [
      scan(),
      audit(),
      auditEvent({ category: "config", action: "reload", details: { a: [1, 2, { b: "xyz" }], c: null } }),
    ]) {
      const json = JSON.stringify(e).length;
      const est = estimateSize(e);
      expect(est / json).toBeGreaterThan(0.7);
      expect(est / json).toBeLessThan(1.3);
    }
  });
});

describe("AUDIT_CATEGORY_NAMES", () => {
  it("lists the same categories as the schema", () => {
    expect([...AUDIT_CATEGORY_NAMES].sort()).toEqual([...AUDIT_CATEGORIES].sort());
  });
});

describe("QueueDiagnostics", () => {
  it("writes one line per key per interval and reports how many it suppressed", () => {
    vi.useFakeTimers();
    try {
      const lines: [string, Record<string, unknown> | undefined][] = [];
      const log = (m: string, f?: Record<string, unknown>): void => void lines.push([m, f]);
      const diag = new QueueDiagnostics("elk", { debug: log, info: log, warn: log, error: log });
      for (let i = 0; i < 100; i++) diag.report("retry", "warn", () => [`failure ${i}`]);
      diag.report("other", "warn", () => ["other"]);
      vi.advanceTimersByTime(DIAGNOSTIC_INTERVAL_MS);
      diag.report("retry", "warn", () => ["again"]);
      expect(lines.map(([m]) => m)).toEqual(["[iw:elk] failure 0", "[iw:elk] other", "[iw:elk] again"]);
      expect(lines[2]![1]).toMatchObject({ sink: "elk", suppressed: 99 });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("QueueCounters.observeDuration", () => {
  it("puts each attempt in the first bucket whose bound holds it, the rest above the last bound", () => {
    const c = new QueueCounters();
    for (const ms of [0, 5, 5.1, 99, 100, 10_000, 10_001, 60_000]) c.observeDuration(ms);
    const d = c.snapshot("s", 0, 0, 0, 0).batchDuration;
    expect(d.boundsMs).toEqual(BATCH_DURATION_BOUNDS_MS);
    const at = (bound: number) => d.counts[BATCH_DURATION_BOUNDS_MS.indexOf(bound)];
    expect([at(5), at(10), at(100), at(10_000), d.counts[BATCH_DURATION_BOUNDS_MS.length]]).toEqual([2, 1, 2, 1, 2]);
    expect(d.counts.reduce((a, b) => a + b, 0)).toBe(8);
    expect(d.count).toBe(8);
    expect(d.sumMs).toBeCloseTo(80_210.1, 5);
  });
});
