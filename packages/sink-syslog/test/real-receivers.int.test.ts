import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { auditEvent, scanLog, type IwEvent } from "@iw/core";
import {
  generateTestCertificates,
  parseCef,
  parseLeef,
  parseRfc5424,
  waitFor,
  writeTestCertificates,
  type TestCertificateFiles,
} from "@iw/testkit";
import { classify } from "../src/mapping.js";
import { createSyslogSink, type SyslogSink, type SyslogSinkOptions } from "../src/index.js";
import { SyslogEncoder } from "../src/encoder.js";
import { resolveOptions } from "../src/resolve-options.js";
import { ctx } from "./helpers.js";
import {
  findRsyslog,
  findSyslogNg,
  freePort,
  startRsyslog,
  startRsyslogConfig,
  startSyslogNg,
  startSyslogNgConfig,
  type RealReceiver,
} from "./real-receivers.js";

/*
 * The sink against the real receivers SOCs run in front of their SIEM. What these prove: each
 * receiver's own parser reads our header fields, structured data, framing and TLS the way we
 * meant them (rsyslog's mmpstrucdata and syslog-ng's sdata parser unescape our PARAM-VALUEs back
 * to the original text), and what it forwards in MSG is a CEF/LEEF/JSON payload our strict
 * parsers accept.
 */

const rsyslog = findRsyslog();
const syslogNg = findSyslogNg();
for (const [name, found] of [
  ["rsyslogd", rsyslog],
  ["syslog-ng", syslogNg],
] as const) {
  if (found === undefined) {
    console.warn(
      `\n!!! WARNING: ${name} is not installed: its real-receiver tests of @iw/sink-syslog are SKIPPED. Run scripts/ci/syslog-receivers.sh (as .ci/run does).\n`,
    );
  }
}
if (rsyslog !== undefined && !rsyslog.gtls) {
  console.warn("\n!!! WARNING: rsyslog's TLS driver (rsyslog-gnutls) is missing: the rsyslog TLS tests are SKIPPED.\n");
}

/** Text a SIEM must get back exactly: quotes, brackets, backslashes, =, |, non-ASCII (no control characters: rsyslog rewrites those as #ooo). */
const TRICKY = 'say "hi" ] [x] C:\\temp a=b | é 🙂';

function sampleEvents(): IwEvent[] {
  return [
    scanLog({
      direction: "input",
      decision: "block",
      anomaly_score: 12.8,
      threshold: 10,
      policy: TRICKY,
      request_id: "req-1",
      matches: [
        { signature_id: "INJ-D-002", matched_text: TRICKY, score: 6.3, confidence: 0.9, severity: 7 },
        { signature_id: "INJ-X-9", matched_text: "ignore previous", score: 2, confidence: 0.5, severity: 9 },
      ],
      host: "fw-edge-1",
    }),
    scanLog({
      direction: "output",
      decision: "allow",
      anomaly_score: 0.2,
      threshold: 10,
      policy: "default",
      request_id: "req-2",
      matches: [],
    }),
    auditEvent({
      category: "auth",
      action: "login_failed",
      details: { key_prefix: "iwk_scan_", note: TRICKY },
      source_ip: "192.168.1.100",
      key_prefix: "iwk_scan_",
    }),
    auditEvent({ category: "rate_limit", action: "limit_exceeded", details: {}, source_ip: "10.0.0.7" }),
  ];
}

/** What our own strict parser reads from the message the sink sends for `event`. */
function expected(event: IwEvent, o: Partial<SyslogSinkOptions> = {}) {
  const { text } = new SyslogEncoder(resolveOptions({ url: "tcp://127.0.0.1", hostname: "iw-test-host", ...o })).encode(event);
  return parseRfc5424(text);
}

let files: TestCertificateFiles;
let receiver: RealReceiver | undefined;
let sink: SyslogSink | undefined;

beforeAll(async () => {
  files = await writeTestCertificates(await generateTestCertificates());
});
afterAll(async () => {
  await files.cleanup();
});
afterEach(async () => {
  await sink?.close();
  await receiver?.stop();
  sink = undefined;
  receiver = undefined;
});

async function ship(o: SyslogSinkOptions, events: IwEvent[]): Promise<void> {
  sink = createSyslogSink(o);
  const result = await sink.send(events, ctx(5000));
  expect(result.status, JSON.stringify(result)).toBe("success");
}

const byEventId = (lines: Record<string, unknown>[], key: (l: Record<string, unknown>) => string | undefined) =>
  new Map(lines.map((l) => [key(l), l]));

