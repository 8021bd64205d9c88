import { afterEach, describe, expect, it } from "vitest";
import { IwConfigError } from "@iw/core";
import type { Sink } from "@iw/core/sink-kit";
import { createFluentdSink } from "../src/index.js";
import { ctx, events, recordingLogger, startFluentdReceiver, type FluentdReceiver } from "./helpers.js";

let receiver: FluentdReceiver | undefined;
let sink: Sink | undefined;
afterEach(async () => {
  await sink?.close();
  await receiver?.close();
  sink = receiver = undefined;
});

describe("ForwardSink over TCP", () => {
  it("delivers a mixed batch as one acked PackedForward message per tag with EventTime nanoseconds", async () => {
    receiver = await startFluentdReceiver();
    sink = createFluentdSink({ url: new URL(receiver.url) });
    const batch = events(10);
    expect(await sink.send(batch, ctx())).toEqual({ status: "success" });
    expect(receiver.messages.map((m) => [m.tag, m.mode, m.entries, m.outcome])).toEqual([
      ["inferwall.scan", "packed_forward", 5, "acked"],
      ["inferwall.audit", "packed_forward", 5, "acked"],
    ]);
    expect(receiver.messages.map((m) => m.option["size"])).toEqual([5, 5]);
    expect(receiver.distinctEvents).toBe(10);
    const first = receiver.records.find((r) => r.record["event_id"] === batch[0]?.event_id);
    expect(first?.time).toEqual({ seconds: Date.parse("2026-04-06T12:00:00Z") / 1000, nanoseconds: 123_456_789 });
    expect(first?.record).toEqual(batch[0]);
  });

  it("sends the same chunk id on every retry of a batch and a distinct one per tag", async () => {
    receiver = await startFluentdReceiver();
    sink = createFluentdSink({ url: new URL(receiver.url) });
    const batch = events(4);
    await sink.send(batch, ctx(3000, "same-batch"));
    await sink.send(batch, ctx(3000, "same-batch", 2));
    const chunks = receiver.messages.map((m) => m.option["chunk"]);
    expect(chunks[0]).toBe(chunks[2]);
    expect(chunks[1]).toBe(chunks[3]);
    expect(chunks[0]).not.toBe(chunks[1]);
    expect(Buffer.from(String(chunks[0]), "base64")).toHaveLength(16);
  });

  it("without acks sends no chunk and succeeds once written, after one acked probe batch per connection", async () => {
    receiver = await startFluentdReceiver();
    sink = createFluentdSink({ url: new URL(receiver.url), ack: false });
    expect((await sink.send(events(6), ctx())).status).toBe("success");
    expect((await sink.send(events(6), ctx())).status).toBe("success");
    await receiver.waitForEvents(12);
    // The first batch on a fresh connection asks for acks: a server wanting <security> would
    // discard it silently otherwise. Later batches on the verified connection do not.
    expect(receiver.messages.map((m) => [m.option["chunk"] !== undefined, m.outcome])).toEqual([
      [true, "acked"],
      [true, "acked"],
      [false, "stored"],
      [false, "stored"],
    ]);
    expect(receiver.connections).toBe(1);
  });

  it("gzip sends CompressedPackedForward with compressed: gzip", async () => {
    receiver = await startFluentdReceiver();
    sink = createFluentdSink({ url: new URL(receiver.url), compression: "gzip", tag: "fw.iw" });
    expect((await sink.send(events(20), ctx())).status).toBe("success");
    expect(receiver.messages.map((m) => [m.tag, m.mode, m.option["compressed"]])).toEqual([
      ["fw.iw.scan", "compressed_packed_forward", "gzip"],
      ["fw.iw.audit", "compressed_packed_forward", "gzip"],
    ]);
    expect(receiver.distinctTagCounts()).toEqual({ "fw.iw.scan": 10, "fw.iw.audit": 10 });
  });

  it("IW_FLUENTD_FORMAT=ecs sends ECS records, still timed and tagged by the event", async () => {
    receiver = await startFluentdReceiver();
    sink = createFluentdSink({ url: new URL(receiver.url), format: "ecs" });
    const batch = events(2);
    expect((await sink.send(batch, ctx())).status).toBe("success");
    const scan = receiver.records.find((r) => r.tag === "inferwall.scan");
    expect(scan?.record["@timestamp"]).toBe(batch[0]?.timestamp);
    expect((scan?.record["event"] as Record<string, unknown>)["id"]).toBe(batch[0]?.event_id);
    expect(scan?.time).toEqual({ seconds: 1775476800, nanoseconds: 123_456_789 });
  });

  it("reuses one connection across sends", async () => {
    receiver = await startFluentdReceiver();
    sink = createFluentdSink({ url: new URL(receiver.url) });
    for (let i = 0; i < 5; i++) expect((await sink.send(events(2), ctx())).status).toBe("success");
    expect(receiver.connections).toBe(1);
  });

  it("a collector that is down is retryable (IW_NETWORK, ECONNREFUSED)", async () => {
    receiver = await startFluentdReceiver();
    await receiver.down();
    sink = createFluentdSink({ url: new URL(receiver.url) });
    const result = await sink.send(events(2), ctx());
    expect(result).toMatchObject({ status: "retryable", reason: "network" });
    expect(result.status === "retryable" && result.error.message).toMatch(/ECONNREFUSED/);
  });

  it("a blackholed collector times out at the deadline as retryable", async () => {
    receiver = await startFluentdReceiver();
    receiver.setFault({ kind: "blackhole" });
    sink = createFluentdSink({ url: new URL(receiver.url) });
    const started = Date.now();
    const result = await sink.send(events(2), ctx(300));
    expect(result).toMatchObject({ status: "retryable", reason: "timeout", error: { code: "IW_SEND_TIMEOUT" } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("no ack within the deadline is retryable, and the retry (same chunk) is delivered", async () => {
    receiver = await startFluentdReceiver();
    receiver.setFault({ kind: "no_ack", times: 2 });
    sink = createFluentdSink({ url: new URL(receiver.url) });
    const batch = events(4);
    expect(await sink.send(batch, ctx(300, "b-noack"))).toMatchObject({ status: "retryable", reason: "timeout" });
    expect((await sink.send(batch, ctx(3000, "b-noack", 2))).status).toBe("success");
    expect(new Set(receiver.messages.map((m) => m.option["chunk"])).size).toBe(2);
    expect(receiver.distinctEvents).toBe(4);
  });

  it("an ECONNRESET after the ack does not fail the acked batch", async () => {
    receiver = await startFluentdReceiver();
    receiver.setFault({ kind: "reset_after_ack", times: 1 });
    sink = createFluentdSink({ url: new URL(receiver.url) });
    expect((await sink.send(events(1, "scan"), ctx())).status).toBe("success");
    // the reset connection is discarded: the next send opens a new one
    expect((await sink.send(events(1, "scan"), ctx())).status).toBe("success");
    expect(receiver.connections).toBe(2);
  });

  it("a reset before the ack is retryable; the retry under the same chunk loses nothing", async () => {
    receiver = await startFluentdReceiver();
    receiver.setFault({ kind: "reset_before_ack", times: 1 });
    sink = createFluentdSink({ url: new URL(receiver.url) });
    const batch = events(3, "audit");
    const first = await sink.send(batch, ctx(3000, "b-reset"));
    expect(first).toMatchObject({ status: "retryable", reason: "network" });
    expect((await sink.send(batch, ctx(3000, "b-reset", 2))).status).toBe("success");
    expect(receiver.messages.map((m) => m.outcome)).toEqual(["dropped", "acked"]);
    expect(receiver.messages[0]?.option["chunk"]).toBe(receiver.messages[1]?.option["chunk"]);
    expect(receiver.distinctEvents).toBe(3);
  });

  it("an idle connection does not keep the process alive (only the receiver's side stays ref'd)", async () => {
    receiver = await startFluentdReceiver();
    const tcp = () => process.getActiveResourcesInfo().filter((t) => t === "TCPSocketWrap").length;
    // Sockets of earlier tests may still be closing.
    for (let i = 0; i < 50 && tcp() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    const before = tcp();
    sink = createFluentdSink({ url: new URL(receiver.url) });
    expect((await sink.send(events(2), ctx())).status).toBe("success");
    expect(tcp()).toBe(before + 1);
    await receiver.down();
    expect((await sink.send(events(2), ctx())).status).toBe("retryable");
    expect(tcp()).toBe(before);
  });

  it("close() releases the connection and later sends are refused", async () => {
    receiver = await startFluentdReceiver();
    const { logger } = recordingLogger();
    sink = createFluentdSink({ url: new URL(receiver.url) }, { logger });
    await sink.send(events(1), ctx());
    await sink.close();
    await sink.close();
    expect(await sink.send(events(1), ctx())).toMatchObject({ status: "retryable", reason: "closed", error: { code: "IW_CLOSED" } });
  });
});

describe("ForwardSink with events msgpack cannot carry", () => {
  it("leaves out only those events, delivers the rest and counts them malformed", async () => {
    receiver = await startFluentdReceiver();
    sink = createFluentdSink({ url: new URL(receiver.url) });
    const batch = events(4, "audit");
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    const bad = [
      { ...batch[1]!, details: cyclic },
      { ...batch[2]!, details: { n: 2n ** 70n } },
    ] as unknown as typeof batch;
    const result = await sink.send([batch[0]!, ...bad, batch[3]!], ctx());
    expect(result).toEqual({ status: "success", malformed: 2 });
    expect(receiver.records.map((r) => r.record["event_id"])).toEqual([batch[0]!.event_id, batch[3]!.event_id]);
    expect(receiver.messages.map((m) => m.option["size"])).toEqual([2]);
  });

  it("fails the batch as IW_SERIALIZE when no event can be carried", async () => {
    receiver = await startFluentdReceiver();
    sink = createFluentdSink({ url: new URL(receiver.url) });
    const [event] = events(1, "audit");
    const result = await sink.send([{ ...event!, details: { n: 2n ** 70n } } as unknown as typeof event & object], ctx());
    expect(result).toMatchObject({ status: "failure", reason: "serialize", error: { code: "IW_SERIALIZE" } });
    expect(receiver.messages).toHaveLength(0);
  });
});

describe("ForwardSink without acks, facing a server that wants the <security> handshake", () => {
  // Such a server sends HELO on accept and discards anything but a PING; with acks off a write
  // alone succeeds, so the first batch on each connection asks for an ack all the same.
  it("does not count the batch delivered: IW_AUTH, retryable, nothing written", async () => {
    receiver = await startFluentdReceiver({ security: { sharedKey: "k" } });
    sink = createFluentdSink({ url: new URL(receiver.url), ack: false });
    for (let i = 0; i < 3; i++) {
      const result = await sink.send(events(4), ctx());
      expect(result).toMatchObject({ status: "retryable", reason: "auth" });
      expect(result.status === "retryable" ? result.error.message : "").toMatch(
        /requires the <security> handshake; set IW_FLUENTD_SHARED_KEY/,
      );
    }
    expect(receiver.messages).toHaveLength(0);
    expect(receiver.records).toHaveLength(0);
  });

  it("over a unix socket (no acks by default) listens for the HELO before writing", async () => {
    receiver = await startFluentdReceiver({ transport: "unix", security: { sharedKey: "k" } });
    sink = createFluentdSink({ url: new URL(receiver.url) });
    const result = await sink.send(events(4), ctx());
    expect(result.status === "retryable" ? result.error.message : result.status).toMatch(/requires the <security> handshake/);
    expect(receiver.records).toHaveLength(0);
  });
});

describe("ForwardSink over a unix socket", () => {
  it("does not ask for acks by default: Fluentd's in_unix never sends one", async () => {
    receiver = await startFluentdReceiver({ transport: "unix" });
    expect(receiver.url).toMatch(/^unix:\/\//);
    receiver.setFault({ kind: "no_ack" }); // what in_unix does: store, never answer
    sink = createFluentdSink({ url: new URL(receiver.url) });
    expect((await sink.send(events(5), ctx(1000))).status).toBe("success");
    await receiver.waitForEvents(5);
    expect(receiver.messages.map((m) => [m.option["chunk"], m.outcome])).toEqual([
      [undefined, "stored"],
      [undefined, "stored"],
    ]);
  });

  it("refuses gzip given in code with a clear error, before any event is lost", () => {
    expect(() => createFluentdSink({ url: new URL("unix:///tmp/none.sock"), compression: "gzip" })).toThrow(IwConfigError);
    expect(() => createFluentdSink({ url: new URL("unix:///tmp/none.sock"), compression: "gzip" })).toThrow(
      /^IW_FLUENTD_COMPRESSION is gzip, which is refused for unix:\/\/: Fluentd's in_unix reads PackedForward entries without decompressing them/,
    );
  });

  it("delivers with acks when ack is asked for explicitly (Fluent Bit's in_forward on unix_path)", async () => {
    receiver = await startFluentdReceiver({ transport: "unix" });
    sink = createFluentdSink({ url: new URL(receiver.url), ack: true });
    expect((await sink.send(events(5), ctx())).status).toBe("success");
    expect(receiver.messages.map((m) => m.outcome)).toEqual(["acked", "acked"]);
    expect(receiver.distinctEvents).toBe(5);
  });
});
