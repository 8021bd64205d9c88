import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer as createNetServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type Server as TlsServer } from "node:tls";
import { SyslogDeframer } from "./syslog-deframe.js";
import { parseSyslogMessage } from "./syslog-message.js";
import type { ReceivedSyslogMessage, SyslogFault, SyslogReceiverOptions, SyslogViolation } from "./syslog-types.js";
import { waitFor } from "./wait.js";

/** A running syslog receiver. Everything it saw stays inspectable until `close()`. */
export interface SyslogReceiver {
  /** `udp://127.0.0.1:<port>`, `tcp://…` or `tls://…`. */
  readonly url: string;
  readonly port: number;
  /** Messages that parsed, in arrival order, duplicates (retries) included. */
  readonly messages: readonly ReceivedSyslogMessage[];
  /** Messages or streams refused by the strict parsers: a conforming sender leaves this empty. */
  readonly violations: readonly SyslogViolation[];
  /** TLS handshakes that failed (a client certificate refused, a client that does not trust us). */
  readonly tlsFailures: readonly string[];
  /** Connections accepted (TCP, TLS). */
  readonly connections: number;
  /** Datagrams received (UDP), dropped ones included. */
  readonly datagrams: number;
  /** Event ids of the parsed messages, in order, duplicates included. */
  eventIds(): string[];
  distinctEventIds(): number;
  /** Messages whose event id was already seen. */
  duplicates(): number;
  /** Sets (or clears, with `null`) the failure mode. */
  setFault(fault: SyslogFault | null): void;
  /** Stops listening and drops every connection: TCP clients get ECONNREFUSED, UDP ones ICMP port unreachable. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Resolves once `n` distinct event ids arrived; rejects after `timeoutMs` (default 5000). */
  waitForEvents(n: number, timeoutMs?: number): Promise<void>;
  /** Forgets what was received. */
  clear(): void;
  /** Closes everything. Idempotent. */
  close(): Promise<void>;
}

const excerpt = (b: Buffer) => b.subarray(0, 200).toString("utf8");

/**
 * Starts a loopback syslog receiver (UDP, TCP or TLS on 127.0.0.1, port 0) that parses every
 * message strictly: octet-counting and non-transparent framing (RFC 6587), the RFC 5424
 * grammar or RFC 3164, and CEF / LEEF / JSON bodies. What breaks a rule is recorded in
 * `violations`. Failure modes (`setFault`, `down`) behave as a real receiver's would.
 */
