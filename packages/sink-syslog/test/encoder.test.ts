import { describe, expect, it } from "vitest";
import { scanLog, type IwEvent } from "@iw/core";
import { parseSyslogMessage, type ReceivedSyslogMessage } from "@iw/testkit";
import { SyslogEncoder } from "../src/encoder.js";
import { resolveOptions } from "../src/resolve-options.js";
import type { SyslogSinkOptions } from "../src/index.js";
import { blockedScan, failedLogin } from "./helpers.js";

function encoder(o: Partial<SyslogSinkOptions> = {}): SyslogEncoder {
  return new SyslogEncoder(resolveOptions({ url: "tcp://127.0.0.1", hostname: "fw-1", ...o }));
}

/** Encodes and parses back with the strict receiver's parser. */
function roundTrip(event: IwEvent, o: Partial<SyslogSinkOptions> = {}): ReceivedSyslogMessage & { truncated: boolean; text: string } {
  const { text, truncated } = encoder(o).encode(event);
  return { ...parseSyslogMessage(Buffer.from(text), "tcp", "octet-counting"), truncated, text };
}

const HOSTILE = 'say "hi" ] [x] back\\slash a=b | pipe\r\nnext\tline é 🙂';

describe("rfc5424", () => {
  it("puts a blocked scan on local0.warning, MSGID scan.input.block, its fields in iw@32473 and a summary as MSG", () => {
    const m = roundTrip(blockedScan({ service: "chat-api" }));
    const r = m.rfc5424!;
    expect(r).toMatchObject({
      facility: 16,
      severity: 4,
      timestamp: "2026-04-06T12:00:00.123Z",
      hostname: "fw-1",
      appName: "inferwall",
      procId: String(process.pid),
      msgId: "scan.input.block",
      bom: false,
    });
    expect(r.structuredData["iw@32473"]).toEqual({
      eventId: m.eventId,
      logType: "scan",
      decision: "block",
      direction: "input",
      anomalyScore: "12.8",
      threshold: "10",
      signatureIds: "INJ-D-002",
      signatureCount: "1",
      policy: "default",
      requestId: "req-1",
      service: "chat-api",
    });
    expect(r.structuredData["iwMatch1@32473"]).toEqual({
      signatureId: "INJ-D-002",
      severity: "7",
      score: "6.3",
      confidence: "0.9",
      matchedText: "ignore all previous instructions",
    });
    expect(r.msg).toBe("input scan block: anomaly score 12.8 (threshold 10), 1 signature (INJ-D-002), policy default, request req-1");
  });

  it("lists matches most severe first, one element each", () => {
    const matches = [
      { signature_id: "LOW", matched_text: "a", score: 9, confidence: 1, severity: 2 },
      { signature_id: "HIGH", matched_text: "b", score: 1, confidence: 1, severity: 9 },
    ];
    const r = roundTrip(blockedScan({ matches })).rfc5424!;
    expect(r.sd.map((e) => e.id)).toEqual(["iw@32473", "iwMatch1@32473", "iwMatch2@32473"]);
    expect(r.structuredData["iwMatch1@32473"]!["signatureId"]).toBe("HIGH");
    expect(r.structuredData["iw@32473"]!["signatureIds"]).toBe("HIGH,LOW");
  });

  it('escapes ", \\ and ] in values, and keeps line breaks, which octet counting carries', () => {
    const m = roundTrip(
      blockedScan({ policy: HOSTILE, matches: [{ signature_id: "S]1", matched_text: HOSTILE, score: 1, confidence: 1, severity: 5 }] }),
    );
    expect(m.rfc5424!.structuredData["iw@32473"]!["policy"]).toBe(HOSTILE);
    expect(m.rfc5424!.structuredData["iwMatch1@32473"]).toMatchObject({ signatureId: "S]1", matchedText: HOSTILE });
  });

  it("replaces line breaks with spaces under non-transparent framing, where LF ends the message", () => {
    const m = roundTrip(
      blockedScan({ policy: "a\r\nb", matches: [{ signature_id: "S", matched_text: "x\ny", score: 1, confidence: 1, severity: 5 }] }),
      { framing: "non-transparent" },
    );
    expect(m.text).not.toMatch(/[\r\n]/);
    expect(m.rfc5424!.structuredData["iw@32473"]!["policy"]).toBe("a  b");
    expect(m.rfc5424!.structuredData["iwMatch1@32473"]!["matchedText"]).toBe("x y");
  });

  it("starts a MSG that is not plain ASCII with a BOM, and only then", () => {
    const m = roundTrip(blockedScan({ policy: "política" }));
    expect(m.rfc5424!.bom).toBe(true);
    expect(m.rfc5424!.msg).toContain("policy política");
  });

  it("flattens an audit event's details into iwDetails@, names made SD-NAMEs, objects as JSON", () => {
    const m = roundTrip(failedLogin({ details: { "user name": "a", 'x="y"]': 1, nested: { ok: [1, 2] } } }));
    const r = m.rfc5424!;
    expect(r).toMatchObject({ facility: 16, severity: 4, msgId: "audit.auth" });
    expect(r.structuredData["iw@32473"]).toMatchObject({
      logType: "audit",
      category: "auth",
      action: "login_failed",
      sourceIp: "192.168.1.100",
      keyPrefix: "iwk_scan_",
    });
    expect(r.structuredData["iwDetails@32473"]).toEqual({ user_name: "a", x__y__: "1", nested: '{"ok":[1,2]}' });
  });

  it("takes the event's host as HOSTNAME, made printable ASCII", () => {
    expect(roundTrip(blockedScan({ host: "web 1.é" })).rfc5424!.hostname).toBe("web_1._");
  });

  it("keeps the timestamp's own offset, cuts its fraction to 6 digits, and writes - for no time at all", () => {
    expect(roundTrip(blockedScan({ timestamp: "2026-04-06T14:00:00.123456789+02:00" })).rfc5424!.timestamp).toBe(
      "2026-04-06T14:00:00.123456+02:00",
    );
    expect(roundTrip(blockedScan({ timestamp: "not a time" })).rfc5424!.timestamp).toBeNull();
  });

  it("uses the configured enterprise number and facilities", () => {
    const m = roundTrip(failedLogin(), { enterpriseId: "99999.1", facility: 17, auditFacility: 10 });
    expect(m.rfc5424!.sd.map((e) => e.id)).toEqual(["iw@99999.1", "iwDetails@99999.1"]);
    expect(m.rfc5424!.facility).toBe(10);
    expect(roundTrip(blockedScan(), { facility: 17, auditFacility: 10 }).rfc5424!.facility).toBe(17);
  });
});

