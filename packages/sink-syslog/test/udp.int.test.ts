import { afterEach, describe, expect, it } from "vitest";
import { makeTestEvents, startSyslogReceiver, type SyslogReceiver } from "@iw/testkit";
import { createSyslogSink, type SyslogSink } from "../src/index.js";
import { blockedScan, ctx } from "./helpers.js";

let receiver: SyslogReceiver | undefined;
let sink: SyslogSink | undefined;

afterEach(async () => {
  await sink?.close();
  await receiver?.close();
  sink = undefined;
  receiver = undefined;
});

describe("udp://", () => {
  it("sends each event as one datagram, which the strict receiver parses", async () => {
    receiver = await startSyslogReceiver({ transport: "udp" });
    sink = createSyslogSink({ url: receiver.url });
    const batch = makeTestEvents(50);
    expect(await sink.send(batch, ctx())).toEqual({ status: "success" });
    await receiver.waitForEvents(50);
    expect(receiver.datagrams).toBe(50);
    expect(receiver.violations).toEqual([]);
    expect(new Set(receiver.eventIds())).toEqual(new Set(batch.map((e) => e.event_id)));
    expect(receiver.messages.every((m) => m.framing === "datagram" && m.header === "rfc5424")).toBe(true);
  });

  it("says a batch was shortened: truncated counts the datagrams cut to the 2048-byte default", async () => {
    receiver = await startSyslogReceiver({ transport: "udp", maxMessageBytes: 2048 });
    sink = createSyslogSink({ url: receiver.url, format: "cef" });
    const big = blockedScan({ matches: [{ signature_id: "S", matched_text: "x".repeat(5000), score: 1, confidence: 1, severity: 5 }] });
    expect(await sink.send([big, blockedScan()], ctx())).toEqual({ status: "success", truncated: 1 });
    await receiver.waitForEvents(2);
    expect(receiver.violations).toEqual([]);
    expect(Math.max(...receiver.messages.map((m) => m.raw.length))).toBeLessThanOrEqual(2048);
  });

  it("reports a closed port (ICMP port unreachable) as retryable, and delivers once the receiver is back", async () => {
    receiver = await startSyslogReceiver({ transport: "udp" });
    sink = createSyslogSink({ url: receiver.url });
    expect(await sink.send(makeTestEvents(1), ctx())).toEqual({ status: "success" });
    await receiver.waitForEvents(1);
    await receiver.down();
    const down = await sink.send(makeTestEvents(5), ctx());
    expect(down).toMatchObject({ status: "retryable", reason: "network" });
    expect(down.status === "retryable" && down.error.message).toMatch(/nothing listens on the port \(ICMP port unreachable\)/);
    await receiver.up();
    // The first datagram after the outage may still meet the outage's ICMP: one more try at most.
    const batch = makeTestEvents(5);
    let tries = 1;
    while ((await sink.send(batch, ctx())).status !== "success") tries++;
    expect(tries).toBeLessThanOrEqual(2);
    await receiver.waitForEvents(6);
    expect(receiver.duplicates()).toBe(0);
  });

  it("cannot know about loss: a receiver that drops datagrams still gets a success", async () => {
    receiver = await startSyslogReceiver({ transport: "udp" });
    receiver.setFault({ kind: "blackhole" });
    sink = createSyslogSink({ url: receiver.url });
    expect(await sink.send(makeTestEvents(10), ctx())).toEqual({ status: "success" });
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.datagrams).toBe(10);
    expect(receiver.messages).toHaveLength(0);
  });
});
