import { describe, expect, it } from "vitest";
import { scanLog } from "@iw/core";
import type { IwEvent } from "@iw/core";
import { serializeBatch } from "../src/serialize.js";

function event(i: number): IwEvent {
  return scanLog({ direction: "input", decision: "allow", anomaly_score: 0, threshold: 10, policy: "default", request_id: `r${i}`, matches: [] });
}

describe("serializeBatch", () => {
  it("writes the batch as one JSON array, field for field", () => {
    const batch = [event(1), event(2)];
    const out = serializeBatch(batch);
    expect(out.count).toBe(2);
    expect(out.malformed).toBe(0);
    expect(JSON.parse(out.body)).toEqual(batch);
  });

  it("leaves out an event holding a BigInt and keeps the others", () => {
    const bad = { ...event(2), details: { n: 1n } } as unknown as IwEvent;
    const out = serializeBatch([event(1), bad, event(3)]);
    expect(out.count).toBe(2);
    expect(out.malformed).toBe(1);
    expect(out.firstError?.message).toMatch(/BigInt/);
    expect((JSON.parse(out.body) as { request_id: string }[]).map((e) => e.request_id)).toEqual(["r1", "r3"]);
  });

  it("leaves out an event with a cycle", () => {
    const bad = event(2) as IwEvent & { self?: unknown };
    bad.self = bad;
    const out = serializeBatch([bad, event(3)]);
    expect(out.malformed).toBe(1);
    expect(JSON.parse(out.body)).toHaveLength(1);
  });

  it("applies the mapping and counts a mapping that throws as malformed", () => {
    const out = serializeBatch([event(1), event(2)], (e) => {
      if (e.log_type === "scan" && e.request_id === "r2") throw new Error("cannot map");
      return { id: e.event_id };
    });
    expect(out.malformed).toBe(1);
    expect(JSON.parse(out.body)).toEqual([{ id: expect.any(String) }]);
  });

  it("produces an empty array when nothing can be serialized", () => {
    const out = serializeBatch([{ n: 1n } as unknown as IwEvent]);
    expect(out).toMatchObject({ body: "[]", count: 0, malformed: 1 });
  });
});