describe.skipIf(rsyslog === undefined)("rsyslog", () => {
  const rsyslogSd = (l: Record<string, unknown>) => JSON.parse(String(l["sd"])) as Record<string, Record<string, string>>;

  for (const transport of ["tcp", "udp"] as const) {
    it(`${transport}: reads every RFC 5424 header field and our structured data back as sent`, async () => {
      receiver = await startRsyslog(rsyslog!.bin, { transport });
      const events = sampleEvents();
      await ship({ url: `${transport}://127.0.0.1:${receiver.port}`, hostname: "iw-test-host" }, events);
      const lines = byEventId(await receiver.waitForLines(events.length), (l) => rsyslogSd(l)["iw@32473"]?.["eventId"]);
      for (const event of events) {
        const line = lines.get(event.event_id);
        expect(line, `${event.event_id} at rsyslog (${receiver.output()})`).toBeDefined();
        const want = expected(event);
        const c = classify(event);
        // rsyslog keeps the BOM that starts a UTF-8 MSG (RFC 5424 §6.4); syslog-ng drops it.
        const msg = `${want.bom ? "\ufeff" : ""}${want.msg ?? ""}`;
        expect(line).toMatchObject({
          protocol: "1",
          pri: String(want.pri),
          hostname: want.hostname,
          app: "inferwall",
          procid: String(process.pid),
          msgid: c.msgId,
          msg,
        });
        expect(Number(line!["pri"]) & 7).toBe(c.severity);
        // rsyslog's own structured-data parser, unescaped: the same elements and values.
        expect(rsyslogSd(line!)).toEqual(want.structuredData);
      }
    });
  }

  it("udp: an event over the 2048-byte datagram limit arrives shortened, still one valid message", async () => {
    receiver = await startRsyslog(rsyslog!.bin, { transport: "udp" });
    const big = scanLog({
      direction: "input",
      decision: "block",
      anomaly_score: 30,
      threshold: 10,
      policy: "default",
      request_id: "big",
      matches: [{ signature_id: "S", matched_text: "x".repeat(6000), score: 1, confidence: 1, severity: 5 }],
    });
    sink = createSyslogSink({ url: `udp://127.0.0.1:${receiver.port}` });
    expect(await sink.send([big], ctx())).toEqual({ status: "success", truncated: 1 });
    const [line] = await receiver.waitForLines(1);
    const sd = rsyslogSd(line!);
    expect(sd["iw@32473"]).toMatchObject({ eventId: big.event_id, decision: "block", requestId: "big" });
    expect(sd["iwMatch1@32473"]!["matchedText"]!.length).toBeLessThan(6000);
  });

  it.skipIf(rsyslog?.gtls !== true)(
    "tls (gtls, RFC 5425): takes our CEF, octet-counted, with the server certificate verified",
    async () => {
      receiver = await startRsyslog(rsyslog!.bin, {
        transport: "tls",
        tls: { caFile: files.caFile, certFile: files.serverCertFile, keyFile: files.serverKeyFile },
      });
      const events = sampleEvents();
      await ship({ url: `tls://127.0.0.1:${receiver.port}`, format: "cef", ca: readCa() }, events);
      const lines = await receiver.waitForLines(events.length);
      const cefs = new Map(lines.map((l) => [parseCef(String(l["msg"])).extension["externalId"], parseCef(String(l["msg"]))]));
      const scan = cefs.get(events[0]!.event_id)!;
      expect(scan).toMatchObject({ vendor: "InferenceWall", signatureId: "scan.input.block", name: "LLM input blocked", severity: 9 });
      expect(scan.labeled).toMatchObject({ policy: TRICKY, matchedText: "ignore previous", signatureIds: "INJ-X-9,INJ-D-002" });
      expect(cefs.get(events[2]!.event_id)!.extension).toMatchObject({ act: "login_failed", src: "192.168.1.100", suser: "iwk_scan_" });
      expect(lines.every((l) => l["msgid"] !== "-" && l["app"] === "inferwall")).toBe(true);
    },
  );

  it.skipIf(rsyslog?.gtls !== true)(
    "tls with x509/certvalid: delivers with our client certificate; without one nothing is counted delivered",
    async () => {
      receiver = await startRsyslog(rsyslog!.bin, {
        transport: "tls",
        tls: { caFile: files.caFile, certFile: files.serverCertFile, keyFile: files.serverKeyFile, requireClientCert: true },
      });
      const url = `tls://127.0.0.1:${receiver.port}`;
      const refused = createSyslogSink({ url, ca: readCa() });
      const result = await refused.send(sampleEvents(), ctx());
      await refused.close();
      expect(result.status).toBe("retryable");
      await ship({ url, ca: readCa(), cert: readFile(files.clientCertFile), key: readFile(files.clientKeyFile) }, sampleEvents());
      await receiver.waitForLines(4);
      await new Promise((r) => setTimeout(r, 200));
      expect(receiver.lines()).toHaveLength(4);
    },
  );

  it("tcp, non-transparent framing, CEF under an RFC 3164 header: one message per line, no line break inside", async () => {
    receiver = await startRsyslog(rsyslog!.bin, { transport: "tcp" });
    const events = sampleEvents();
    events.push(auditEvent({ category: "config", action: "changed", details: { diff: "line one\nline two" } }));
    await ship({ url: `tcp://127.0.0.1:${receiver.port}`, format: "cef", header: "rfc3164", framing: "non-transparent" }, events);
    const lines = await receiver.waitForLines(events.length);
    // rsyslog keeps the space after the RFC 3164 tag's colon in msg.
    const ids = lines.map((l) => parseCef(String(l["msg"]).trimStart()).extension["externalId"]);
    expect(new Set(ids)).toEqual(new Set(events.map((e) => e.event_id)));
    expect(lines.every((l) => l["protocol"] === "0" && l["app"] === "inferwall")).toBe(true);
    const config = lines.map((l) => parseCef(String(l["msg"]).trimStart())).find((c) => c.extension["act"] === "changed")!;
    expect(JSON.parse(config.labeled["details"]!)).toEqual({ diff: "line one\nline two" });
  });
});

