import { afterEach, describe, expect, it } from "vitest";
import { activate, type Dispatcher } from "@iw/core";
import { BUILTIN_SINKS } from "../../core/src/activation/index.js";
import {
  generateTestCertificates,
  makeTestEvents,
  startSyslogReceiver,
  writeTestCertificates,
  type SyslogReceiver,
  type TestCertificateFiles,
} from "@iw/testkit";
import { plugin } from "../src/index.js";
import { blockedScan, recordingLogger } from "./helpers.js";

let receiver: SyslogReceiver | undefined;
let iw: Dispatcher | undefined;
let files: TestCertificateFiles | undefined;

afterEach(async () => {
  await iw?.close(2000);
  await receiver?.close();
  await files?.cleanup();
  iw = undefined;
  receiver = undefined;
  files = undefined;
});

const FAST = { IW_SYSLOG_FLUSH_MS: "20", IW_SYSLOG_RETRY_INITIAL_MS: "20", IW_SYSLOG_RETRY_MAX_MS: "200" };

describe("activate() with IW_SYSLOG_URL", () => {
  it("is a built-in sink: IW_SYSLOG_URL names @iw/sink-syslog", () => {
    expect(BUILTIN_SINKS).toContainEqual({ name: "syslog", env: "IW_SYSLOG_URL", module: "@iw/sink-syslog" });
  });

  it("ships every emitted event over TCP in batches, and the stats add up", async () => {
    receiver = await startSyslogReceiver();
    iw = await activate({ env: { IW_SYSLOG_URL: receiver.url }, plugins: [plugin], logger: recordingLogger() });
    expect(iw.sinks).toEqual(["syslog"]);
    const events = makeTestEvents(1200);
    for (const e of events) iw.emit(e);
    expect(await iw.flush(5000)).toBe(true);
    await receiver.waitForEvents(1200);
    expect(receiver.violations).toEqual([]);
    expect(receiver.duplicates()).toBe(0);
    expect(iw.stats()[0]).toMatchObject({
      sink: "syslog",
      emitted: 1200,
      delivered: 1200,
      truncated: 0,
      queued: 0,
      inFlight: 0,
      dropped: { total: 0 },
    });
  });

  it("counts events shortened to the UDP datagram limit as truncated, and warns once with the count", async () => {
    receiver = await startSyslogReceiver({ transport: "udp", maxMessageBytes: 1024 });
    const logger = recordingLogger();
    iw = await activate({
      env: { IW_SYSLOG_URL: receiver.url, IW_SYSLOG_MAX_MESSAGE_BYTES: "1024", IW_SYSLOG_FORMAT: "cef", IW_REDACT: "off" },
      plugins: [plugin],
      logger,
    });
    const long = blockedScan({
      matches: [{ signature_id: "S", matched_text: "ignore previous ".repeat(200), score: 1, confidence: 1, severity: 5 }],
    });
    for (const e of [long, blockedScan(), { ...long, event_id: "second-long-one" }]) iw.emit(e);
    expect(await iw.flush(5000)).toBe(true);
    await receiver.waitForEvents(3);
    expect(receiver.violations).toEqual([]);
    expect(iw.stats()[0]).toMatchObject({ emitted: 3, delivered: 3, truncated: 2 });
    expect(logger.lines.filter((l) => l.startsWith("warn") && l.includes("longer than 1024 bytes and were shortened"))).toHaveLength(1);
  });

  it("rides out a receiver that is down: events wait, then arrive once, in order of emission per batch", async () => {
    receiver = await startSyslogReceiver();
    await receiver.down();
    iw = await activate({ env: { IW_SYSLOG_URL: receiver.url, ...FAST }, plugins: [plugin], logger: recordingLogger() });
    const events = makeTestEvents(300);
    for (const e of events) iw.emit(e);
    await new Promise((r) => setTimeout(r, 300));
    const [during] = iw.stats();
    expect(during!.delivered).toBe(0);
    expect(during!.lastError?.code).toBe("IW_NETWORK");
    await receiver.up();
    expect(await iw.flush(5000)).toBe(true);
    await receiver.waitForEvents(300);
    expect(receiver.duplicates()).toBe(0);
    expect(iw.stats()[0]).toMatchObject({ emitted: 300, delivered: 300, dropped: { total: 0 } });
    expect(iw.stats()[0]!.retried).toBeGreaterThan(0);
  });

  it("reads the CA from IW_SYSLOG_CA_FILE for tls://", async () => {
    const certs = await generateTestCertificates();
    files = await writeTestCertificates(certs);
    receiver = await startSyslogReceiver({ transport: "tls", tls: { key: certs.server.key, cert: certs.server.cert } });
    iw = await activate({
      env: { IW_SYSLOG_URL: receiver.url, IW_SYSLOG_CA_FILE: files.caFile, IW_SYSLOG_FORMAT: "cef" },
      plugins: [plugin],
      logger: recordingLogger(),
    });
    for (const e of makeTestEvents(10)) iw.emit(e);
    expect(await iw.flush(5000)).toBe(true);
    await receiver.waitForEvents(10);
    expect(receiver.messages.every((m) => m.payload === "cef")).toBe(true);
  });

  it("runs a named instance (IW_SYSLOG_SOC_URL) beside the base one, each with its own format", async () => {
    receiver = await startSyslogReceiver();
    const soc = await startSyslogReceiver({ transport: "udp" });
    try {
      iw = await activate({
        env: { IW_SYSLOG_URL: receiver.url, IW_SYSLOG_SOC_URL: soc.url, IW_SYSLOG_SOC_FORMAT: "leef", IW_SYSLOG_SOC_EVENTS: "audit" },
        plugins: [plugin],
        logger: recordingLogger(),
      });
      expect(iw.sinks).toEqual(["syslog", "syslog:soc"]);
      for (const e of makeTestEvents(10)) iw.emit(e);
      expect(await iw.flush(5000)).toBe(true);
      await receiver.waitForEvents(10);
      await soc.waitForEvents(6);
      // Audit events only: the test's logins, and core's own "sink activated" lifecycle events.
      expect(soc.messages.every((m) => m.payload === "leef" && m.leef!.attributes["cat"]!.startsWith("audit."))).toBe(true);
      expect(soc.messages.filter((m) => m.leef!.attributes["cat"] === "audit.auth")).toHaveLength(5);
      expect(receiver.messages.every((m) => m.payload === "text")).toBe(true);
    } finally {
      await soc.close();
    }
  });

  it("names the instance's own variable when one of its values is bad", async () => {
    const logger = recordingLogger();
    iw = await activate({
      env: { IW_SYSLOG_SOC_URL: "udp://127.0.0.1:9", IW_SYSLOG_SOC_FRAMING: "octet-counting" },
      plugins: [plugin],
      logger,
    });
    expect(iw.enabled).toBe(false);
    expect(logger.text()).toMatch(/IW_SYSLOG_SOC_FRAMING="octet-counting" is invalid: only applies to tcp:\/\/ and tls:\/\//);
  });
});