describe("cef", () => {
  it("escapes | and \\ in the header and =, \\, CR, LF in values: the strict parser reads the original text back", () => {
    const event = failedLogin({ action: HOSTILE, source_ip: "not an ip", key_prefix: HOSTILE });
    const m = roundTrip(event, { format: "cef" });
    expect(m.payload).toBe("cef");
    const cef = m.cef!;
    expect(cef).toMatchObject({ version: 0, vendor: "InferenceWall", product: "InferenceWall", productVersion: "1.0", severity: 4 });
    expect(cef.name).toBe(`Audit auth: ${HOSTILE.replace(/\r\n/, " ")}`);
    expect(cef.extension).toMatchObject({ externalId: event.event_id, act: HOSTILE, suser: HOSTILE, cat: "audit.auth" });
    expect(cef.labeled).toMatchObject({ sourceIp: "not an ip" });
    expect(m.text).toContain('act=say "hi" ] [x] back\\\\slash a\\=b | pipe\\r\\nnext\tline');
  });

  it("maps a scan to act, deviceDirection, labelled custom fields and rt", () => {
    const m = roundTrip(blockedScan({ direction: "output" }), { format: "cef" });
    expect(m.cef!.signatureId).toBe("scan.output.block");
    expect(m.cef!.name).toBe("LLM output blocked");
    expect(m.cef!.severity).toBe(7);
    expect(m.cef!.extension).toMatchObject({
      act: "block",
      cat: "scan",
      deviceDirection: "1",
      rt: String(Date.parse("2026-04-06T12:00:00.123Z")),
    });
    expect(m.cef!.labeled).toEqual({
      anomalyScore: "12.8",
      threshold: "10",
      signatureIds: "INJ-D-002",
      signatureCount: "1",
      policy: "default",
      requestId: "req-1",
      signatureSeverity: "7",
      matchedText: "ignore all previous instructions",
    });
    expect(m.rfc5424!.sd).toEqual([]);
  });

  it("can carry an RFC 3164 header instead", () => {
    const m = roundTrip(blockedScan(), { format: "cef", header: "rfc3164" });
    expect(m.header).toBe("rfc3164");
    expect(m.rfc3164).toMatchObject({ hostname: "fw-1", tag: "inferwall", pid: String(process.pid), timestamp: "Apr  6 12:00:00" });
    expect(m.cef!.extension["externalId"]).toBe(m.eventId);
  });
});

