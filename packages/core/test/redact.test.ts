import { describe, expect, it } from "vitest";
import { auditEvent, scanLog } from "@iw/core";
import { createRedactor, parseRedactFields, parseRedactMode } from "../src/activation/index.js";
import type { IwEvent, ScanLog } from "@iw/core";

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
const event = () =>
  deepFreeze(
    scanLog({
      direction: "input",
      decision: "block",
      anomaly_score: 12.8,
      threshold: 10,
      policy: "default",
      request_id: "req-1",
      matches: [
        { signature_id: "A", matched_text: "ignore all previous instructions", score: 6, confidence: 0.9, severity: 7 },
        { signature_id: "B", matched_text: "my password is hunter2", score: 3, confidence: 0.5, severity: 4 },
      ],
    }),
  );
const texts = (e: IwEvent) => (e as ScanLog).matches.map((m) => m.matched_text);

describe("createRedactor", () => {
  it("does nothing at all when off", () => {
    expect(createRedactor({ mode: "off" })).toBeUndefined();
  });

  it("masks matched_text in a copy, sharing untouched parts, never mutating the original", () => {
    const e = event();
    const out = createRedactor({ mode: "mask" })!(e) as ScanLog;
    expect(texts(out)).toEqual(["[REDACTED]", "[REDACTED]"]);
    expect(texts(e)).toEqual(["ignore all previous instructions", "my password is hunter2"]);
    expect(out).not.toBe(e);
    expect(out.matches[0]!.signature_id).toBe("A");
    expect(out.request_id).toBe("req-1");
  });

  it("keeps the length with mask-length", () => {
    expect(texts(createRedactor({ mode: "mask-length" })!(event()))).toEqual(["[REDACTED:32 chars]", "[REDACTED:22 chars]"]);
  });

  it("hashes with a keyed HMAC so equal texts correlate and other keys do not", () => {
    const a = createRedactor({ mode: "hash", key: "0123456789abcdef-key" })!;
    const b = createRedactor({ mode: "hash", key: "another-key-0123456789" })!;
    const [x1, x2] = texts(a(event()));
    expect(x1).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(texts(a(event()))[0]).toBe(x1);
    expect(x2).not.toBe(x1);
    expect(texts(b(event()))[0]).not.toBe(x1);
  });

  it("uses one random key per process when none is given", () => {
    const a = createRedactor({ mode: "hash" })!;
    const b = createRedactor({ mode: "hash" })!;
    expect(texts(a(event()))).toEqual(texts(b(event())));
  });

  it("redacts the configured fields, traversing arrays and skipping absent ones", () => {
    const r = createRedactor({ mode: "mask", fields: ["details.prompt", "source_ip", "matches.matched_text"] })!;
    const a = deepFreeze(auditEvent({ category: "auth", action: "x", source_ip: "10.0.0.1", details: { prompt: "secret", other: 1 } }));
    expect(r(a)).toMatchObject({ source_ip: "[REDACTED]", details: { prompt: "[REDACTED]", other: 1 } });
    const plain = deepFreeze(auditEvent({ category: "auth", action: "x" }));
    expect(r(plain)).toBe(plain); // nothing to redact: the same object
  });
});

describe("parsing", () => {
  it("reads modes and field lists, rejecting bad ones", () => {
    expect(parseRedactMode(" HASH ")).toBe("hash");
    expect(parseRedactMode("")).toBeUndefined();
    expect(() => parseRedactMode("blur")).toThrow('"blur" is not a redaction mode');
    expect(parseRedactFields(undefined)).toEqual(["matches.matched_text"]);
    expect(parseRedactFields("details.prompt, source_ip")).toEqual(["details.prompt", "source_ip"]);
    expect(() => parseRedactFields("details..x")).toThrow("is not a dotted field path");
    expect(() => parseRedactFields("__proto__.x")).toThrow("is not a dotted field path");
  });
});
