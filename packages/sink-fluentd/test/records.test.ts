import { describe, expect, it } from "vitest";
import type { IwEvent } from "@iw/core";
import { httpRecordJson } from "../src/records.js";
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