describe.skipIf(syslogNg === undefined)("syslog-ng", () => {
  const sdata = (l: Record<string, unknown>) => (l["_SDATA"] ?? {}) as Record<string, Record<string, string>>;

  for (const transport of ["tcp", "udp"] as const) {
    it(`syslog() source over ${transport}: reads our RFC 5424 header and structured data back as sent`, async () => {
      receiver = await startSyslogNg(syslogNg!, { transport });
      const events = sampleEvents();
      await ship({ url: `${transport}://127.0.0.1:${receiver.port}`, hostname: "iw-test-host" }, events);
      const lines = byEventId(await receiver.waitForLines(events.length), (l) => sdata(l)["iw@32473"]?.["eventId"]);
      for (const event of events) {
        const line = lines.get(event.event_id);
        expect(line, `${event.event_id} at syslog-ng (${receiver.output()})`).toBeDefined();
        const want = expected(event);
        expect(line).toMatchObject({
          HOST: want.hostname,
          PROGRAM: "inferwall",
          PID: String(process.pid),
          MSGID: classify(event).msgId,
          MESSAGE: want.msg,
          FACILITY: "local0",
        });
        expect(sdata(line!)).toEqual(want.structuredData);
      }
    });
  }

  it("syslog() source over TLS (RFC 5425): takes our CEF with the server certificate verified", async () => {
    receiver = await startSyslogNg(syslogNg!, {
      transport: "tls",
      tls: { caFile: files.caFile, certFile: files.serverCertFile, keyFile: files.serverKeyFile },
    });
    const events = sampleEvents();
    await ship({ url: `tls://127.0.0.1:${receiver.port}`, format: "cef", ca: readCa() }, events);
    const lines = await receiver.waitForLines(events.length);
    const cefs = lines.map((l) => parseCef(String(l["MESSAGE"])));
    expect(new Set(cefs.map((c) => c.extension["externalId"]))).toEqual(new Set(events.map((e) => e.event_id)));
    expect(cefs.find((c) => c.extension["externalId"] === events[0]!.event_id)!.labeled["policy"]).toBe(TRICKY);
  });

  it("syslog() source over TLS requiring a client certificate: delivers with ours", async () => {
    receiver = await startSyslogNg(syslogNg!, {
      transport: "tls",
      tls: { caFile: files.caFile, certFile: files.serverCertFile, keyFile: files.serverKeyFile, requireClientCert: true },
    });
    const url = `tls://127.0.0.1:${receiver.port}`;
    const refused = createSyslogSink({ url, ca: readCa() });
    expect((await refused.send(sampleEvents(), ctx())).status).toBe("retryable");
    await refused.close();
    await ship(
      { url, format: "leef", ca: readCa(), cert: readFile(files.clientCertFile), key: readFile(files.clientKeyFile) },
      sampleEvents(),
    );
    const lines = await receiver.waitForLines(4);
    const leef = lines.map((l) => parseLeef(String(l["MESSAGE"])));
    expect(leef.map((e) => e.attributes["cat"]).sort()).toEqual(["audit.auth", "audit.rate_limit", "scan", "scan"]);
  });

  it("network() source, newline-framed: RFC 3164 header, the event as JSON", async () => {
    receiver = await startSyslogNg(syslogNg!, { transport: "tcp", framing: "non-transparent" });
    const events = sampleEvents();
    await ship({ url: `tcp://127.0.0.1:${receiver.port}`, format: "rfc3164", framing: "non-transparent" }, events);
    const lines = await receiver.waitForLines(events.length);
    const json = lines.map((l) => JSON.parse(String(l["MESSAGE"])) as Record<string, unknown>);
    expect(new Set(json.map((j) => j["event_id"]))).toEqual(new Set(events.map((e) => e.event_id)));
    expect(json.find((j) => j["event_id"] === events[0]!.event_id)).toEqual(JSON.parse(JSON.stringify(events[0])));
    expect(lines.every((l) => l["PROGRAM"] === "inferwall" && l["PID"] === String(process.pid))).toBe(true);
  });
});

