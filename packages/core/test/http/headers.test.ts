import { describe, expect, it } from "vitest";
import { assertHeaderValue, parseHeaderList } from "@iw/core/sink-kit";
import { IwConfigError } from "@iw/core";

describe("parseHeaderList", () => {
  it("reads the OpenTelemetry form with percent-decoded values", () => {
    expect(parseHeaderList("X-Tenant=acme, Authorization=Bearer%20abc", "IW_ELK_HEADERS")).toEqual({
      "X-Tenant": "acme",
      Authorization: "Bearer abc",
    });
  });

  it("reads a JSON object", () => {
    expect(parseHeaderList('{"X-A":"1","X-B":"two"}', "IW_ELK_HEADERS")).toEqual({ "X-A": "1", "X-B": "two" });
  });

  it("refuses CR/LF in a value, also when percent-encoded, without printing the value", () => {
    for (const text of ["X-A=ok%0D%0AX-Evil: 1", '{"X-A":"a\\r\\nX-Evil: 1"}']) {
      let err: unknown;
      try {
        parseHeaderList(text, "IW_WEBHOOK_HEADERS");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(IwConfigError);
      expect((err as Error).message).toMatch(/^IW_WEBHOOK_HEADERS .*CR, LF/);
      expect((err as Error).message).not.toContain("X-Evil");
    }
  });

  it("refuses invalid header names and entries without '='", () => {
    expect(() => parseHeaderList("Bad Name=1", "V")).toThrow(/not a valid header name/);
    expect(() => parseHeaderList("novalue", "V")).toThrow(/without "name=value"/);
    expect(() => parseHeaderList("[1]", "V")).toThrow(/expected/);
  });

  it("returns nothing for an empty value", () => {
    expect(parseHeaderList("  ", "V")).toEqual({});
  });
});

describe("assertHeaderValue (headers given in code)", () => {
  it("accepts a token name with a printable value", () => {
    expect(() => assertHeaderValue("X-Tenant_1", "a b\tc", "V")).not.toThrow();
  });
  it("refuses a name that is not a token and a value with CR/LF, naming the variable", () => {
    expect(() => assertHeaderValue("X Bad", "v", "V")).toThrow(IwConfigError);
    expect(() => assertHeaderValue("X Bad", "v", "V")).toThrow(/^V: "X Bad" is not a valid header name/);
    expect(() => assertHeaderValue("", "v", "V")).toThrow(/not a valid header name/);
    expect(() => assertHeaderValue("X-A", "a\r\nX-B: 1", "V")).toThrow(/header injection is refused/);
  });
});
