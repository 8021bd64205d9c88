import { afterEach, describe, expect, it, vi } from "vitest";
import { createDispatcher, IwConfigError, NOOP_DISPATCHER } from "@iw/core";
import type { Dispatcher } from "@iw/core";
import { ScriptedSink, makeTestEvents } from "@iw/testkit";
import { watchSinks } from "../src/watch.js";
import type { SinkDrop, SinkStateChange } from "../src/watch.js";
import { StatsDispatcher } from "./stats-dispatcher.js";

let dispatcher: Dispatcher | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await dispatcher?.close(1000);
  dispatcher = undefined;
});

function recorder(): {
  drops: SinkDrop[];
  changes: SinkStateChange[];
  onDrop: (d: SinkDrop) => void;
  onStateChange: (c: SinkStateChange) => void;
} {
  const drops: SinkDrop[] = [];
  const changes: SinkStateChange[] = [];
  return { drops, changes, onDrop: (d) => drops.push(d), onStateChange: (c) => changes.push(c) };
}

describe("watchSinks: check", () => {
  it("reports the events each sink dropped since the previous check, per reason, not those from before the watch", () => {
    const iw = new StatsDispatcher(["logstash", "webhook"]);
    iw.set("logstash", { dropped: { queue_full: 5 } });
    const seen = recorder();
    const watch = watchSinks(iw, seen);
    watch.stop();
    iw.set("logstash", { dropped: { queue_full: 7, rejected: 1 } });
    iw.set("webhook", { dropped: { closed: 2 } });
    watch.check();
    expect(seen.drops).toEqual([
      { sink: "logstash", reason: "queue_full", count: 2 },
      { sink: "logstash", reason: "rejected", count: 1 },
      { sink: "webhook", reason: "closed", count: 2 },
    ]);
    watch.check();
    expect(seen.drops).toHaveLength(3);
  });

  it("reports a state change with the sink's last error, before that check's drops", () => {
    const iw = new StatsDispatcher();
    const order: string[] = [];
    const watch = watchSinks(iw, {
      onDrop: (d) => order.push(`drop ${d.reason}`),
      onStateChange: (c) => order.push(`${c.from}->${c.to} ${c.lastError?.message}`),
    });
    watch.stop();
    iw.set("logstash", {
      state: "disabled",
      dropped: { disabled: 3 },
      lastError: { message: "HTTP 410 Gone", at: "2026-01-01T00:00:00.000Z" },
    });
    watch.check();
    expect(order).toEqual(["active->disabled HTTP 410 Gone", "drop disabled"]);
  });

  it("hears about core's real drops and a destination disabled", async () => {
    const sink = new ScriptedSink({ name: "gone", script: [{ status: "failure", disable: true, message: "HTTP 410 Gone" }] });
    dispatcher = createDispatcher([{ sink, queue: { flushIntervalMs: 5 } }]);
    const seen = recorder();
    const watch = watchSinks(dispatcher, seen);
    watch.stop();
    dispatcher.emit(makeTestEvents(1)[0]!);
    await dispatcher.flush(2000);
    dispatcher.emit(makeTestEvents(1)[0]!);
    watch.check();
    expect(seen.changes).toMatchObject([
      { sink: "gone", from: "active", to: "disabled", lastError: { message: expect.stringContaining("HTTP 410 Gone") } },
    ]);
    expect(seen.drops).toEqual([
      { sink: "gone", reason: "rejected", count: 1 },
      { sink: "gone", reason: "disabled", count: 1 },
    ]);
  });

  it("keeps calling the other handlers when one throws", () => {
    const iw = new StatsDispatcher(["a", "b"]);
    const seen: string[] = [];
    const watch = watchSinks(iw, {
      onDrop: (d) => {
        seen.push(d.sink);
        throw new Error("host bug");
      },
    });
    watch.stop();
    iw.set("a", { dropped: { malformed: 1 } });
    iw.set("b", { dropped: { malformed: 1 } });
    expect(() => watch.check()).not.toThrow();
    expect(seen).toEqual(["a", "b"]);
  });
});

describe("watchSinks: timer", () => {
  it("checks every intervalMs until stopped", async () => {
    vi.useFakeTimers();
    const iw = new StatsDispatcher();
    const seen = recorder();
    const watch = watchSinks(iw, { ...seen, intervalMs: 500 });
    iw.set("logstash", { dropped: { queue_full: 1 } });
    await vi.advanceTimersByTimeAsync(499);
    expect(seen.drops).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.drops).toEqual([{ sink: "logstash", reason: "queue_full", count: 1 }]);
    watch.stop();
    watch.stop();
    iw.set("logstash", { dropped: { queue_full: 2 } });
    await vi.advanceTimersByTimeAsync(5000);
    expect(seen.drops).toHaveLength(1);
  });

  it("starts no timer and reads no stats without a handler or without an active sink", () => {
    vi.useFakeTimers();
    const iw = new StatsDispatcher();
    watchSinks(iw, {});
    watchSinks(NOOP_DISPATCHER, { onDrop: () => undefined });
    expect(vi.getTimerCount()).toBe(0);
    const before = iw.statsCalls;
    vi.advanceTimersByTime(10_000);
    expect(iw.statsCalls).toBe(before);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("refuses intervalMs %s", (intervalMs) => {
    expect(() => watchSinks(new StatsDispatcher(), { onDrop: () => undefined, intervalMs })).toThrow(IwConfigError);
    expect(() => watchSinks(new StatsDispatcher(), { onDrop: () => undefined, intervalMs })).toThrow(
      `intervalMs is ${String(intervalMs)}; expected a positive number`,
    );
  });
});