function readFile(path: string): Buffer {
  return readFileSync(path);
}
function readCa(): Buffer {
  return readFile(files.caFile);
}

/*
 * examples/syslog: the configurations we hand to operators, run as they are, only the port, the
 * certificate paths and the log directory pointed at the test's.
 */
describe("examples/syslog", () => {
  const example = (name: string) => readFileSync(new URL(`../../../examples/syslog/${name}`, import.meta.url), "utf8");

  async function exercise(
    start: (dir: string, port: number, localize: (conf: string) => string) => Promise<RealReceiver>,
    tlsDir: string,
  ): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), "iw-syslog-example-"));
    const port = await freePort();
    const localize = (conf: string) =>
      conf
        .replaceAll(`${tlsDir}/ca.pem`, files.caFile)
        .replaceAll(`${tlsDir}/server.pem`, files.serverCertFile)
        .replaceAll(`${tlsDir}/server-key.pem`, files.serverKeyFile)
        .replaceAll("/var/log/inferwall", dir)
        .replace(/port\("?6514"?\)|port="6514"/, (m) => m.replace("6514", String(port)));
    receiver = await start(dir, port, localize);
    const url = `tls://127.0.0.1:${port}`;
    const client = { ca: readCa(), cert: readFile(files.clientCertFile), key: readFile(files.clientKeyFile) };
    const cefEvents = sampleEvents();
    const rfcEvents = sampleEvents();
    await ship({ url, format: "cef", ...client }, cefEvents);
    await sink!.close();
    await ship({ url, ...client }, rfcEvents);
    const cefLines = await waitFor(
      () => {
        const lines = existsSync(join(dir, "cef.log")) ? readFileSync(join(dir, "cef.log"), "utf8").split("\n").filter(Boolean) : [];
        return lines.length >= cefEvents.length ? lines : undefined;
      },
      { timeoutMs: 10_000, what: `CEF lines in ${dir}/cef.log (${receiver.output().slice(-300)})` },
    );
    expect(new Set(cefLines.map((l) => parseCef(l).extension["externalId"]))).toEqual(new Set(cefEvents.map((e) => e.event_id)));
    const json = await waitFor(
      () => {
        const lines = existsSync(join(dir, "events.jsonl"))
          ? readFileSync(join(dir, "events.jsonl"), "utf8").split("\n").filter(Boolean)
          : [];
        return lines.length >= rfcEvents.length ? lines.map((l) => JSON.parse(l) as Record<string, unknown>) : undefined;
      },
      { timeoutMs: 10_000, what: `JSON lines in ${dir}/events.jsonl` },
    );
    const ids = json.map((l) => {
      const sd = (typeof l["sd"] === "string" ? JSON.parse(l["sd"]) : l["_SDATA"]) as Record<string, Record<string, string>>;
      return sd["iw@32473"]?.["eventId"];
    });
    expect(new Set(ids)).toEqual(new Set(rfcEvents.map((e) => e.event_id)));
  }

  it.skipIf(rsyslog?.gtls !== true)("rsyslog.conf receives CEF and RFC 5424 over TLS from a client with a certificate", async () => {
    await exercise(
      (dir, port, localize) => startRsyslogConfig(rsyslog!.bin, dir, port, localize(example("rsyslog.conf"))),
      "/etc/rsyslog.d/tls",
    );
  });

  it.skipIf(syslogNg === undefined)("syslog-ng.conf receives CEF and RFC 5424 over TLS from a client with a certificate", async () => {
    await exercise(
      (dir, port, localize) => startSyslogNgConfig(syslogNg!, dir, port, localize(example("syslog-ng.conf"))),
      "/etc/syslog-ng/tls",
    );
  });
});
