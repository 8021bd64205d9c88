import { encode } from "@msgpack/msgpack";
import { afterEach, describe, expect, it } from "vitest";
import type { Sink } from "@iw/core/sink-kit";
import { createFluentdSink } from "../src/index.js";
import { answerWith, HUGE, measure, relayTo, startRawServer, stream, type RawServer } from "./hostile-server.js";
import { ctx, events, recordingLogger, startFluentdReceiver, type FluentdReceiver } from "./helpers.js";

let receiver: FluentdReceiver | undefined;
let raw: RawServer | undefined;
let sink: Sink | undefined;
afterEach(async () => {
  await sink?.close();
  await raw?.close();
  await receiver?.close();
  sink = raw = receiver = undefined;
});

/** A good in_forward behind a raw server that relays to it until the test makes it misbehave. */
async function start(options: { idleTimeoutMs?: number } = {}) {
  receiver = await startFluentdReceiver();
  raw = await startRawServer(relayTo(receiver.url));
  const log = recordingLogger();
  sink = createFluentdSink({ url: new URL(raw.url), ...options }, { logger: log.logger });
  return { receiver, raw, sink, lines: log.lines };
}

const flood = new Uint8Array(64 * 1024).fill(0x61);

describe("ForwardSink against a hostile in_forward", () => {
  it("drops an idle connection that streams a 4 GiB str32 header and a flood, at little CPU, and delivers on a fresh one", async () => {
    const { receiver, raw, sink, lines } = await start();
    const first = events(4, "scan");
    expect(await sink.send(first, ctx())).toEqual({ status: "success" });
    const client = raw.clients[0]!;
    client.write(HUGE.str32);
    stream(client, flood, 2);
    const cost = await measure(1000);
    // Before: 8.9 s of CPU in 10 s and a p99 loop delay of 1.16 s, as the decoder re-read a growing buffer.
    expect(cost.cpuMs).toBeLessThan(300);
    expect(cost.loopDelayP99Ms).toBeLessThan(100);
    await raw.closed(0);
    expect(lines.filter((l) => l.level === "error").map((l) => l.message)).toEqual([
      expect.stringMatching(
        /^Fluentd tcp:\/\/127\.0\.0\.1:\d+: Fluentd sent bytes on a connection with no reply due .*; the connection was dropped$/,
      ),
    ]);
    const second = events(4, "scan");
    expect(await sink.send(second, ctx())).toEqual({ status: "success" });
    expect(raw.clients).toHaveLength(2);
    expect(receiver.distinctEvents).toBe(8);
  });

  it.each([
    ["a 4 GiB str32 header then a trickle", HUGE.str32, /a length or count past the cap in a reply header/],
    ["a 4 GiB bin32 header then a trickle", HUGE.bin32, /a length or count past the cap in a reply header/],
    ["an array32 of 4 billion elements then a trickle", HUGE.array32, /a length or count past the cap in a reply header/],
    ["a map32 of 4 billion pairs then a trickle", HUGE.map32, /a length or count past the cap in a reply header/],
    ["a str16 of 60 KiB, streamed", Uint8Array.of(0xda, 0xf0, 0x00), /a length or count past the cap in a reply header/],
  ])(
    "answers a batch in flight with %s: retryable network at once, the connection destroyed, the retry delivered",
    async (_what, header, why) => {
      const { receiver, raw, sink } = await start();
      raw.behave(answerWith(header, (client) => stream(client, Uint8Array.of(0x61), 5)));
      const batch = events(6);
      const started = performance.now();
      const result = await sink.send(batch, ctx(3000, "hostile-batch"));
      expect(performance.now() - started).toBeLessThan(1000); // not the 3 s attempt deadline
      expect(result).toMatchObject({ status: "retryable", reason: "network", error: { code: "IW_PROTOCOL" } });
      expect((result as { error: Error }).error.message).toMatch(why);
      await raw.closed(0);
      raw.behave(relayTo(receiver.url));
      expect(await sink.send(batch, ctx(3000, "hostile-batch", 2))).toEqual({ status: "success" });
      expect(receiver.distinctEvents).toBe(6);
    },
  );

  it("answers a batch in flight with a flood after a str8 header: not an ack, dropped at little CPU", async () => {
    const { raw, sink } = await start();
    raw.behave(answerWith(Uint8Array.of(0xd9, 0xff), (client) => stream(client, flood, 2)));
    const pending = sink.send(events(6), ctx(3000));
    const cost = await measure(500);
    expect(await pending).toMatchObject({
      status: "retryable",
      reason: "network",
      error: { code: "IW_PROTOCOL", message: expect.stringMatching(/not an ack for a chunk in flight/) },
    });
    expect(cost.cpuMs).toBeLessThan(200);
    expect(cost.loopDelayP99Ms).toBeLessThan(100);
    await raw.closed(0);
  });

  it("counts an acked batch as delivered but destroys the connection that sent bytes after the ack", async () => {
    const { receiver, raw, sink } = await start();
    raw.behave(relayTo(receiver.url, (client) => client.write(encode("garbage"))));
    expect(await sink.send(events(4, "scan"), ctx())).toEqual({ status: "success" });
    await raw.closed(0);
    raw.behave(relayTo(receiver.url));
    expect(await sink.send(events(4, "audit"), ctx())).toEqual({ status: "success" });
    expect(raw.clients).toHaveLength(2);
    expect(receiver.distinctEvents).toBe(8);
  });

  it("answers an ack for a chunk not in flight with a retryable network result at once, and the retry is delivered", async () => {
    const { receiver, raw, sink } = await start();
    raw.behave(answerWith(encode({ ack: Buffer.alloc(16, 7).toString("base64") })));
    const batch = events(4);
    const started = performance.now();
    const result = await sink.send(batch, ctx(3000, "unknown-ack"));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result).toMatchObject({
      status: "retryable",
      reason: "network",
      error: { code: "IW_PROTOCOL", message: expect.stringMatching(/not an ack for a chunk in flight/) },
    });
    await raw.closed(0);
    raw.behave(relayTo(receiver.url));
    expect(await sink.send(batch, ctx(3000, "unknown-ack", 2))).toEqual({ status: "success" });
    expect(receiver.distinctEvents).toBe(4);
  });

  it("logs repeated violations once per minute with a count, not once per connection", async () => {
    const { raw, sink, lines } = await start();
    raw.behave(answerWith(HUGE.str32));
    for (let i = 0; i < 3; i++) expect((await sink.send(events(2), ctx())).status).toBe("retryable");
    expect(lines.filter((l) => l.level === "error")).toHaveLength(1);
  });

  it("closes a pooled connection idle for idleTimeoutMs; the next batch opens a fresh one", async () => {
    const { receiver, raw, sink } = await start({ idleTimeoutMs: 100 });
    expect(await sink.send(events(2), ctx())).toEqual({ status: "success" });
    await raw.closed(0);
    expect(await sink.send(events(2), ctx())).toEqual({ status: "success" });
    expect(raw.clients).toHaveLength(2);
    expect(receiver.distinctEvents).toBe(4);
  });
});
