import { describe, expect, it } from "vitest";
import { auditEvent, scanLog } from "@iw/core";
import { compileEventFilter } from "../src/activation/index.js";
import type { AuditCategory, IwEvent } from "@iw/core";

const scan = (direction: "input" | "output", decision: "allow" | "flag" | "block") =>
  scanLog({ direction, decision, anomaly_score: 1, threshold: 10, policy: "p", request_id: "r", matches: [] });
const audit = (category: AuditCategory) => auditEvent({ category, action: "x" });
const summary = { log_type: "summary", timestamp: "2026-01-01T00:00:00Z", event_id: "s" } as unknown as IwEvent;

const EVENTS: Record<string, IwEvent> = {
  "in:allow": scan("input", "allow"),
  "in:flag": scan("input", "flag"),
  "in:block": scan("input", "block"),
  "out:allow": scan("output", "allow"),
  "out:flag": scan("output", "flag"),
  "out:block": scan("output", "block"),
  auth: audit("auth"),
  policy: audit("policy"),
  rate_limit: audit("rate_limit"),
  summary,
};
const selected = (text: string | undefined) => {
  const f = compileEventFilter(text);
  return Object.keys(EVENTS).filter((k) => f.accepts(EVENTS[k]!));
};

describe("compileEventFilter", () => {
  it("accepts everything when unset, empty or all", () => {
    for (const t of [undefined, "", " ", "all", "ALL", "*"]) expect(selected(t)).toEqual(Object.keys(EVENTS));
    expect(compileEventFilter(undefined).text).toBe("all");
  });

  it("selects scan logs by decision, direction or both", () => {
    expect(selected("scan")).toEqual(["in:allow", "in:flag", "in:block", "out:allow", "out:flag", "out:block"]);
    expect(selected("scan:block")).toEqual(["in:block", "out:block"]);
    expect(selected("scan:input")).toEqual(["in:allow", "in:flag", "in:block"]);
    expect(selected("scan:output:flag")).toEqual(["out:flag"]);
    expect(selected("scan:block:input")).toEqual(["in:block"]);
  });

  it("selects audit events by category", () => {
    expect(selected("audit")).toEqual(["auth", "policy", "rate_limit"]);
    expect(selected("audit:auth, audit:rate_limit")).toEqual(["auth", "rate_limit"]);
  });

  it("unions terms and subtracts excluded ones", () => {
    expect(selected("scan:block,audit:auth")).toEqual(["in:block", "out:block", "auth"]);
    expect(selected("-scan:allow")).toEqual(["in:flag", "in:block", "out:flag", "out:block", "auth", "policy", "rate_limit", "summary"]);
    expect(selected("audit,-audit:policy")).toEqual(["auth", "rate_limit"]);
    expect(selected("summary")).toEqual(["summary"]);
    expect(compileEventFilter(" Scan:Block , -audit:auth").text).toBe("scan:block,-audit:auth");
  });

  it("rejects unknown terms with a reason", () => {
    expect(() => compileEventFilter("scans")).toThrow('"scans" is not a known term');
    expect(() => compileEventFilter("scan:deny")).toThrow('"deny" is not a scan qualifier');
    expect(() => compileEventFilter("scan:block:flag")).toThrow("repeats a decision");
    expect(() => compileEventFilter("audit:login")).toThrow('"login" is not an audit category');
    expect(() => compileEventFilter("all:x")).toThrow("takes no qualifier");
  });

  it("never throws on malformed events", () => {
    const f = compileEventFilter("scan:block,audit:auth");
    for (const bad of [{}, { log_type: "scan" }, { log_type: "audit", category: 3 }, { log_type: 7 }]) {
      expect(f.accepts(bad as unknown as IwEvent)).toBe(false);
    }
  });
});
