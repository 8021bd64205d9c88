import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateTestCertificates, makeTestEvents, startSyslogReceiver, type SyslogReceiver, type TestCertificates } from "@iw/testkit";
import { createSyslogSink, type SyslogSink, type SyslogSinkOptions } from "../src/index.js";
import { ctx, recordingLogger } from "./helpers.js";

let certs: TestCertificates;
let receiver: SyslogReceiver | undefined;
let sink: SyslogSink | undefined;

beforeAll(async () => {
  certs = await generateTestCertificates();
});
afterEach(async () => {
  await sink?.close();
  await receiver?.close();
  sink = undefined;
  receiver = undefined;
});
afterAll(() => undefined);

async function tlsReceiver(server = certs.server, requestCert = false): Promise<SyslogReceiver> {
  return startSyslogReceiver({
    transport: "tls",
    tls: { key: server.key, cert: server.cert, ca: certs.ca.cert, requestCert },
    framing: "octet-counting",
  });
}

function tlsSink(r: SyslogReceiver, o: Partial<SyslogSinkOptions> = {}, logger = recordingLogger()): SyslogSink {
  return createSyslogSink({ url: r.url, format: "cef", ca: certs.ca.cert, ...o }, { logger });
}

describe("tls:// (RFC 5425)", () => {
  it("delivers CEF over TLS, verifying the server against the CA, octet-counted", async () => {
    receiver = await tlsReceiver();
    sink = tlsSink(receiver);
    const batch = makeTestEvents(20);
    expect(await sink.send(batch, ctx())).toEqual({ status: "success" });
    await receiver.waitForEvents(20);
    expect(receiver.violations).toEqual([]);
    expect(receiver.messages.every((m) => m.payload === "cef" && m.framing === "octet-counting")).toBe(true);
  });

  for (const [what, server, ca] of [
    ["a server certificate from an unknown CA", () => certs.server, () => certs.otherCa.cert],
    ["a certificate for another host name", () => certs.serverWrongHost, () => certs.ca.cert],
    ["an expired certificate", () => certs.serverExpired, () => certs.ca.cert],
  ] as const) {
    it(`refuses ${what}: retryable IW_TLS, one error line, nothing delivered`, async () => {
      receiver = await tlsReceiver(server());
      const logger = recordingLogger();
      sink = tlsSink(receiver, { ca: ca() }, logger);
      for (let i = 0; i < 3; i++) {
        const result = await sink.send(makeTestEvents(2), ctx());
        expect(result).toMatchObject({ status: "retryable", reason: "tls", error: { code: "IW_TLS" } });
      }
      expect(receiver.messages).toHaveLength(0);
      expect(logger.lines.filter((l) => l.startsWith("error") && l.includes("TLS verification failed"))).toHaveLength(1);
    });
  }

  it("with IW_SYSLOG_TLS_VERIFY=false accepts any certificate, and says so once", async () => {
    receiver = await tlsReceiver(certs.serverWrongHost);
    const logger = recordingLogger();
    // No CA either: the system roots do not know the test CA, so only tlsVerify: false lets this through.
    sink = tlsSink(receiver, { ca: undefined, tlsVerify: false }, logger);
    expect(await sink.send(makeTestEvents(2), ctx())).toEqual({ status: "success" });
    await receiver.waitForEvents(2);
    expect(logger.lines.filter((l) => l.startsWith("warn") && l.includes("verification is OFF"))).toHaveLength(1);
  });

  it("presents a client certificate to a receiver that demands one", async () => {
    receiver = await tlsReceiver(certs.server, true);
    sink = tlsSink(receiver, { ca: certs.ca.cert, cert: certs.client.cert, key: certs.client.key });
    expect(await sink.send(makeTestEvents(4), ctx())).toEqual({ status: "success" });
    await receiver.waitForEvents(4);
    expect(receiver.tlsFailures).toEqual([]);
  });

  for (const [what, client] of [
    ["no client certificate", () => ({})],
    ["a client certificate from another CA", () => ({ cert: certs.otherClient.cert, key: certs.otherClient.key })],
  ] as const) {
    it(`does not count a batch delivered when the receiver refuses ${what} after the TLS 1.3 handshake`, async () => {
      receiver = await tlsReceiver(certs.server, true);
      sink = tlsSink(receiver, { ca: certs.ca.cert, ...client() });
      const result = await sink.send(makeTestEvents(4), ctx());
      expect(result.status).toBe("retryable");
      expect(receiver.messages).toHaveLength(0);
      expect(receiver.tlsFailures.length).toBeGreaterThan(0);
    });
  }

  it("gives up a receiver that accepts TCP but never answers the handshake after IW_SYSLOG_CONNECT_TIMEOUT_MS", async () => {
    receiver = await tlsReceiver();
    receiver.setFault({ kind: "blackhole" });
    sink = tlsSink(receiver, { connectTimeoutMs: 300 });
    const started = Date.now();
    const result = await sink.send(makeTestEvents(1), ctx(5000));
    expect(result).toMatchObject({ status: "retryable", reason: "timeout", error: { code: "IW_SEND_TIMEOUT" } });
    expect(result.status === "retryable" && result.error.message).toMatch(/no connection within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
