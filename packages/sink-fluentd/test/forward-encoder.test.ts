import { gunzipSync } from "node:zlib";
import { decode, decodeMulti } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { chunkIdFor, createEventTimeCodec, EventTime, eventTimeFromIso, ForwardEncoder } from "../src/index.js";
import { events } from "./helpers.js";

const codec = createEventTimeCodec();

describe("eventTimeFromIso", () => {
  it("keeps all nine fraction digits", () => {
    expect(eventTimeFromIso("2026-04-06T12:00:00.123456789Z")).toEqual(new EventTime(1775476800, 123_456_789));
  });
  it("pads shorter fractions and honours offsets", () => {
    expect(eventTimeFromIso("2026-04-06T14:00:00.5+02:00")).toEqual(new EventTime(1775476800, 500_000_000));
    expect(eventTimeFromIso("2026-04-06T12:00:00Z")).toEqual(new EventTime(1775476800, 0));
  });
  it("the cached fast path agrees with Date.parse across seconds, fractions and odd forms", () => {
    const base = Date.parse("2026-04-06T12:00:00Z");
    for (let i = 0; i < 3000; i++) {
      const ms = base + i * 397;
      const iso = new Date(ms).toISOString();
      const digits = String(i % 1_000_000_000).padStart(9, "0").slice(0, 1 + (i % 9));
      const withNs = iso.replace(/\.\d{3}Z$/, i % 7 === 0 ? "Z" : `.${digits}Z`);
      const expected = new EventTime(Math.floor(ms / 1000), i % 7 === 0 ? 0 : Number(digits.padEnd(9, "0")));
      expect(eventTimeFromIso(withNs)).toEqual(expected);
    }
    expect(eventTimeFromIso("2026-04-06T12:00:00.1234567891Z")).toEqual(new EventTime(1775476800, 123_456_789));
    expect(eventTimeFromIso("2026-04-06T12:00:0x.1Z", () => 5000)).toEqual(new EventTime(5, 0));
  });

  it("falls back to now for an unparsable timestamp", () => {
    expect(eventTimeFromIso("garbage", () => 1_000_250)).toEqual(new EventTime(1000, 250_000_000));
  });
});

describe("ForwardEncoder", () => {
  it("writes EventTime as fixext 8 of type 0 (d7 00, BE seconds, BE nanoseconds)", () => {
    const [message] = new ForwardEncoder({ tag: "t", ack: false, gzip: false }).encode(events(1, "scan"), "b");
    const [, packed] = decode(message!.bytes) as [string, Uint8Array];
    expect(Buffer.from(packed.subarray(0, 11)).toString("hex")).toBe("92" + "d700" + (1775476800).toString(16).padStart(8, "0") + (123_456_789).toString(16).padStart(8, "0"));
  });

  it("emits one PackedForward message per tag with size and a chunk derived from batchId + tag", () => {
    const batch = events(5);
    const messages = new ForwardEncoder({ tag: "iw", ack: true, gzip: false }).encode(batch, "batch-1");
    expect(messages.map((m) => [m.tag, m.size, m.chunk])).toEqual([
      ["iw.scan", 3, chunkIdFor("batch-1", "iw.scan")],
      ["iw.audit", 2, chunkIdFor("batch-1", "iw.audit")],
    ]);
    const [tag, packed, option] = decode(messages[0]!.bytes) as [string, Uint8Array, Record<string, unknown>];
    expect(tag).toBe("iw.scan");
    expect(packed).toBeInstanceOf(Uint8Array);
    expect(option).toEqual({ size: 3, chunk: chunkIdFor("batch-1", "iw.scan") });
    const entries = [...decodeMulti(packed, { extensionCodec: codec })];
    expect(entries).toEqual([0, 2, 4].map((i) => [eventTimeFromIso(batch[i]!.timestamp), batch[i]]));
  });

  it("gzips the entries stream and says so with compressed: gzip", () => {
    const batch = events(3, "audit");
    const [message] = new ForwardEncoder({ tag: "iw", ack: true, gzip: true }).encode(batch, "b");
    const [, packed, option] = decode(message!.bytes) as [string, Uint8Array, Record<string, unknown>];
    expect(option["compressed"]).toBe("gzip");
    expect([...decodeMulti(gunzipSync(packed), { extensionCodec: codec })]).toHaveLength(3);
  });

  it("handles batches past the fixarray and array16 header sizes", () => {
    const batch = events(66_000, "scan");
    const [message] = new ForwardEncoder({ tag: "iw", ack: false, gzip: false }).encode(batch, "b");
    const [, packed] = decode(message!.bytes) as [string, Uint8Array];
    let n = 0;
    for (const _ of decodeMulti(packed, { extensionCodec: codec })) n++;
    expect(n).toBe(66_000);
  });

  it("chunk ids are 16 bytes of base64, stable per batch and tag", () => {
    expect(Buffer.from(chunkIdFor("x", "t"), "base64")).toHaveLength(16);
    expect(chunkIdFor("x", "t")).toBe(chunkIdFor("x", "t"));
    expect(chunkIdFor("x", "t")).not.toBe(chunkIdFor("y", "t"));
  });
});
