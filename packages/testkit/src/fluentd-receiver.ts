import { randomBytes } from "node:crypto";
import { unlink } from "node:fs/promises";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createNetServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import type { DecodedCarrier } from "./fluentd-decode.js";
import { serveForwardConnection } from "./fluentd-forward-server.js";
import { createInHttpHandler } from "./fluentd-http-server.js";
import type {
  FluentdFault,
  FluentdReceiverOptions,
  FluentdSecurity,
  ReceivedFluentdRecord,
  ReceivedForwardMessage,
  ReceivedHandshake,
  ReceivedHttpRequest,
} from "./fluentd-types.js";
import { DEFAULT_RECEIVER_HOST, urlHost } from "./listen-address.js";
import { waitFor } from "./wait.js";

/** A running Fluentd imitation. Everything it saw stays inspectable until `close()`. */
export interface FluentdReceiver {
  /** in_forward's address: `tcp://127.0.0.1:<port>`, `tls://127.0.0.1:<port>` or `unix:///…` (the `host` option's address instead of 127.0.0.1). */
  readonly url: string;
  /** in_http's base URL (`http://127.0.0.1:<port>`), when `http: true`. */
  readonly httpUrl: string | undefined;
  /** Stored records in arrival order, duplicates (retries) included. */
  readonly records: readonly ReceivedFluentdRecord[];
  /** Forward-protocol carriers in arrival order. */
  readonly messages: readonly ReceivedForwardMessage[];
  readonly handshakes: readonly ReceivedHandshake[];
  readonly httpRequests: readonly ReceivedHttpRequest[];
  /** Connections accepted on in_forward. */
  readonly connections: number;
  /** Distinct stored records by `event_id`. */
  readonly distinctEvents: number;
  /** Stored records per tag, duplicates included. */
  tagCounts(): Record<string, number>;
  /** Distinct `event_id`s per tag. */
  distinctTagCounts(): Record<string, number>;
  /** Sets (or clears, with `null`) the failure mode. */
  setFault(fault: FluentdFault | null): void;
  /** Changes `<security>` for new connections (`null`: no handshake). */
  setSecurity(security: FluentdSecurity | null): void;
  /** Stops listening and drops every connection: clients get ECONNREFUSED. */
  down(): Promise<void>;
  /** Listens again on the same port / path. */
  up(): Promise<void>;
  /** Resolves once `n` distinct events were stored; rejects after `timeoutMs` (default 5000). */
  waitForEvents(n: number, timeoutMs?: number): Promise<void>;
  /** Closes the servers and destroys every socket. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a loopback in_forward (TCP, TLS or unix socket; all four carrier modes; acks; the
 * `<security>` handshake in Fluentd or Fluent Bit flavour) and, optionally, in_http, with the
 * failure modes of {@link FluentdFault}.
 */
export async function startFluentdReceiver(options: FluentdReceiverOptions = {}): Promise<FluentdReceiver> {
  const transport = options.transport ?? "tcp";
  const flavour = options.flavour ?? "fluentd";
  const socketPath = options.socketPath ?? join(tmpdir(), `iw-fluentd-${randomBytes(6).toString("hex")}.sock`);
  let security = options.security;
  let fault: FluentdFault | null = null;
  let faultLeft = Number.POSITIVE_INFINITY;
  const records: ReceivedFluentdRecord[] = [];
  const messages: ReceivedForwardMessage[] = [];
  const handshakes: ReceivedHandshake[] = [];
  const httpRequests: ReceivedHttpRequest[] = [];
  const eventIds = new Set<string>();
  const sockets = new Set<Socket>();
  let connections = 0;

  const takeFault = (applies: (f: FluentdFault) => boolean): FluentdFault | undefined => {
    if (fault === null || !applies(fault)) return undefined;
    const current = fault;
    if (--faultLeft <= 0) fault = null;
    return current;
  };
  const keep = (record: ReceivedFluentdRecord): void => {
    records.push(record);
    const id = record.record["event_id"];
    if (typeof id === "string") eventIds.add(id);
  };
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };

  const onConnection = (socket: Socket): void => {
    connections++;
    track(socket);
    serveForwardConnection(socket, {
      flavour,
      security: () => security,
      blackholed: () => fault?.kind === "blackhole",
      takeFault: () => takeFault((f) => f.kind !== "http_status"),
      store(carrier: DecodedCarrier, message: ReceivedForwardMessage) {
        messages.push(message);
        const chunk = typeof carrier.option["chunk"] === "string" ? carrier.option["chunk"] : undefined;
        for (const [time, record] of carrier.entries) {
          keep({ tag: carrier.tag, time: time as ReceivedFluentdRecord["time"], record, mode: carrier.mode, chunk });
        }
      },
      recordHandshake: (h) => handshakes.push(h),
    });
  };
  const forward: Server =
    transport === "tls"
      ? createTlsServer(
          {
            ...(options.tls ?? missingTls()),
            requestCert: options.tls?.requestCert ?? false,
            rejectUnauthorized: options.tls?.requestCert ?? false,
          },
          onConnection,
        )
      : createNetServer(onConnection);
  if (transport === "tls") forward.on("tlsClientError", () => {});

  let http: HttpServer | undefined;
  if (options.http === true) {
    http = createHttpServer(
      createInHttpHandler({
        flavour,
        maxBodyBytes: options.maxHttpBodyBytes ?? 32 * 1024 * 1024,
        takeFault: (tag) =>
          takeFault((f) => f.kind === "blackhole" || (f.kind === "http_status" && (f.tag === undefined || f.tag === tag))),
        request: (r) => httpRequests.push(r),
        store(tag, batch) {
          for (const { time, record } of batch) keep({ tag, time, record, mode: "http", chunk: undefined });
        },
      }),
    );
    http.on("connection", track);
  }

  const host = options.host ?? DEFAULT_RECEIVER_HOST;
  let forwardPort = options.port ?? 0;
  let httpPort = options.httpPort ?? 0;
  const listen = async (): Promise<void> => {
    if (transport === "unix") await listenOn(forward, { path: socketPath });
    else forwardPort = await listenOn(forward, { port: forwardPort, host });
    if (http !== undefined) httpPort = await listenOn(http, { port: httpPort, host });
  };
  const stop = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await Promise.all([closeServer(forward), http === undefined ? undefined : closeServer(http)]);
    if (transport === "unix") await unlink(socketPath).catch(() => {});
  };
  await listen();
  let closed = false;

  const perTag = (distinct: boolean): Record<string, number> => {
    const counts: Record<string, number> = {};
    const seen: Record<string, Set<unknown>> = {};
    for (const r of records) {
      if (!distinct) counts[r.tag] = (counts[r.tag] ?? 0) + 1;
      else (seen[r.tag] ??= new Set()).add(r.record["event_id"]);
    }
    if (distinct) for (const [tag, ids] of Object.entries(seen)) counts[tag] = ids.size;
    return counts;
  };

  return {
    get url() {
      return transport === "unix" ? `unix://${socketPath}` : `${transport}://${urlHost(host)}:${forwardPort}`;
    },
    get httpUrl() {
      return http === undefined ? undefined : `http://${urlHost(host)}:${httpPort}`;
    },
    records,
    messages,
    handshakes,
    httpRequests,
    get connections() {
      return connections;
    },
    get distinctEvents() {
      return eventIds.size;
    },
    tagCounts: () => perTag(false),
    distinctTagCounts: () => perTag(true),
    setFault(next) {
      fault = next;
      faultLeft = next?.times ?? Number.POSITIVE_INFINITY;
    },
    setSecurity(next) {
      security = next ?? undefined;
    },
    down: stop,
    up: listen,
    waitForEvents: async (n, timeoutMs = 5000) => {
      await waitFor(() => eventIds.size >= n, { timeoutMs, what: `${n} distinct events at the Fluentd receiver (have ${eventIds.size})` });
    },
    async close() {
      if (closed) return;
      closed = true;
      await stop();
    },
  };
}

function missingTls(): never {
  throw new Error('startFluentdReceiver: transport "tls" needs options.tls (key and cert)');
}

function listenOn(server: Server | HttpServer, where: { port: number; host: string } | { path: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(where, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : 0);
    });
  });
}

function closeServer(server: Server | HttpServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}