describe("leef", () => {
  it("writes LEEF 2.0 with a tab delimiter declared as x09, devTime with its format, and tabs or line breaks in values as spaces", () => {
    const m = roundTrip(blockedScan({ policy: "a\tb\nc|d=e" }), { format: "leef" });
    const leef = m.leef!;
    expect(leef).toMatchObject({ version: "2.0", vendor: "InferenceWall", eventId: "scan.input.block", delimiter: "\t" });
    expect(leef.attributes).toMatchObject({
      eventId: m.eventId,
      devTime: "Apr 06 2026 12:00:00.123 GMT",
      devTimeFormat: "MMM dd yyyy HH:mm:ss.SSS z",
      sev: "7",
      cat: "scan",
      action: "block",
      policy: "a b c|d=e",
    });
  });

  it("puts an audit event's source and key where QRadar looks (src, usrName)", () => {
    const leef = roundTrip(failedLogin(), { format: "leef" }).leef!;
    expect(leef.attributes).toMatchObject({
      src: "192.168.1.100",
      usrName: "iwk_scan_",
      cat: "audit.auth",
      action: "login_failed",
      sev: "6",
    });
  });
});

describe("rfc3164", () => {
  it("writes <PRI>Mmm dd hh:mm:ss HOST inferwall[pid]: and the event as one line of JSON", () => {
    const event = blockedScan({ policy: "line\nbreak" });
    const m = roundTrip(event, { format: "rfc3164" });
    expect(m.text).not.toContain("\n");
    expect(m.rfc3164).toMatchObject({ facility: 16, severity: 4, timestamp: "Apr  6 12:00:00", hostname: "fw-1", tag: "inferwall" });
    expect(m.json).toEqual(JSON.parse(JSON.stringify(event)));
  });
});

describe("other events", () => {
  const summary = {
    log_type: "summary",
    event_id: "sum-1",
    timestamp: "2026-04-06T12:01:00.000Z",
    interval_start: "2026-04-06T12:00:00.000Z",
    interval_end: "2026-04-06T12:01:00.000Z",
    scans: { total: 12, input: { allow: 8, flag: 1, block: 2 }, output: { allow: 1, flag: 0, block: 0 } },
    top_signatures: [{ signature_id: "INJ-D-002", count: 2 }],
  } as unknown as IwEvent;

  it("writes a traffic summary as informational, MSGID summary, with its counts", () => {
    const r = roundTrip(summary).rfc5424!;
    expect(r).toMatchObject({ severity: 6, msgId: "summary" });
    expect(r.structuredData["iw@32473"]).toMatchObject({
      logType: "summary",
      scansTotal: "12",
      inputBlock: "2",
      outputAllow: "1",
      topSignatures: "INJ-D-002:2",
    });
    const cef = roundTrip(summary, { format: "cef" }).cef!;
    expect(cef).toMatchObject({ signatureId: "summary", name: "Scan traffic summary", severity: 1 });
    expect(JSON.parse(cef.labeled["scans"]!)).toEqual({
      total: 12,
      input: { allow: 8, flag: 1, block: 2 },
      output: { allow: 1, flag: 0, block: 0 },
    });
  });

  it("carries a log type it does not know (a newer core) whole, as JSON", () => {
    const future = { log_type: "verdict", event_id: "v-1", timestamp: "2026-04-06T12:00:00.000Z", score: 3 } as unknown as IwEvent;
    const r = roundTrip(future).rfc5424!;
    expect(r.msgId).toBe("verdict");
    expect(JSON.parse(r.structuredData["iw@32473"]!["json"]!)).toEqual(future);
  });
});

