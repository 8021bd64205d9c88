import { afterEach, describe, expect, it, vi } from "vitest";
import { createDispatcher } from "../src/dispatch/dispatcher.js";
import type { IwEvent } from "../src/events/events.js";
import { IwError } from "../src/diagnostics/errors.js";
import { SummaryEventSchema } from "../src/schema/events.js";
import { ScriptSink, expectInvariant, scan } from "./helpers/script-sink.js";

afterEach(() => {
  vi.useRealTimers();
});

const lifecycle = (sink: ScriptSink): { action: unknown; details: unknown }[] =>
  sink.calls
    .flatMap((c) => c.batch)
    .filter((e): e is Extract<IwEvent, { log_type: "audit" }> => e.log_type === "audit" && e.category === "lifecycle")
    .map((e) => ({ action: e.action, details: e.details }));

/** Two script sinks with lifecycle events on (100 ms flush and backoff). */
function twoSinksWithRelay(fields?: Record<string, string>) {
  const a = new ScriptSink("a");
  const b = new ScriptSink("b");
  const queue = { flushIntervalMs: 100, retryInitialMs: 100, retryMaxMs: 100, authPauseMs: 100 };
  const d = createDispatcher(
    [
      { sink: a, queue, accepts: () => true },
      { sink: b, queue, accepts: () => true },
    ],
    { lifecycleEvents: true, random: () => 1, exitFlushMs: 0, ...(fields ? { eventFields: fields } : {}) },
  );
  return { a, b, d };
}

describe("lifecycle events", () => {
  it("announces each sink's activation and tells the others when one is disabled or recovers", async () => {
    vi.useFakeTimers();
    const { a, b, d } = twoSinksWithRelay({ service: "fw" });
    await vi.advanceTimersByTimeAsync(150);
    expect(lifecycle(a)).toEqual([{ action: "sink_activated", details: { sink: "b" } }]);
    expect(lifecycle(b)).toEqual([{ action: "sink_activated", details: { sink: "a" } }]);

    // b has an outage of one retry, then recovers: a hears about the recovery, b does not.
    b.script({ status: "retryable", error: new IwError("IW_NETWORK", "down") });
    d.emit(scan());
    await vi.advanceTimersByTimeAsync(1000);
    expect(lifecycle(a).slice(1)).toEqual([{ action: "sink_recovered", details: { sink: "b", outage_ms: expect.any(Number) } }]);
    expect(lifecycle(b).map((e) => e.action)).toEqual(["sink_activated"]);

    // a is gone for good (410): b is told, with the reason.
    a.script({ status: "failure", disable: true, error: new IwError("IW_HTTP_STATUS", "a answered 410 Gone") });
    d.emit(scan());
    await vi.advanceTimersByTimeAsync(1000);
    expect(lifecycle(b).slice(1)).toEqual([{ action: "sink_disabled", details: { sink: "a", reason: "a answered 410 Gone" } }]);
    const disabledEvent = b.calls.flatMap((c) => c.batch).find((e) => e.log_type === "audit" && e.action === "sink_disabled");
    expect(disabledEvent?.service).toBe("fw");
    for (const s of d.stats()) expectInvariant(s);
    await d.close(1000);
  });

  it("tells the others once when a sink's credentials are refused (disabled, retrying), then that it recovered", async () => {
    vi.useFakeTimers();
    const { a, b, d } = twoSinksWithRelay();
    await vi.advanceTimersByTimeAsync(150);
    // a: down first (network), then refusing the credentials three times, then accepting.
    const refused = { status: "retryable" as const, retryAfterMs: 100, error: new IwError("IW_AUTH", "a refused the credentials (401)") };
    a.script({ status: "retryable", error: new IwError("IW_NETWORK", "down") }, refused, refused, refused);
    d.emit(scan());
    await vi.advanceTimersByTimeAsync(2000);
    expect(lifecycle(b).slice(1)).toEqual([
      { action: "sink_disabled", details: { sink: "a", reason: "a refused the credentials (401)", retrying: true } },
      { action: "sink_recovered", details: { sink: "a", outage_ms: expect.any(Number) } },
    ]);
    expect(d.stats().find((s) => s.sink === "a")).toMatchObject({ delivered: 2, dropped: { total: 0 }, state: "active" }); // the scan and b's sink_activated
    for (const s of d.stats()) expectInvariant(s);
    await d.close(1000);
  });

  it("emits nothing of the kind without a relay", async () => {
    const a = new ScriptSink("a");
    const d = createDispatcher([{ sink: a, queue: { flushIntervalMs: 10 }, accepts: () => true }]);
    expect(await d.flush(1000)).toBe(true);
    expect(a.calls).toHaveLength(0);
    await d.close(1000);
  });
});

describe("traffic summary", () => {
  it("sends a summary of the scans every interval, to the sinks whose filter selects it", async () => {
    vi.useFakeTimers();
    const all = new ScriptSink("all");
    const scansOnly = new ScriptSink("scans-only");
    const d = createDispatcher(
      [
        { sink: all, queue: { flushIntervalMs: 10 }, accepts: () => true },
        { sink: scansOnly, queue: { flushIntervalMs: 10 }, accepts: (e) => e.log_type === "scan" },
      ],
      { summaryIntervalMs: 60_000, eventFields: { host: "h1" } },
    );
    d.emit(scan());
    d.emit(scan());
    await vi.advanceTimersByTimeAsync(60_050);
    const summaries = all.calls.flatMap((c) => c.batch).filter((e) => e.log_type === "summary");
    expect(summaries).toHaveLength(1);
    const s = SummaryEventSchema.parse(summaries[0]);
    expect(s.scans.total).toBe(2);
    expect(s.host).toBe("h1");
    expect(scansOnly.calls.flatMap((c) => c.batch).some((e) => e.log_type === "summary")).toBe(false);

    d.emit(scan());
    expect(await d.close(1000)).toBe(true); // the partial interval is summarised on close
    const last = all.calls.flatMap((c) => c.batch).filter((e) => e.log_type === "summary");
    expect(last).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });
});
