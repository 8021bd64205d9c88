import { createSocket } from "node:dgram";
import { connect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { generateTestCertificates, startSyslogReceiver, waitFor, type SyslogReceiver } from "../src/index.js";

let receiver: SyslogReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const MSG = '<134>1 2026-04-06T12:00:00Z host app 1 scan.input.block [iw@32473 eventId="e1"] hello';
const framed = (m: string) => `${Buffer.byteLength(m)} ${m}`;

async function tcp(url: string): Promise<Socket> {
  const { port } = new URL(url);
  const s = connect(Number(port), "127.0.0.1");
  await new Promise((r) => s.once("connect", r));
  s.on("error", () => {});
  return s;
}

describe("startSyslogReceiver", () => {
  it("records strictly parsed messages with their event ids, and violations with their reasons", async () => {
    receiver = await startSyslogReceiver();
    const s = await tcp(receiver.url);
    s.write(framed(MSG) + framed('<134>1 - - - - - [iw@32473 eventId="e2" x="a]b"]') + framed(MSG.replace("e1", "e3")));
    await waitFor(() => receiver!.messages.length === 2 && receiver!.violations.length === 1);
    expect(receiver.eventIds()).toEqual(["e1", "e3"]);
    expect(receiver.violations[0]!.reason).toMatch(/must be escaped/);
    s.destroy();
  });

  it("drops a connection whose framing is broken, as rsyslog does", async () => {
    receiver = await startSyslogReceiver();
    const s = await tcp(receiver.url);
    const closed = new Promise((r) => s.once("close", r));
    s.write("007 <1>1 ");
    await closed;
    expect(receiver.violations[0]!.reason).toMatch(/leading zeros/);
  });

  it("closes a connection after N messages (close_after), and every new one at once (close_on_accept)", async () => {
    receiver = await startSyslogReceiver();
    receiver.setFault({ kind: "close_after", messages: 1 });
    const s = await tcp(receiver.url);
    const closed = new Promise((r) => s.once("close", r));
    s.write(framed(MSG));
    await closed;
    expect(receiver.eventIds()).toEqual(["e1"]);
    receiver.setFault({ kind: "close_on_accept" });
    const t = await tcp(receiver.url);
    await new Promise((r) => t.once("close", r));
    expect(receiver.connections).toBe(2);
  });

  it("over UDP takes one message per datagram, drops them when blackholed, and refuses nothing when down (the port is closed)", async () => {
    receiver = await startSyslogReceiver({ transport: "udp" });
    const { port } = new URL(receiver.url);
    const u = createSocket("udp4");
    const send = (m: string) => new Promise<void>((r) => u.send(m, Number(port), "127.0.0.1", () => r()));
    await send(MSG);
    await receiver.waitForEvents(1);
    receiver.setFault({ kind: "blackhole" });
    await send(MSG.replace("e1", "e2"));
    await waitFor(() => receiver!.datagrams === 2);
    expect(receiver.eventIds()).toEqual(["e1"]);
    u.close();
  });

  it("over TLS with requestCert refuses a client without a certificate from its CA", async () => {
    const certs = await generateTestCertificates();
    receiver = await startSyslogReceiver({
      transport: "tls",
      tls: { key: certs.server.key, cert: certs.server.cert, ca: certs.ca.cert, requestCert: true },
    });
    const { port } = new URL(receiver.url);
    const good = tlsConnect({ port: Number(port), host: "127.0.0.1", ca: certs.ca.cert, cert: certs.client.cert, key: certs.client.key });
    await new Promise((r) => good.once("secureConnect", r));
    good.write(framed(MSG));
    await receiver.waitForEvents(1);
    good.destroy();
    const bad = tlsConnect({
      port: Number(port),
      host: "127.0.0.1",
      ca: certs.ca.cert,
      cert: certs.otherClient.cert,
      key: certs.otherClient.key,
    });
    bad.on("error", () => {});
    await new Promise((r) => bad.once("close", r));
    expect(receiver.tlsFailures.length).toBeGreaterThan(0);
  });

  it("stalls even the TLS handshake when blackholed", async () => {
    const certs = await generateTestCertificates();
    receiver = await startSyslogReceiver({ transport: "tls", tls: { key: certs.server.key, cert: certs.server.cert } });
    receiver.setFault({ kind: "blackhole" });
    const { port } = new URL(receiver.url);
    const c = tlsConnect({ port: Number(port), host: "127.0.0.1", ca: certs.ca.cert });
    c.on("error", () => {});
    const done = await Promise.race([
      new Promise((r) => c.once("secureConnect", () => r("handshake"))),
      new Promise((r) => setTimeout(() => r("stalled"), 300)),
    ]);
    expect(done).toBe("stalled");
    c.destroy();
  });
});
