import type { SendContext } from "@iw/core/sink-kit";
import { describe, expect, it } from "vitest";
import { InMemorySink, ScriptedSink, makeTestEvents } from "../src/index.js";

function ctx(signal: AbortSignal = new AbortController().signal, batchId = "b-1", attempt = 1): SendContext {
  return { signal, batchId, attempt };
}

describe("InMemorySink", () => {
  it("records each delivered batch and its events in order", async () => {
    const sink = new InMemorySink();
    const [a, b] = [makeTestEvents(2), makeTestEvents(3)];
    expect(await sink.send(a, ctx())).toEqual({ status: "success" });
    expect(await sink.send(b, ctx())).toEqual({ status: "success" });
    expect(sink.batches).toEqual([a, b]);
    expect(sink.events.map((e) => e.event_id)).toEqual([...a, ...b].map((e) => e.event_id));
    expect(sink.name).toBe("memory");
  });

  it("waits its latency, and an abort meanwhile records nothing and resolves retryable", async () => {
    const sink = new InMemorySink({ latencyMs: 5000 });
    const controller = new AbortController();
    const sending = sink.send(makeTestEvents(1), ctx(controller.signal));
    controller.abort();
    const result = await sending;
    expect(result).toMatchObject({ status: "retryable", error: { code: "IW_SEND_ABORTED" } });
    expect(sink.events).toHaveLength(0);
  });

  it("close() ends pending sends with IW_CLOSED and later sends fail", async () => {
    const sink = new InMemorySink({ latencyMs: 5000 });
    const sending = sink.send(makeTestEvents(1), ctx());
    await sink.close();
    expect(await sending).toMatchObject({ status: "failure", error: { code: "IW_CLOSED" } });
    expect(await sink.send(makeTestEvents(1), ctx())).toMatchObject({ status: "failure" });
    expect(sink.sendCount).toBe(2);
  });
});

describe("ScriptedSink", () => {
  it("answers each call with its scripted step, then the `then` step", async () => {
    const sink = new ScriptedSink({
      script: [{ status: "retryable", retryAfterMs: 1500 }, { status: "failure", disable: true }, "too_large"],
      then: "success",
    });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await sink.send(makeTestEvents(1), ctx()));
    expect(results.map((r) => r.status)).toEqual(["retryable", "failure", "too_large", "success"]);
    expect(results[0]).toMatchObject({ retryAfterMs: 1500 });
    expect(results[1]).toMatchObject({ disable: true });
    expect(results.slice(0, 3).every((r) => r.status !== "success" && r.error instanceof Error)).toBe(true);
  });

  it("records batchId, attempt, batch and result of every call", async () => {
    const sink = new ScriptedSink({ script: ["retryable"] });
    const batch = makeTestEvents(2);
    await sink.send(batch, ctx(undefined, "batch-7", 1));
    await sink.send(batch, ctx(undefined, "batch-7", 2));
    expect(sink.calls.map((c) => [c.index, c.batchId, c.attempt, c.result?.status])).toEqual([
      [0, "batch-7", 1, "retryable"],
      [1, "batch-7", 2, "success"],
    ]);
    expect(sink.delivered.map((e) => e.event_id)).toEqual(batch.map((e) => e.event_id));
  });

  it("throw rejects, throw_sync throws before returning a promise", async () => {
    const sink = new ScriptedSink({ script: ["throw", { status: "throw_sync", error: new TypeError("sync") }] });
    await expect(sink.send([], ctx())).rejects.toThrow(/scripted throw/);
    expect(() => sink.send([], ctx())).toThrow(TypeError);
    expect(sink.calls.map((c) => c.threw instanceof Error)).toEqual([true, true]);
  });

  it("hang never answers until the signal aborts", async () => {
    const sink = new ScriptedSink({ script: ["hang"] });
    const controller = new AbortController();
    const sending = sink.send(makeTestEvents(1), ctx(controller.signal));
    await new Promise((r) => setTimeout(r, 30));
    expect(sink.inFlight).toBe(1);
    controller.abort();
    expect(await sending).toMatchObject({ status: "retryable", error: { code: "IW_SEND_ABORTED" } });
    expect(sink.inFlight).toBe(0);
  });

  it("hang with ignoreSignal ignores the abort, and close() still releases it", async () => {
    const sink = new ScriptedSink({ script: [{ status: "hang", ignoreSignal: true }] });
    const controller = new AbortController();
    let settled = false;
    const sending = sink.send(makeTestEvents(1), ctx(controller.signal)).finally(() => (settled = true));
    controller.abort();
    await new Promise((r) => setTimeout(r, 30));
    expect(settled).toBe(false);
    await sink.close();
    expect(await sending).toMatchObject({ status: "failure", error: { code: "IW_CLOSED" } });
    expect(sink.closeCount).toBe(1);
  });

  it("takes a function script and waits for calls", async () => {
    const sink = new ScriptedSink({ script: ({ ctx: c }) => (c.attempt < 3 ? { status: "retryable", delayMs: 5 } : "success") });
    const waiting = sink.waitForCalls(3, 1000);
    for (let attempt = 1; attempt <= 3; attempt++) await sink.send(makeTestEvents(1), ctx(undefined, "b", attempt));
    expect((await waiting).map((c) => c.result?.status)).toEqual(["retryable", "retryable", "success"]);
    await expect(sink.waitForCalls(9, 30)).rejects.toThrow(/9 send calls/);
  });
});
