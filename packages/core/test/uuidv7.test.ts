import { describe, expect, it } from "vitest";
import { uuidv7 } from "../src/events/uuidv7.js";

describe("uuidv7", () => {
  it("is an RFC 9562 version 7 id whose first 48 bits are the time in milliseconds", () => {
    const now = Date.UTC(2026, 3, 6, 12, 0, 0);
    const id = uuidv7(now);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(now);
  });

  it("sorts in creation order within one millisecond, and never repeats", () => {
    const now = Date.now() + 10_000;
    const ids = Array.from({ length: 2000 }, () => uuidv7(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("returns independent strings (the text buffer behind them is reused)", () => {
    const a = uuidv7();
    const copy = `${a}`;
    uuidv7();
    expect(a).toBe(copy);
  });
});
