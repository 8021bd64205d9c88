import { createHash } from "node:crypto";
import { connect, type Socket } from "node:net";
import { gzipSync } from "node:zlib";
import { Decoder, encode } from "@msgpack/msgpack";
import { afterEach, describe, expect, it } from "vitest";
import { startFluentdReceiver, type FluentdReceiver } from "../src/index.js";

let receiver: FluentdReceiver | undefined;
let socket: Socket | undefined;
afterEach(async () => {
  socket?.destroy();
  await receiver?.close();
  socket = receiver = undefined;
});

const eventTime = (seconds: number, ns: number): Uint8Array => {
  const out = Buffer.alloc(10);
  out[0] = 0xd7;
  out[1] = 0x00;
  out.writeUInt32BE(seconds, 2);
  out.writeUInt32BE(ns, 6);
  return out;
};

/** A raw client: what it writes and every msgpack object it gets back (strings as raw bytes). */
async function client(url: string): Promise<{ write(bytes: Uint8Array): void; next(): Promise<unknown>; closed: Promise<void> }> {
  const port = Number(new URL(url).port);
  socket = connect(port, "127.0.0.1");
  await new Promise<void>((r) => socket!.once("connect", () => r()));
  const s = socket;
  s.on("error", () => {});
  const iterator = new Decoder({ rawStrings: true }).decodeStream(s)[Symbol.asyncIterator]();
  const closed = new Promise<void>((r) => s.once("close", () => r()));
  return {
    write: (bytes) => s.write(bytes),
    next: async () => (await iterator.next()).value,
    closed,
  };
}

describe("startFluentdReceiver: in_forward", () => {
  it("decodes Message and Forward modes with integer and EventTime times, acking chunks", async () => {
    receiver = await startFluentdReceiver();
    const c = await client(receiver.url);
    c.write(encode(["a.b", 1712345678, { event_id: "m1" }, { chunk: "c1" }]));
    expect(await c.next()).toEqual({ ack: Buffer.from("c1") });
    const forward = Buffer.concat([
      Buffer.from([0x93]),
      Buffer.from(encode("a.c")),
      Buffer.from([0x92]),
      Buffer.from([0x92]),
      eventTime(1712345678, 42),
      Buffer.from(encode({ event_id: "f1" })),
      Buffer.from([0x92]),
      Buffer.from(encode(1712345679)),
      Buffer.from(encode({ event_id: "f2" })),
      Buffer.from(encode({ chunk: "c2", size: 2 })),
    ]);
    c.write(forward);
    expect(await c.next()).toEqual({ ack: Buffer.from("c2") });
    expect(receiver.records.map((r) => [r.tag, r.mode, r.time, r.record["event_id"]])).toEqual([
      ["a.b", "message", 1712345678, "m1"],
      ["a.c", "forward", { seconds: 1712345678, nanoseconds: 42 }, "f1"],
      ["a.c", "forward", 1712345679, "f2"],
    ]);
  });

  it("accepts PackedForward entries as str (out_forward) and gzip CompressedPackedForward", async () => {
    receiver = await startFluentdReceiver();
    const entries = Buffer.concat([Buffer.from([0x92]), eventTime(1, 2), Buffer.from(encode({ event_id: "p1" }))]);
    const asStr = Buffer.concat([
      Buffer.from([0x93]),
      Buffer.from(encode("t")),
      Buffer.from([0xd9, entries.length]),
      entries,
      Buffer.from(encode({ chunk: "k" })),
    ]);
    const c = await client(receiver.url);
    c.write(asStr);
    await c.next();
    c.write(encode(["t", gzipSync(entries), { compressed: "gzip", chunk: "z" }]));
    await c.next();
    expect(receiver.messages.map((m) => m.mode)).toEqual(["packed_forward", "compressed_packed_forward"]);
    expect(receiver.distinctEvents).toBe(1);
    expect(receiver.records).toHaveLength(2);
  });

  it("drops and never acks a chunk holding a msgpack timestamp (ext -1), as Fluentd does by default", async () => {
    receiver = await startFluentdReceiver();
    const c = await client(receiver.url);
    const timestamp = Buffer.from([0xd6, 0xff, 0, 0, 0, 1]);
    const entries = Buffer.concat([Buffer.from([0x92]), eventTime(1, 2), Buffer.from([0x81]), Buffer.from(encode("at")), timestamp]);
    c.write(encode(["t", entries, { chunk: "d" }]));
    c.write(encode(["t", 1, { event_id: "ok" }, { chunk: "e" }]));
    expect(await c.next()).toEqual({ ack: Buffer.from("e") });
    expect(receiver.records.map((r) => r.record["event_id"])).toEqual(["ok"]);
  });

  it("sends no ack without chunk, and none under no_ack", async () => {
    receiver = await startFluentdReceiver();
    receiver.setFault({ kind: "no_ack", times: 1 });
    const c = await client(receiver.url);
    c.write(encode(["t", 1, { event_id: "b" }, { chunk: "x" }]));
    c.write(encode(["t", 1, { event_id: "a" }]));
    c.write(encode(["t", 1, { event_id: "c" }, { chunk: "y" }]));
    expect(await c.next()).toEqual({ ack: Buffer.from("y") });
    expect(receiver.messages.map((m) => m.outcome)).toEqual(["stored", "stored", "acked"]);
  });

  it("reset_after_ack delivers the ack then an RST; reset_before_ack stores nothing", async () => {
    receiver = await startFluentdReceiver();
    receiver.setFault({ kind: "reset_after_ack", times: 1 });
    const c = await client(receiver.url);
    c.write(encode(["t", 1, { event_id: "a" }, { chunk: "x" }]));
    expect(await c.next()).toEqual({ ack: Buffer.from("x") });
    await c.closed;
    receiver.setFault({ kind: "reset_before_ack", times: 1 });
    const d = await client(receiver.url);
    d.write(encode(["t", 1, { event_id: "b" }, { chunk: "y" }]));
    await d.closed;
    expect(receiver.records.map((r) => r.record["event_id"])).toEqual(["a"]);
  });
});

