import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { makeTestEvents, startSyslogReceiver, type SyslogReceiver } from "@iw/testkit";
import { createSyslogSink, type SyslogSink } from "../src/index.js";
import { blockedScan, ctx } from "./helpers.js";

let receiver: SyslogReceiver | undefined;
let sink: SyslogSink | undefined;
let raw: Server | undefined;

afterEach(async () => {
  await sink?.close();
  await receiver?.close();
  await new Promise<void>((r) => (raw === undefined ? r() : raw.close(() => r())));
  sink = undefined;
  receiver = undefined;
  raw = undefined;
});

/** A bare TCP server recording every byte it gets. */
async function recordingServer(): Promise<{ url: string; bytes: () => Buffer; writes: () => number }> {
  const chunks: Buffer[] = [];
  let writes = 0;
  raw = createServer((s: Socket) =>
    s.on("data", (c: Buffer) => {
      writes++;
      chunks.push(c);
    }),
  );
  await new Promise<void>((r) => raw!.listen(0, "127.0.0.1", r));
  return { url: `tcp://127.0.0.1:${(raw.address() as { port: number }).port}`, bytes: () => Buffer.concat(chunks), writes: () => writes };
}

describe("tcp://", () => {
  it("frames every message with its octet count (RFC 6587), a whole batch in one write", async () => {
    const server = await recordingServer();
    sink = createSyslogSink({ url: server.url });
    const batch = [blockedScan({ policy: "é" }), blockedScan()];
    expect(await sink.send(batch, ctx())).toEqual({ status: "success" });
    await new Promise((r) => setTimeout(r, 50));
    const wire = server.bytes().toString("utf8");
    const first = /^(\d+) /.exec(wire)!;
    const len = Number(first[1]);
    const msg = server
      .bytes()
      .subarray(first[0].length, first[0].length + len)
      .toString("utf8");
    expect(msg).toMatch(/^<132>1 2026-04-06T12:00:00.123Z /);
    expect(msg.endsWith("request req-1")).toBe(true);
    expect(
      server
        .bytes()
        .subarray(first[0].length + len)
        .toString("utf8"),
    ).toMatch(/^\d+ <132>1 /);
    expect(server.writes()).toBe(1);
  });

  it("delivers batches over one kept connection, parsed strictly", async () => {
    receiver = await startSyslogReceiver({ transport: "tcp", framing: "octet-counting" });
    sink = createSyslogSink({ url: receiver.url });
    for (let i = 0; i < 3; i++) expect(await sink.send(makeTestEvents(100), ctx())).toEqual({ status: "success" });
    await receiver.waitForEvents(300);
    expect(receiver.violations).toEqual([]);
    expect(receiver.connections).toBe(1);
    expect(receiver.duplicates()).toBe(0);
  });

  it("non-transparent framing ends each message with LF and puts no line break inside one", async () => {
    receiver = await startSyslogReceiver({ transport: "tcp", framing: "non-transparent" });
    sink = createSyslogSink({ url: receiver.url, framing: "non-transparent" });
    const batch = [
      blockedScan({ policy: "two\nlines" }),
      blockedScan({ matches: [{ signature_id: "S", matched_text: "a\r\nb", score: 1, confidence: 1, severity: 5 }] }),
    ];
    expect(await sink.send(batch, ctx())).toEqual({ status: "success" });
    await receiver.waitForEvents(2);
    expect(receiver.violations).toEqual([]);
    expect(receiver.messages.map((m) => m.framing)).toEqual(["non-transparent", "non-transparent"]);
    expect(receiver.messages[0]!.rfc5424!.structuredData["iw@32473"]!["policy"]).toBe("two lines");
  });

  it("reports a receiver that is down as a retryable network error, and delivers once it is up", async () => {
    receiver = await startSyslogReceiver();
    sink = createSyslogSink({ url: receiver.url });
    await receiver.down();
    const down = await sink.send(makeTestEvents(5), ctx());
    expect(down).toMatchObject({ status: "retryable", reason: "network" });
    expect(down.status === "retryable" && down.error.message).toMatch(/^Syslog tcp:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    await receiver.up();
    expect(await sink.send(makeTestEvents(5), ctx())).toEqual({ status: "success" });
    await receiver.waitForEvents(5);
  });

  it("opens a new connection when the receiver closed the last one (a restart): nothing is lost", async () => {
    receiver = await startSyslogReceiver();
    receiver.setFault({ kind: "close_after", messages: 10 });
    sink = createSyslogSink({ url: receiver.url });
    const batches = [makeTestEvents(10), makeTestEvents(10), makeTestEvents(10)];
    for (const batch of batches) {
      expect(await sink.send(batch, ctx())).toEqual({ status: "success" });
      // The receiver reads the batch and closes: the sink sees the end before the next batch.
      await receiver.waitForEvents(receiver.distinctEventIds() + 10);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(receiver.distinctEventIds()).toBe(30);
    expect(receiver.connections).toBe(3);
  });

  it("gives a batch into a receiver that never reads until its deadline, then drops that connection", async () => {
    receiver = await startSyslogReceiver();
    receiver.setFault({ kind: "blackhole" });
    sink = createSyslogSink({ url: receiver.url });
    // Far more than the kernel buffers hold on loopback: the write cannot complete.
    const huge = makeTestEvents(60_000, { textRepeat: 4 });
    const { payload } = await sink.prepare(huge);
    const started = Date.now();
    const result = await sink.send(huge, ctx(500, payload));
    expect(result).toMatchObject({ status: "retryable", reason: "timeout" });
    expect(Date.now() - started).toBeLessThan(3000);
    receiver.setFault(null);
    expect(await sink.send(makeTestEvents(3), ctx())).toEqual({ status: "success" });
    await receiver.waitForEvents(3);
    expect(receiver.connections).toBe(2);
    // The half-written frame died with its connection: the new one starts clean.
    expect(receiver.violations).toEqual([]);
  });
});
