import { createServer as createHttpServer } from "node:http";
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer } from "node:net";
import type { Server as NetServer, Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { handleLogstashRequest } from "./logstash-request.js";
import type { LogstashEvent, LogstashFault, LogstashReceiverOptions, ReceivedRequest } from "./logstash-types.js";
import { DEFAULT_RECEIVER_HOST, urlHost } from "./listen-address.js";
import { waitFor } from "./wait.js";

/** A loopback Logstash http input. Every member is safe to use while requests are in flight. */
export interface LogstashReceiver {
  /** `http://127.0.0.1:<port>/` (or `https://`; the `host` option's address instead of 127.0.0.1). */
  readonly url: string;
  readonly port: number;
  /** Every recorded event, in arrival order (across requests). */
  readonly events: readonly LogstashEvent[];
  /** Every request seen, in arrival order. */
  readonly requests: readonly ReceivedRequest[];
  /** The active fault. */
  readonly fault: LogstashFault;
  /** Requests being processed right now (the `max_pending_requests` count). */
  readonly pendingRequests: number;
  /** Open TCP connections, client sockets a sink keeps alive included. */
  readonly openConnections: number;
  /** The `event_id` of every recorded event that has one, in arrival order. */
  eventIds(): string[];
  /** How many different `event_id` values were recorded. */
  distinctEventIds(): number;
  /** Recorded events whose `event_id` had been recorded before (0 when nothing duplicated). */
  duplicates(): number;
  /** Switches the simulated fault; resolves once it is in effect (e.g. the port is closed). */
  setFault(fault: LogstashFault | "none" | "down" | "blackhole"): Promise<void>;
  /** Resolves with the events once at least `count` were recorded; rejects after `timeoutMs`. */
  waitForEvents(count: number, timeoutMs?: number): Promise<readonly LogstashEvent[]>;
  /** Resolves once at least `count` requests arrived; rejects after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<readonly ReceivedRequest[]>;
  /** Forgets recorded events and requests (not the fault). */
  clear(): void;
  /** Stops listening and destroys every open socket. Idempotent. */
  close(): Promise<void>;
}

/** Defaults of {@link LogstashReceiverOptions}, as logstash-input-http 4.x has them. */
export const DEFAULT_LOGSTASH_RECEIVER_OPTIONS = {
  responseCode: 200,
  codec: "plain",
  maxPendingRequests: 200,
  maxContentLength: 100 * 1024 * 1024,
  blockedThresholdMs: 10_000,
  ecs: true,
} as const;

/**
 * Starts a Logstash http input (logstash-input-http 4.x behaviour) on 127.0.0.1, port 0 (or
 * `options.host` and `options.port`).
 * Close it in `afterEach`: `close()` destroys every socket, so a test never hangs on it.
 */
export async function startLogstashReceiver(options: LogstashReceiverOptions = {}): Promise<LogstashReceiver> {
  const receiver = new LoopbackLogstash(options);
  await receiver.listen();
  return receiver;
}

/** State a request handler reads and updates. */
export interface ReceiverState {
  readonly options: Required<Omit<LogstashReceiverOptions, "user" | "password" | "tls" | "host" | "port">> &
    Pick<LogstashReceiverOptions, "user" | "password">;
  readonly events: LogstashEvent[];
  /** Start times of requests being processed. */
  readonly processing: Set<{ readonly startedAt: number }>;
  /** Wakes slow requests early (with `false`): `close()` calls them. */
  readonly sleepers: Set<(elapsed: boolean) => void>;
  takeFault(): LogstashFault;
  rawSocket(socket: Socket): Socket;
  isClosed(): boolean;
}

class LoopbackLogstash implements LogstashReceiver {
  readonly #net: NetServer;
  readonly #inner: HttpServer;
  readonly #sockets = new Set<Socket>();
  /** Raw sockets by client port, to reset the TCP connection under a TLS socket. */
  readonly #byPort = new Map<number, Socket>();
  readonly #requests: ReceivedRequest[] = [];
  readonly #scheme: "http" | "https";
  readonly #host: string;
  readonly #state: ReceiverState;
  #fault: LogstashFault = { mode: "none" };
  #port = 0;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: LogstashReceiverOptions) {
    const d = DEFAULT_LOGSTASH_RECEIVER_OPTIONS;
    this.#state = {
      options: {
        responseCode: options.responseCode ?? d.responseCode,
        codec: options.codec ?? d.codec,
        maxPendingRequests: options.maxPendingRequests ?? d.maxPendingRequests,
        maxContentLength: options.maxContentLength ?? d.maxContentLength,
        blockedThresholdMs: options.blockedThresholdMs ?? d.blockedThresholdMs,
        ecs: options.ecs ?? d.ecs,
        user: options.user,
        password: options.password,
      },
      events: [],
      processing: new Set(),
      sleepers: new Set(),
      takeFault: () => this.#takeFault(),
      rawSocket: (socket) => this.#byPort.get(socket.remotePort ?? -1) ?? socket,
      isClosed: () => this.#closed,
    };
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      const record = handleLogstashRequest(req, res, this.#state);
      this.#requests.push(record);
    };
    this.#scheme = options.tls ? "https" : "http";
    this.#host = options.host ?? DEFAULT_RECEIVER_HOST;
    this.#port = options.port ?? 0;
    if (options.tls) {
      const auth = options.tls.clientAuthentication ?? "none";
      const ca = options.tls.ca === undefined ? undefined : typeof options.tls.ca === "string" ? [options.tls.ca] : [...options.tls.ca];
      const server = createHttpsServer(
        {
          cert: options.tls.cert,
          key: options.tls.key,
          ca,
          minVersion: "TLSv1.2",
          requestCert: auth !== "none",
          rejectUnauthorized: auth === "required",
        },
        handler,
      );
      // `optional` verifies a certificate when one is presented, and refuses a bad one.
      // Prepended, so a refused connection never reaches the HTTP parser.
      server.prependListener("secureConnection", (socket: TLSSocket) => {
        if (auth === "optional" && !socket.authorized && Object.keys(socket.getPeerCertificate()).length > 0) socket.destroy();
      });
      server.on("tlsClientError", () => {});
      this.#inner = server;
    } else {
      this.#inner = createHttpServer(handler);
    }
    this.#inner.requestTimeout = 0;
    this.#inner.headersTimeout = 0;
    this.#net = createNetServer((socket) => this.#onConnection(socket));
  }

  get url(): string {
    return `${this.#scheme}://${urlHost(this.#host)}:${this.#port}/`;
  }
  get port(): number {
    return this.#port;
  }
  get events(): readonly LogstashEvent[] {
    return this.#state.events;
  }
  get requests(): readonly ReceivedRequest[] {
    return this.#requests;
  }
  get fault(): LogstashFault {
    return this.#fault;
  }
  get pendingRequests(): number {
    return this.#state.processing.size;
  }
  get openConnections(): number {
    return this.#sockets.size;
  }

  eventIds(): string[] {
    const ids: string[] = [];
    for (const event of this.#state.events) if (typeof event["event_id"] === "string") ids.push(event["event_id"]);
    return ids;
  }
  distinctEventIds(): number {
    return new Set(this.eventIds()).size;
  }
  duplicates(): number {
    const ids = this.eventIds();
    return ids.length - new Set(ids).size;
  }

  async setFault(fault: LogstashFault | "none" | "down" | "blackhole"): Promise<void> {
    const next: LogstashFault = typeof fault === "string" ? { mode: fault } : fault;
    const wasDown = this.#fault.mode === "down";
    this.#fault = next;
    if (this.#closed) return;
    if (next.mode === "down" && !wasDown) await this.#stopListening();
    if (next.mode !== "down" && wasDown) await this.listen();
  }

  waitForEvents(count: number, timeoutMs = 5000): Promise<readonly LogstashEvent[]> {
    return waitFor(() => this.#state.events.length >= count && this.#state.events, {
      timeoutMs,
      what: `${count} events at the Logstash receiver (got ${this.#state.events.length} in ${this.#requests.length} requests)`,
    });
  }

  waitForRequests(count: number, timeoutMs = 5000): Promise<readonly ReceivedRequest[]> {
    return waitFor(() => this.#requests.length >= count && this.#requests, {
      timeoutMs,
      what: `${count} requests at the Logstash receiver (got ${this.#requests.length})`,
    });
  }

  clear(): void {
    this.#state.events.length = 0;
    this.#requests.length = 0;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      for (const wake of [...this.#state.sleepers]) wake(false);
      await this.#stopListening();
    })();
    return this.#closing;
  }

  async listen(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          this.#net.once("error", reject);
          this.#net.listen({ host: this.#host, port: this.#port }, () => {
            this.#net.off("error", reject);
            resolve();
          });
        });
        break;
      } catch (err) {
        // Coming back up on the same port can race with the OS releasing it.
        if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE" || attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    const address = this.#net.address();
    if (address !== null && typeof address === "object") this.#port = address.port;
  }

  #stopListening(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      if (!this.#net.listening) return resolve();
      this.#net.close(() => resolve());
    });
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    this.#byPort.clear();
    return closed;
  }

  #onConnection(socket: Socket): void {
    if (this.#closed || this.#fault.mode === "down") {
      socket.destroy();
      return;
    }
    const key = socket.remotePort ?? -1;
    this.#sockets.add(socket);
    this.#byPort.set(key, socket);
    socket.once("close", () => {
      this.#sockets.delete(socket);
      if (this.#byPort.get(key) === socket) this.#byPort.delete(key);
    });
    socket.on("error", () => {});
    if (this.#fault.mode === "blackhole") {
      socket.resume();
      return;
    }
    this.#inner.emit("connection", socket);
  }

  #takeFault(): LogstashFault {
    const fault = this.#fault;
    if (fault.mode === "status" && fault.count !== undefined) {
      const left = fault.count - 1;
      this.#fault = left > 0 ? { ...fault, count: left } : { mode: "none" };
    }
    return fault;
  }
}
