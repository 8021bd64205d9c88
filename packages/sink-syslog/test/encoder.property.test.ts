import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { auditEvent, scanLog, type IwEvent } from "@iw/core";
import { parseSyslogMessage } from "@iw/testkit";
import { SyslogEncoder } from "../src/encoder.js";
import { resolveOptions } from "../src/resolve-options.js";
import type { SyslogFormat } from "../src/index.js";

/** Any text, line breaks, quotes, brackets, backslashes, `=`, `|`, tabs and astral characters included. */
const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 60 }),
  fc
    .array(fc.constantFrom("\\", '"', "]", "[", "=", "|", "\n", "\r", "\t", " ", "é", "🙂", "x", "\u0000"), { maxLength: 40 })
    .map((a) => a.join("")),
);
/** What UTF-8 makes of a string (a lone surrogate becomes U+FFFD). */
const utf8 = (s: string) => Buffer.from(s, "utf8").toString("utf8");

const event = fc.oneof(
  fc
    .record({ policy: text, matched: fc.array(text, { maxLength: 3 }), host: fc.option(text, { nil: undefined }) })
    .map(({ policy, matched, host }): IwEvent =>
      scanLog({
        direction: "input",
        decision: "flag",
        anomaly_score: 5,
        threshold: 10,
        policy,
        request_id: "r",
        matches: matched.map((m, i) => ({ signature_id: `S${i}`, matched_text: m, score: 1, confidence: 1, severity: i })),
        ...(host === undefined ? {} : { host }),
      }),
    ),
  fc
    .record({ action: text.filter((s) => s !== ""), detail: text, key: text })
    .map(({ action, detail, key }): IwEvent =>
      auditEvent({ category: "config", action, details: { [key]: detail, n: 1 }, source_ip: detail, key_prefix: key }),
    ),
);

describe("every format, any text", () => {
  for (const format of ["rfc5424", "rfc3164", "cef", "leef"] as SyslogFormat[]) {
    it(`${format}: the message parses strictly, keeps its event id and stays within the size limit`, () => {
      fc.assert(
        fc.property(event, fc.integer({ min: 480, max: 4096 }), fc.boolean(), (e, max, nonTransparent) => {
          const url = nonTransparent ? "tcp://127.0.0.1" : "udp://127.0.0.1";
          const enc = new SyslogEncoder(
            resolveOptions({ url, format, maxMessageBytes: max, ...(nonTransparent ? { framing: "non-transparent" } : {}) }),
          );
          const { text: out, truncated } = enc.encode(e);
          expect(Buffer.byteLength(out)).toBeLessThanOrEqual(max);
          if (nonTransparent) expect(out).not.toMatch(/[\r\n]/);
          const m = parseSyslogMessage(Buffer.from(out), "udp", "datagram");
          expect(m.eventId).toBe(e.event_id);
          if (truncated || nonTransparent) return;
          // Not shortened: the values come back exactly (after UTF-8) where the format can carry them.
          if (e.log_type === "scan" && format === "rfc5424") expect(m.rfc5424!.structuredData["iw@32473"]!["policy"]).toBe(utf8(e.policy));
          if (e.log_type === "scan" && format === "cef") expect(m.cef!.labeled["policy"]).toBe(utf8(e.policy));
          if (e.log_type === "audit" && format === "cef") expect(m.cef!.extension["act"]).toBe(utf8(e.action));
          if (format === "rfc3164") expect(m.json).toEqual(JSON.parse(JSON.stringify(e)));
        }),
        { numRuns: 300 },
      );
    });
  }
});
