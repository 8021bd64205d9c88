import { connect as netConnect, isIP, type Socket } from "node:net";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { IwError } from "@iw/core";
import type { SyslogTarget } from "./resolve-options.js";

/**
 * In TLS 1.3 our side of the handshake is done before the server has read our certificate (or
 * seen that we have none), and syslog receivers check the peer after the handshake anyway: a
 * refusal arrives as an alert or a close only after we could have written a batch into it, and
 * that batch would count as delivered. So a fresh TLS 1.3 connection carries events only after
 * this long without a refusal. Connections are kept, so this is paid once per connection.
 */
export const TLS13_GRACE_MS = 200;

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

/**
 * One TCP or TLS connection to a syslog receiver. Receivers never send anything on a syslog
 * stream, so whatever arrives is discarded, and the end of the stream (the receiver closed or
 * restarted) makes the connection dead before the next batch would be written into the void.
 * Any error or close makes it dead for good; the transport opens a new one.
 */
export class StreamConnection {
  readonly ready: Promise<void>;
  readonly #socket: Socket | TLSSocket;
  readonly #writes = new Set<Waiter>();
  #readyWaiter!: Waiter;
  #dead = false;
  #failure: Error | undefined;
  #socketError: Error | undefined;
  #connected = false;

  constructor(target: Exclude<SyslogTarget, { kind: "udp" }>, connectTimeoutMs: number, keepAliveMs: number) {
    this.ready = new Promise<void>((resolve, reject) => (this.#readyWaiter = { resolve, reject }));
    this.ready.catch(() => {});
    const timer = setTimeout(
      () => this.#fail(new IwError("IW_SEND_TIMEOUT", `no connection within ${connectTimeoutMs} ms`)),
      connectTimeoutMs,
    );
    timer.unref();
    const onReady = (): void => {
      clearTimeout(timer);
      this.#connected = true;
      this.#socket.setNoDelay(true);
      this.#socket.setKeepAlive(true, keepAliveMs);
      if (target.kind === "tls" && (this.#socket as TLSSocket).getProtocol() === "TLSv1.3") {
        // A session ticket proves nothing: servers send it before they look at the peer.
        setTimeout(() => this.#readyWaiter.resolve(), TLS13_GRACE_MS).unref();
        return;
      }
      this.#readyWaiter.resolve();
    };
    if (target.kind === "tls") {
      this.#socket = tlsConnect(
        {
          host: target.host,
          port: target.port,
          ca: pem(target.ca),
          cert: pem(target.cert),
          key: pem(target.key),
          rejectUnauthorized: target.verify,
          ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
        },
        onReady,
      );
    } else {
      this.#socket = netConnect(target.port, target.host, onReady);
    }
    this.#socket.on("data", () => {});
    this.#socket.on("end", () => this.#fail(new IwError("IW_NETWORK", "the receiver closed the connection")));
    this.#socket.on("error", (err) => {
      this.#socketError ??= err;
    });
    this.#socket.on("close", () =>
      this.#fail(
        this.#socketError ??
          new IwError("IW_NETWORK", this.#connected ? "the connection was closed" : "the connection closed while connecting"),
      ),
    );
    this.#socket.on("timeout", () => this.#fail(new IwError("IW_NETWORK", "idle connection closed")));
  }

  get dead(): boolean {
    return this.#dead;
  }

  /** Resolves once `data` is handed to the kernel; rejects when the connection fails first. */
  write(data: Uint8Array): Promise<void> {
    if (this.#dead) return Promise.reject(this.#failure ?? new IwError("IW_NETWORK", "connection dead"));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      this.#writes.add(waiter);
      this.#socket.write(data, (err) => {
        this.#writes.delete(waiter);
        if (err) reject(this.#socketError ?? err);
        else resolve();
      });
    });
  }

  get idle(): boolean {
    return this.#writes.size === 0;
  }

  /** While idle: lets the process exit, and closes after `idleMs` without traffic (0: never). */
  unref(idleMs: number): void {
    this.#socket.unref();
    this.#socket.setTimeout(idleMs);
  }

  ref(): void {
    this.#socket.setTimeout(0);
    this.#socket.ref();
  }

  destroy(reason?: unknown): void {
    this.#fail(reason ?? new IwError("IW_CLOSED", "connection closed by the sink"));
  }

  #fail(reason: unknown): void {
    if (this.#dead) return;
    const err = reason instanceof Error ? reason : new IwError("IW_NETWORK", String(reason));
    this.#dead = true;
    this.#failure = err;
    this.#readyWaiter.reject(err);
    for (const w of this.#writes) w.reject(err);
    this.#writes.clear();
    this.#socket.destroy();
  }
}

/** Node's TLS options type PEM as string or Buffer; the public options take any Uint8Array. */
function pem(value: string | Uint8Array | undefined): string | Buffer | undefined {
  return value === undefined || typeof value === "string" || Buffer.isBuffer(value)
    ? value
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
