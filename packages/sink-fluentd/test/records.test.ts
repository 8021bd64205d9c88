import { describe, expect, it } from "vitest";
import type { IwEvent } from "@iw/core";
import { groupByTag, httpRecordJson } from "../src/records.js";
import { events } from "./helpers.js";

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

