import { describe, expect, it } from "vitest";
import { scanLog } from "@iw/core";
import type { IwEvent } from "@iw/core";
import { serializeBatch, serializeInSlices } from "../src/serialize.js";

function event(i: number): IwEvent {
  return scanLog({
    direction: "input",
    decision: "allow",
    anomaly_score: 0,
    threshold: 10,
    policy: "default",
    request_id: `r${i}`,
    matches: [],
  });
}

describe("serializeBatch", () => {
  it("writes the batch as one JSON array, field for field", () => {
    const batch = [event(1), event(2)];
    const out = serializeBatch(batch);
    expect(out.count).toBe(2);
    expect(out.malformed).toBe(0);
    expect(JSON.parse(out.body.toString())).toEqual(batch);
  });

  it("leaves out an event holding a BigInt and keeps the others", () => {
    const bad = { ...event(2), details: { n: 1n } } as unknown as IwEvent;
    const out = serializeBatch([event(1), bad, event(3)]);
    expect(out.count).toBe(2);
    expect(out.malformed).toBe(1);
    expect(out.firstError?.message).toMatch(/BigInt/);
    expect((JSON.parse(out.body.toString()) as { request_id: string }[]).map((e) => e.request_id)).toEqual(["r1", "r3"]);
  });

  it("leaves out an event with a cycle", () => {
    const bad = event(2) as IwEvent & { self?: unknown };
    bad.self = bad;
    const out = serializeBatch([bad, event(3)]);
    expect(out.malformed).toBe(1);
    expect(JSON.parse(out.body.toString())).toHaveLength(1);
  });

  it("applies the mapping and counts a mapping that throws as malformed", () => {
    const out = serializeBatch([event(1), event(2)], (e) => {
      if (e.log_type === "scan" && e.request_id === "r2") throw new Error("cannot map");
      return { id: e.event_id };
    });
    expect(out.malformed).toBe(1);
    expect(JSON.parse(out.body.toString())).toEqual([{ id: expect.any(String) }]);
  });

  it("produces an empty array when nothing can be serialized", () => {
    const out = serializeBatch([{ n: 1n } as unknown as IwEvent]);
    expect(out).toMatchObject({ body: "[]", count: 0, malformed: 1 });
  });
});

describe("serializeInSlices", () => {
  it("produces the same JSON array as one stringify, across slices", async () => {
    const batch = Array.from({ length: 250 }, (_, i) => event(i));
    const out = await serializeInSlices(batch, () => undefined, 100);
    expect(out.count).toBe(250);
    expect(Buffer.from(out.body).toString("utf8")).toBe(JSON.stringify(batch));
  });

  it("leaves out bad events in any slice and keeps valid JSON", async () => {
    const batch = Array.from({ length: 7 }, (_, i) => event(i));
    (batch[0] as unknown as { n: bigint }).n = 1n;
    (batch[6] as unknown as { n: bigint }).n = 1n;
    const out = await serializeInSlices(batch, () => undefined, 3);
    expect(out).toMatchObject({ count: 5, malformed: 2 });
    expect((JSON.parse(out.body.toString()) as { request_id: string }[]).map((e) => e.request_id)).toEqual(["r1", "r2", "r3", "r4", "r5"]);
  });

  it("lists the events it kept, across slices, only when some were left out", async () => {
    const batch = Array.from({ length: 7 }, (_, i) => event(i));
    expect((await serializeInSlices(batch, () => undefined, 3)).events).toBeUndefined();
    (batch[4] as unknown as { n: bigint }).n = 1n;
    const out = await serializeInSlices(batch, () => undefined, 3);
    expect(out.events).toEqual([batch[0], batch[1], batch[2], batch[3], batch[5], batch[6]]);
    expect(out.events!.map((e) => e.event_id)).toEqual((JSON.parse(out.body.toString()) as IwEvent[]).map((e) => e.event_id));
  });

  it("yields to the event loop between slices", async () => {
    const batch = Array.from({ length: 300 }, (_, i) => event(i));
    let ran = 0;
    let stop = false;
    const other = (): void => {
      ran++;
      if (!stop) setImmediate(other);
    };
    setImmediate(other);
    await serializeInSlices(batch, () => undefined, 100);
    stop = true;
    // Three slices: other work ran between them.
    expect(ran).toBeGreaterThanOrEqual(2);
  });

  it("writes an empty array when every event is bad", async () => {
    const out = await serializeInSlices([{ n: 1n } as unknown as IwEvent], () => undefined, 100);
    expect(out.body.toString()).toBe("[]");
  });
});

describe("serializeInSlices with non-ASCII text", () => {
  it("encodes UTF-8 correctly across slices", async () => {
    const batch = Array.from({ length: 5 }, (_, i) => ({ ...event(i), policy: `política-${i}-😀` }) as IwEvent);
    const out = await serializeInSlices(batch, () => undefined, 2);
    expect(JSON.parse(Buffer.from(out.body).toString("utf8"))).toEqual(batch);
  });
});