describe.each(["fluentd", "fluent-bit"] as const)("startFluentdReceiver: handshake (%s)", (flavour) => {
  const sha = (...p: (Uint8Array | string)[]) => p.reduce((h, x) => h.update(x), createHash("sha512")).digest("hex");

  it("sends HELO in the flavour's wire format and checks PING", async () => {
    receiver = await startFluentdReceiver({ flavour, security: { sharedKey: "k", selfHostname: "srv" } });
    const c = await client(receiver.url);
    const [type, options] = (await c.next()) as [Uint8Array, Record<string, unknown>];
    expect(Buffer.from(type).toString()).toBe("HELO");
    const nonce = options["nonce"] as Uint8Array;
    expect(nonce).toHaveLength(16);
    if (flavour === "fluentd") expect(options["keepalive"]).toBe(true);
    else {
      expect(options).not.toHaveProperty("keepalive");
      expect(() => new TextDecoder("utf-8", { fatal: true }).decode(nonce)).toThrow();
    }
    c.write(encode(["PING", "cli", "salt", sha("salt", "cli", nonce, "k"), "", ""]));
    const pong = (await c.next()) as unknown[];
    expect(pong[1]).toBe(true);
    expect(Buffer.from(pong[4] as Uint8Array).toString()).toBe(sha("salt", "srv", nonce, "k"));
  });

  it("answers a wrong shared key the flavour's way", async () => {
    receiver = await startFluentdReceiver({ flavour, security: { sharedKey: "k" } });
    const c = await client(receiver.url);
    const [, options] = (await c.next()) as [Uint8Array, Record<string, Uint8Array>];
    c.write(encode(["PING", "cli", "salt", sha("salt", "cli", options["nonce"]!, "wrong"), "", ""]));
    if (flavour === "fluentd") {
      const pong = (await c.next()) as unknown[];
      expect([pong[1], Buffer.from(pong[2] as Uint8Array).toString()]).toEqual([false, "shared_key mismatch"]);
    }
    await c.closed;
    expect(receiver.handshakes).toEqual([{ hostname: "cli", username: "", ok: false, reason: "shared_key mismatch" }]);
  });
});

describe("startFluentdReceiver: in_http", () => {
  const post = (r: FluentdReceiver, path: string, body: string | Buffer, headers: Record<string, string>) =>
    fetch(`${r.httpUrl}${path}`, { method: "POST", body, headers });

  it("joins path segments into the tag; JSON arrays, NDJSON and gzip; numeric time taken and removed", async () => {
    receiver = await startFluentdReceiver({ http: true });
    expect(
      (
        await post(receiver, "/a/b", JSON.stringify([{ event_id: "1", time: 5 }, { event_id: "2" }]), {
          "content-type": "application/json",
        })
      ).status,
    ).toBe(200);
    expect((await post(receiver, "/n", '{"event_id":"3"}\n{"event_id":"4"}\n', { "content-type": "application/x-ndjson" })).status).toBe(
      200,
    );
    expect(
      (await post(receiver, "/g", gzipSync('{"event_id":"5"}'), { "content-type": "application/json", "content-encoding": "gzip" })).status,
    ).toBe(200);
    expect(receiver.records.map((r) => [r.tag, r.time, r.record])).toEqual([
      ["a.b", 5, { event_id: "1" }],
      ["a.b", undefined, { event_id: "2" }],
      ["n", undefined, { event_id: "3" }],
      ["n", undefined, { event_id: "4" }],
      ["g", undefined, { event_id: "5" }],
    ]);
  });

  it.each([
    ["fluentd", 200],
    ["fluent-bit", 400],
  ] as const)("malformed JSON: %s answers %i and stores nothing", async (flavour, status) => {
    receiver = await startFluentdReceiver({ http: true, flavour });
    expect((await post(receiver, "/t", "[{", { "content-type": "application/json" })).status).toBe(status);
    expect(receiver.records).toHaveLength(0);
  });

  it("413 above the body limit, 400 for a body that does not inflate", async () => {
    receiver = await startFluentdReceiver({ http: true, maxHttpBodyBytes: 100 });
    expect((await post(receiver, "/t", JSON.stringify([{ x: "y".repeat(200) }]), { "content-type": "application/json" })).status).toBe(413);
    expect((await post(receiver, "/t", "not gzip", { "content-type": "application/json", "content-encoding": "gzip" })).status).toBe(400);
  });
});