export async function startSyslogReceiver(options: SyslogReceiverOptions = {}): Promise<SyslogReceiver> {
  const transport = options.transport ?? "tcp";
  const max = options.maxMessageBytes ?? 65_536;
  const header = options.header ?? "auto";
  const expect = options.framing === undefined || options.framing === "auto" ? undefined : options.framing;
  const messages: ReceivedSyslogMessage[] = [];
  const violations: SyslogViolation[] = [];
  const tlsFailures: string[] = [];
  const sockets = new Set<Socket>();
  let fault: SyslogFault | null = null;
  let connections = 0;
  let datagrams = 0;
  let port = 0;
  let closed = false;

  const accept = (raw: Buffer, framing: ReceivedSyslogMessage["framing"]): boolean => {
    try {
      messages.push(parseSyslogMessage(Buffer.from(raw), transport, framing, header));
      return true;
    } catch (err) {
      violations.push({ transport, reason: (err as Error).message, excerpt: excerpt(raw) });
      return false;
    }
  };

  /**
   * TLS is started here, by handing each accepted TCP connection to a tls.Server (not by
   * listening with one), so a blackhole also stalls the handshake, as a hung receiver would.
   */
  let tlsServer: TlsServer | undefined;

  const onConnection = (raw: Socket): void => {
    connections++;
    sockets.add(raw);
    raw.on("close", () => sockets.delete(raw));
    raw.on("error", () => {});
    if (fault?.kind === "close_on_accept") return void raw.destroy();
    if (fault?.kind === "blackhole") return void raw.pause();
    if (tlsServer === undefined) return serve(raw);
    tlsServer.emit("connection", raw);
  };

  const serve = (socket: Socket): void => {
    const closeAfter = fault?.kind === "close_after" ? fault.messages : Number.POSITIVE_INFINITY;
    let count = 0;
    const deframer = new SyslogDeframer(max, expect);
    socket.on("data", (chunk: Buffer) => {
      if (socket.destroyed) return;
      let frames;
      try {
        frames = deframer.push(chunk);
      } catch (err) {
        violations.push({ transport, reason: (err as Error).message, excerpt: excerpt(chunk) });
        return void socket.destroy();
      }
      for (const f of frames) {
        accept(f.message, f.framing);
        if (++count >= closeAfter) return void socket.destroy();
      }
    });
    socket.on("end", () => {
      if (deframer.buffered > 0)
        violations.push({ transport, reason: `the stream ended inside a frame (${deframer.buffered} bytes)`, excerpt: "" });
    });
  };

  if (transport === "tls") {
    if (options.tls === undefined) throw new Error('startSyslogReceiver: transport "tls" needs options.tls (key and cert)');
    const requestCert = options.tls.requestCert ?? false;
    tlsServer = createTlsServer(
      { key: options.tls.key, cert: options.tls.cert, ca: options.tls.ca, requestCert, rejectUnauthorized: requestCert },
      serve,
    );
    tlsServer.on("tlsClientError", (err: Error) => tlsFailures.push(err.message));
  }
  let udp: UdpSocket | undefined;
  const server: Server | undefined = transport === "udp" ? undefined : createNetServer(onConnection);

  const onDatagram = (msg: Buffer): void => {
    datagrams++;
    if (fault?.kind === "blackhole") return;
    if (msg.length > max) {
      violations.push({
        transport,
        reason: `a datagram of ${msg.length} bytes is above the receiver's limit of ${max}`,
        excerpt: excerpt(msg),
      });
      return;
    }
    accept(msg, "datagram");
  };

  const listen = async (): Promise<void> => {
    if (server !== undefined) {
      const s = server;
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen({ port, host: "127.0.0.1" }, () => {
          s.off("error", reject);
          resolve();
        });
      });
      port = (s.address() as { port: number }).port;
      return;
    }
    const socket = createSocket("udp4");
    socket.on("message", onDatagram);
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(port, "127.0.0.1", () => {
        socket.off("error", reject);
        resolve();
      });
    });
    socket.on("error", () => {});
    udp = socket;
    port = socket.address().port;
  };

  const stop = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    const s = server;
    if (s?.listening) await new Promise<void>((resolve) => s.close(() => resolve()));
    if (udp !== undefined) {
      const u = udp;
      udp = undefined;
      await new Promise<void>((resolve) => u.close(() => resolve()));
    }
  };

  await listen();
  const ids = () => messages.map((m) => m.eventId).filter((id): id is string => id !== undefined);

  return {
    get url() {
      return `${transport}://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    messages,
    violations,
    tlsFailures,
    get connections() {
      return connections;
    },
    get datagrams() {
      return datagrams;
    },
    eventIds: ids,
    distinctEventIds: () => new Set(ids()).size,
    duplicates: () => ids().length - new Set(ids()).size,
    setFault(next) {
      // Connections accepted under a fault keep it (a blackholed one is never read again).
      fault = next;
    },
    down: stop,
    up: listen,
    waitForEvents: async (n, timeoutMs = 5000) => {
      try {
        await waitFor(() => new Set(ids()).size >= n, { timeoutMs, what: `${n} distinct events at the syslog receiver` });
      } catch (err) {
        const first = violations[0] === undefined ? "" : `; first violation: ${violations[0].reason}`;
        throw new Error(`${(err as Error).message} (have ${new Set(ids()).size}, ${violations.length} violations${first})`, { cause: err });
      }
    },
    clear() {
      messages.length = 0;
      violations.length = 0;
      tlsFailures.length = 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      await stop();
    },
  };
}
