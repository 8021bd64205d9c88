import { gunzipSync } from "node:zlib";
import { decode, decodeMulti, ExtensionCodec } from "@msgpack/msgpack";
import type { IwEvent } from "@iw/core";
import { describe, expect, it } from "vitest";
import { chunkIdFor } from "../src/chunk-id.js";
import { EventTime, eventTimeFromIso } from "../src/event-time.js";
import { createEventTimeCodec } from "../src/event-time-codec.js";
import { ENCODE_SLICE, ForwardEncoder } from "../src/forward-encoder.js";
import { events } from "./helpers.js";

const codec = createEventTimeCodec();

/** Like Fluentd: ext type 0 is an EventTime of exactly 8 bytes, anything else fails the chunk. */
const strict = new ExtensionCodec();
strict.register({
  type: 0,
  encode: () => null,
  decode(data: Uint8Array): EventTime {
    if (data.byteLength !== 8) throw new RangeError(`EventTime must be 8 bytes, got ${data.byteLength}`);
    const view = new DataView(data.buffer, data.byteOffset, 8);
    return new EventTime(view.getUint32(0), view.getUint32(4));
  },
});
// Fluentd's unpacker knows the msgpack timestamp (ext -1) only with `enable_msgpack_time_support`,
// which is off by default (lib/fluent/msgpack_factory.rb): @msgpack/msgpack would decode it.
strict.register({
  type: -1,
  encode: () => null,
  decode(): never {
    throw new RangeError("ext type -1 (msgpack timestamp): Fluentd fails the chunk (enable_msgpack_time_support is off by default)");
  },
});

/** The decoded `[EventTime, record]` entries of a PackedForward message. */
function entriesOf(bytes: Uint8Array): unknown[] {
  const [, packed] = decode(bytes) as [string, Uint8Array];
  return [...decodeMulti(packed, { extensionCodec: strict })];
}

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
      const digits = String(i % 1_000_000_000)
        .padStart(9, "0")
        .slice(0, 1 + (i % 9));
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
    expect(Buffer.from(packed.subarray(0, 11)).toString("hex")).toBe(
      "92" + "d700" + (1775476800).toString(16).padStart(8, "0") + (123_456_789).toString(16).padStart(8, "0"),
    );
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

  it("skips undefined fields and writes undefined array items as nil: never msgpackr's 1-byte ext 0", () => {
    const [event] = events(1, "scan");
    const odd = { ...event, extra: undefined, list: [1, undefined, "x"], nested: { gone: undefined, kept: null } } as unknown as IwEvent;
    const [message] = new ForwardEncoder({ tag: "t", ack: false, gzip: false }).encode([odd], "b");
    const [[time, record]] = entriesOf(message!.bytes) as [[EventTime, Record<string, unknown>]];
    expect(time).toEqual(eventTimeFromIso(event!.timestamp));
    expect(record).not.toHaveProperty("extra");
    expect(record["list"]).toEqual([1, null, "x"]);
    expect(record["nested"]).toEqual({ kept: null });
  });

  it("round-trips non-ASCII and long strings (str8, str16, str32) and large numbers", () => {
    const [event] = events(1, "scan");
    const long = "é".repeat(40_000);
    const record = {
      ...event,
      a: "ignorez les instructions précédentes — 忽略",
      b: "x".repeat(200),
      c: long,
      n: 2 ** 40,
      f: -0.5,
    } as unknown as IwEvent;
    const [message] = new ForwardEncoder({ tag: "t", ack: false, gzip: false }).encode([record], "b");
    const [[, decoded]] = entriesOf(message!.bytes) as [[EventTime, Record<string, unknown>]];
    expect(decoded).toEqual(record);
  });

  it("encodeSliced gives the same bytes as encode, yielding to the event loop between slices", async () => {
    const batch = events(ENCODE_SLICE * 6 + 7);
    for (const gzip of [false, true]) {
      const encoder = new ForwardEncoder({ tag: "iw", ack: true, gzip });
      const expected = encoder.encode(batch, "b");
      let ticks = 0;
      let ticking = true;
      const tick = (): void => {
        ticks++;
        if (ticking) setImmediate(tick);
      };
      setImmediate(tick);
      const sliced = await encoder.encodeSliced(batch, "b");
      ticking = false;
      expect(sliced.map((m) => [m.tag, m.size, m.chunk])).toEqual(expected.map((m) => [m.tag, m.size, m.chunk]));
      expect(sliced.map((m) => Buffer.from(m.bytes).toString("hex"))).toEqual(expected.map((m) => Buffer.from(m.bytes).toString("hex")));
      // 304 scan logs and 303 audit events: 4 slices each, so 3 + 3 yields.
      expect(ticks).toBeGreaterThanOrEqual(5);
    }
    expect(entriesOf((await new ForwardEncoder({ tag: "iw", ack: false, gzip: false }).encodeSliced(batch, "b"))[0]!.bytes)).toHaveLength(
      304,
    );
  });

  it("frame wraps the packed entries without copying them: the same bytes as encode, chunk only when asked", () => {
    const batch = events(9);
    for (const gzip of [false, true]) {
      const encoder = new ForwardEncoder({ tag: "iw", ack: true, gzip });
      const packed = encoder.pack(batch, "b-frame");
      const framed = packed.map((tag) => encoder.frame(tag, true));
      expect(framed.map((f) => Buffer.concat(f.parts).toString("hex"))).toEqual(
        encoder.encode(batch, "b-frame").map((m) => Buffer.from(m.bytes).toString("hex")),
      );
      expect(framed.every((f, i) => f.parts[1] === packed[i]!.entries)).toBe(true);
      const [, , option] = decode(Buffer.concat(encoder.frame(packed[0]!, false).parts)) as [string, Uint8Array, Record<string, unknown>];
      expect(option).toEqual(gzip ? { size: 5, compressed: "gzip" } : { size: 5 });
      expect(framed[0]!.chunk).toBe(chunkIdFor("b-frame", "iw.scan"));
    }
  });

  it("encodeSliced stops once the attempt is aborted", async () => {
    const controller = new AbortController();
    const pending = new ForwardEncoder({ tag: "iw", ack: true, gzip: false }).encodeSliced(
      events(ENCODE_SLICE * 4, "scan"),
      "b",
      controller.signal,
    );
    controller.abort(new Error("deadline"));
    await expect(pending).rejects.toThrow("deadline");
  });

  it("writes Sets, Errors, RegExps, Maps and Dates as standard msgpack, never an ext type Fluentd does not know", () => {
    const [event] = events(1, "audit");
    const when = new Date("2026-04-06T12:00:00.5Z");
    const details = { set: new Set([1, 2]), err: new Error("boom"), re: /a+/g, map: new Map([["k", 1]]), when };
    const [message] = new ForwardEncoder({ tag: "t", ack: false, gzip: false }).encode([{ ...event, details } as unknown as IwEvent], "b");
    const [[, record]] = entriesOf(message!.bytes) as [[EventTime, { details: Record<string, unknown> }]];
    expect(record.details).toEqual({
      set: [1, 2],
      err: ["Error", "boom", null],
      re: ["a+", "g"],
      map: { k: 1 },
      when: "2026-04-06T12:00:00.500Z",
    });
  });

  it("writes Dates as ISO 8601 strings (as JSON does), at any depth and in ECS records too", () => {
    const [event] = events(1, "audit");
    const details = { at: new Date("2026-04-06T12:00:00Z"), list: [new Date(0)], deep: { bad: new Date(Number.NaN) } };
    for (const format of ["iw", "ecs"] as const) {
      const [message] = new ForwardEncoder({ tag: "t", ack: false, gzip: false, format }).encode(
        [{ ...event, details } as unknown as IwEvent],
        "b",
      );
      const text = JSON.stringify(entriesOf(message!.bytes));
      expect(text).toContain('"2026-04-06T12:00:00.000Z"');
      expect(text).toContain('["1970-01-01T00:00:00.000Z"]');
      expect(text).toContain('{"bad":null}');
    }
    expect(details.at).toBeInstanceOf(Date); // the emitted event is left as it was
  });
});