describe("size limit", () => {
  const long = "ignore all previous instructions é ".repeat(200);
  const big = blockedScan({ matches: [{ signature_id: "INJ-D-002", matched_text: long, score: 6.3, confidence: 0.9, severity: 7 }] });

  for (const format of ["rfc5424", "rfc3164", "cef", "leef"] as const) {
    it(`${format}: shortens a message over the limit by rule, within the limit, still valid, the event id and verdict kept`, () => {
      const m = roundTrip(big, { format, url: "udp://127.0.0.1" });
      expect(m.truncated).toBe(true);
      expect(Buffer.byteLength(m.text)).toBeLessThanOrEqual(2048);
      expect(m.eventId).toBe(big.event_id);
      if (format === "rfc5424") {
        const matchedText = m.rfc5424!.structuredData["iwMatch1@32473"]?.["matchedText"] ?? "";
        // The matched text was shortened (at a character boundary), not the pivots.
        expect(long.startsWith(matchedText)).toBe(true);
        expect(m.rfc5424!.structuredData["iw@32473"]).toMatchObject({ decision: "block", requestId: "req-1", signatureIds: "INJ-D-002" });
      }
      if (format === "cef") {
        expect(long.startsWith(m.cef!.labeled["matchedText"] ?? "")).toBe(true);
        expect(m.cef!.extension).toMatchObject({ act: "block", cs2: "req-1" });
      }
      if (format === "leef") expect(m.leef!.attributes).toMatchObject({ action: "block", requestId: "req-1" });
      if (format === "rfc3164")
        expect(m.json).toMatchObject({ decision: "block", request_id: "req-1", matches: [{ signature_id: "INJ-D-002" }] });
    });
  }

  it("gives up matched text before the summary and the summary before the pivots", () => {
    const e = blockedScan({
      matches: [{ signature_id: "S", matched_text: "x".repeat(3000), score: 1, confidence: 1, severity: 5 }],
      policy: "p".repeat(300),
    });
    const m = roundTrip(e, { url: "udp://127.0.0.1", maxMessageBytes: 700 });
    expect(Buffer.byteLength(m.text)).toBeLessThanOrEqual(700);
    expect(m.rfc5424!.structuredData["iw@32473"]).toMatchObject({
      decision: "block",
      anomalyScore: "12.8",
      signatureIds: "S",
      requestId: "req-1",
    });
  });

  it("leaves a message within the limit alone", () => {
    const m = roundTrip(blockedScan(), { url: "udp://127.0.0.1", maxMessageBytes: 2048 });
    expect(m.truncated).toBe(false);
  });

  it("allows 8192 bytes over TCP by default", () => {
    const e = blockedScan({ matches: [{ signature_id: "S", matched_text: "y".repeat(5000), score: 1, confidence: 1, severity: 5 }] });
    expect(roundTrip(e).truncated).toBe(false);
    expect(
      roundTrip(
        scanLog({
          ...(e as object),
          matches: [{ signature_id: "S", matched_text: "y".repeat(9000), score: 1, confidence: 1, severity: 5 }],
        } as Parameters<typeof scanLog>[0]),
      ).truncated,
    ).toBe(true);
  });
});
