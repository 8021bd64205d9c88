import { describe, expect, it } from "vitest";
import type { IwEvent } from "@iw/core";
import { groupByTag, httpRecordJson, wellFormed } from "../src/records.js";
import { countTypeReads, events } from "./helpers.js";

describe("httpRecordJson", () => {
  it("puts the event time first as float seconds and keeps every field", () => {
    const [event] = events(1, "audit");
    const parsed = JSON.parse(httpRecordJson(event!)) as Record<string, unknown>;
    expect(parsed["time"]).toBe(1775476800.123);
    const { time: _t, ...rest } = parsed;
    expect(rest).toEqual(event);
  });

  it("moves a record's own time to time_, whatever its type", () => {
    for (const own of ["yesterday", null, { nested: 1 }, 12]) {
      const event = { ...events(1, "audit")[0], time: own } as unknown as IwEvent;
      const parsed = JSON.parse(httpRecordJson(event)) as Record<string, unknown>;
      expect(typeof parsed["time"]).toBe("number");
      expect(parsed["time_"]).toEqual(own);
    }
  });
});

describe("groupByTag", () => {
  it("one group per log_type in first-seen order, order kept inside each; a single-type batch as it is", () => {
    const mixed = events(5);
    const groups = groupByTag("iw", mixed);
    expect([...groups.keys()]).toEqual(["iw.scan", "iw.audit"]);
    expect(groups.get("iw.scan")).toEqual([mixed[0], mixed[2], mixed[4]]);
    expect(groups.get("iw.audit")).toEqual([mixed[1], mixed[3]]);
    const scans = events(3, "scan");
    expect([...groupByTag("iw", scans)]).toEqual([["iw.scan", scans]]);
    expect(groupByTag("iw", []).size).toBe(0);
  });
});

describe("groupByTag reads", () => {
  it.each([
    ["a single-type batch", events(6, "scan")],
    ["a mixed batch", events(6)],
    ["a batch whose second type comes late", [...events(3, "scan"), ...events(3, "audit")]],
  ])("reads each event's log_type exactly once (%s)", (_what, batch) => {
    const { events: counted, reads } = countTypeReads(batch);
    const groups = groupByTag("iw", counted);
    expect(reads).toEqual(batch.map(() => 1));
    expect([...groups.values()].flat()).toHaveLength(batch.length);
  });
});

describe("wellFormed", () => {
  it("replaces lone surrogates in values and keys with U+FFFD, keeps pairs, and copies only what changes", () => {
    const clean = { a: "ok \u{1F600}", n: [1, "x"] };
    expect(wellFormed(clean)).toBe(clean);
    const dirty = { a: "\uD800", [`k\uDC00`]: ["x\uDBFFy", new Map([["\uDFFF", 1]])], keep: clean };
    const fixed = wellFormed(dirty) as Record<string, unknown>;
    expect(fixed).toEqual({ a: "\uFFFD", [`k\uFFFD`]: ["x\uFFFDy", new Map([["\uFFFD", 1]])], keep: clean });
    expect(fixed["keep"]).toBe(clean);
    expect(dirty.a).toBe("\uD800");
  });
});