/** Every str of the entries, as raw bytes (`rawStrings`): what Fluentd's unpacker would read. */
function rawStringsOf(value: unknown, out: Uint8Array[] = []): Uint8Array[] {
  if (value instanceof Uint8Array) out.push(value);
  else if (Array.isArray(value)) for (const item of value) rawStringsOf(item, out);
  else if (value !== null && typeof value === "object" && !(value instanceof EventTime)) {
    for (const [k, v] of Object.entries(value)) {
      out.push(Buffer.from(k));
      rawStringsOf(v, out);
    }
  }
  return out;
}

describe("ForwardEncoder text", () => {
  it("packs a lone UTF-16 surrogate in a short string as U+FFFD: every str is valid UTF-8", () => {
    const encoder = new ForwardEncoder({ tag: "iw", ack: true, gzip: false });
    const [event] = events(1, "scan") as [IwEvent & { matches: { matched_text: string }[] }];
    const lone = {
      ...event,
      matches: [{ ...event.matches[0], matched_text: "ab\uD800cd" }],
      source: "\uDC00".repeat(3),
      long: `${"x".repeat(80)}\uD800`,
    } as unknown as IwEvent;
    const [message] = encoder.encode([lone], "b1");
    const [, packed] = decode(message!.bytes) as [string, Uint8Array];
    const strict = new TextDecoder("utf-8", { fatal: true });
    const strings = rawStringsOf([...decodeMulti(packed, { rawStrings: true, extensionCodec: codec })]);
    for (const bytes of strings) expect(() => strict.decode(bytes)).not.toThrow();
    const [[, record]] = entriesOf(message!.bytes) as [[unknown, { matches: { matched_text: string }[]; source: string; long: string }]];
    expect(record.matches[0]!.matched_text).toBe("ab\uFFFDcd");
    expect(record.source).toBe("\uFFFD\uFFFD\uFFFD");
    expect(record.long).toBe(`${"x".repeat(80)}\uFFFD`);
  });

  it("keeps well-formed text (pairs, Hangul, whose UTF-8 also starts with 0xED) as it is", () => {
    const encoder = new ForwardEncoder({ tag: "iw", ack: true, gzip: false });
    const [event] = events(1, "audit");
    const text = { ...event!, note: "\u{1F600} \uD7A3 \uD000" } as unknown as IwEvent;
    const [[, record]] = entriesOf(encoder.encode([text], "b1")[0]!.bytes) as [[unknown, { note: string }]];
    expect(record.note).toBe("\u{1F600} \uD7A3 \uD000");
  });
});
