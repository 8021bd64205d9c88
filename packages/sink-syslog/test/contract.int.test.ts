import { describeSinkContract, generateTestCertificates, startSyslogReceiver, type SyslogReceiverOptions } from "@iw/testkit";
import { createSyslogSink, type SyslogSinkOptions } from "../src/index.js";

const certs = await generateTestCertificates();
const tls = { key: certs.server.key, cert: certs.server.cert, ca: certs.ca.cert };

/*
 * Syslog has no answer to wait for: over TCP a small batch is "sent" once the kernel takes it,
 * even into a receiver that never reads, so only TLS (whose handshake a hung receiver never
 * completes) can offer makeUnresponsive(); over UDP and TCP the abort check runs weaker and says so.
 */
const cases: [string, SyslogReceiverOptions, Partial<SyslogSinkOptions>, boolean][] = [
  ["udp, RFC 5424", { transport: "udp" }, {}, false],
  [
    "tcp, CEF, non-transparent framing",
    { transport: "tcp", framing: "non-transparent" },
    { format: "cef", framing: "non-transparent" },
    false,
  ],
  ["tls, LEEF", { transport: "tls", tls }, { format: "leef", ca: certs.ca.cert }, true],
  [
    "tls with a client certificate, RFC 3164",
    { transport: "tls", tls: { ...tls, requestCert: true } },
    { format: "rfc3164", ca: certs.ca.cert, cert: certs.client.cert, key: certs.client.key },
    true,
  ],
];

for (const [label, receiverOptions, sinkOptions, hangs] of cases) {
  describeSinkContract(`Syslog sink (${label})`, async () => {
    const receiver = await startSyslogReceiver(receiverOptions);
    return {
      sink: createSyslogSink({ url: receiver.url, ...sinkOptions }),
      received: () => Promise.resolve(receiver.messages.map((m) => ({ event_id: m.eventId }))),
      cleanup: () => receiver.close(),
      makeUnavailable: () => receiver.down(),
      makeAvailable: () => receiver.up(),
      ...(hangs ? { makeUnresponsive: () => receiver.setFault({ kind: "blackhole" }) } : {}),
    };
  });
}
