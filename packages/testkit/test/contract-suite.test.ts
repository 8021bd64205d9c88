import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { InMemorySink, ScriptedSink, describeSinkContract, startLogstashReceiver } from "../src/index.js";
import { TinyHttpSink } from "./tiny-http-sink.js";

describeSinkContract("InMemorySink", () => {
  let unresponsive = false;
  const sink = new InMemorySink({ latencyMs: () => (unresponsive ? 60_000 : 1) });
  return {
    sink,
    received: () => Promise.resolve(sink.events),
    cleanup: () => {},
    makeUnresponsive: () => {
      unresponsive = true;
    },
  };
});

describeSinkContract("ScriptedSink (always success)", () => {
  const sink = new ScriptedSink({ then: { status: "success", delayMs: 1 } });
  return { sink, received: () => Promise.resolve(sink.delivered), cleanup: () => {} };
});

describeSinkContract("a tiny HTTP sink against the Logstash receiver", async () => {
  const receiver = await startLogstashReceiver();
  return {
    sink: new TinyHttpSink(receiver.url),
    received: () => Promise.resolve(receiver.events),
    cleanup: () => receiver.close(),
    makeUnavailable: () => receiver.setFault("down"),
    makeAvailable: () => receiver.setFault("none"),
    makeUnresponsive: () => receiver.setFault("blackhole"),
  };
});

describe("a harness without fault hooks", () => {
  const warnings: string[] = [];
  let restore: () => void = () => {};
  beforeAll(() => {
    const spy = vi.spyOn(console, "warn").mockImplementation((message: unknown) => void warnings.push(String(message)));
    restore = () => spy.mockRestore();
  });
  afterAll(() => restore());

  describeSinkContract("hookless", () => {
    const sink = new ScriptedSink({ then: { status: "success", delayMs: 1 } });
    return { sink, received: () => Promise.resolve(sink.delivered), cleanup: () => {} };
  });

  it("is warned about each missing hook, naming the check and the hook", () => {
    expect(warnings).toEqual([
      expect.stringMatching(
        /^\[@iw\/testkit\] sink contract "hookless", check unavailable: SKIPPED: the harness has no makeUnavailable\(\)\/makeAvailable\(\)/,
      ),
      expect.stringMatching(/^\[@iw\/testkit\] sink contract "hookless", check abort-mid-request: the harness has no makeUnresponsive\(\)/),
    ]);
  });
});
