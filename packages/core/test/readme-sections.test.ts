import { describe, expect, it } from "vitest";
import { replaceMarkedSection } from "../../../scripts/readme/index.js";

describe("replaceMarkedSection", () => {
  it("replaces only what stands between the markers", () => {
    const text = "a\n<!-- t:start -->\nold\n<!-- t:end -->\nb";
    expect(replaceMarkedSection(text, "t", "new\n")).toBe("a\n<!-- t:start -->\nnew\n<!-- t:end -->\nb");
  });

  it("refuses missing or reversed markers", () => {
    expect(() => replaceMarkedSection("no markers", "t", "x")).toThrow(/markers/);
    expect(() => replaceMarkedSection("<!-- t:end --><!-- t:start -->", "t", "x")).toThrow(/out of order/);
  });
});
