import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { IwError } from "@iw/core";
import type { SyslogTarget } from "./resolve-options.js";
import { StreamConnection } from "./stream-connection.js";

/** Wire I/O of the sink: writes a prepared payload, nothing else. */
export interface Transport {
  /** Resolves once every byte is handed to the kernel; rejects with the cause otherwise. */
  write(data: Uint8Array | readonly Uint8Array[], signal: AbortSignal): Promise<void>;
  /** Releases sockets and timers. Idempotent. */
  close(): void;
}

/** Settles like `promise`, or rejects with the signal's reason (after `onAbort`) once it aborts. */
function raceSignal<T>(promise: Promise<T>, signal: AbortSignal, onAbort: () => void): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    onAbort();
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort();
      reject(signal.reason as Error);
    };
    signal.addEventListener("abort", abort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", abort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", abort);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed through as received
        reject(err);
      },
    );
  });
}

/**
 * TCP or TLS: one connection, opened on demand and kept (unref'd while idle, closed after
 * `idleTimeoutMs`). Concurrent batches queue on it in order. A batch cut short (its signal
 * aborted) kills the connection: a half-written frame must never prefix the next one.
 */
export class StreamTransport implements Transport {
  readonly #target: Exclude<SyslogTarget, { kind: "udp" }>;
  readonly #connectTimeoutMs: number;
  readonly #idleTimeoutMs: number;
  readonly #keepAliveMs: number;
  #conn: StreamConnection | undefined;
  #closed = false;

  constructor(target: Exclude<SyslogTarget, { kind: "udp" }>, connectTimeoutMs: number, idleTimeoutMs: number, keepAliveMs: number) {
    this.#target = target;
    this.#connectTimeoutMs = connectTimeoutMs;
    this.#idleTimeoutMs = idleTimeoutMs;
    this.#keepAliveMs = keepAliveMs;
  }

  async write(data: Uint8Array | readonly Uint8Array[], signal: AbortSignal): Promise<void> {
    if (this.#closed) throw new IwError("IW_CLOSED", "sink closed");
    if (this.#conn === undefined || this.#conn.dead)
      this.#conn = new StreamConnection(this.#target, this.#connectTimeoutMs, this.#keepAliveMs);
    const conn = this.#conn;
    conn.ref();
    const bytes = data instanceof Uint8Array ? data : Buffer.concat(data);
    try {
      await raceSignal(
        conn.ready.then(() => conn.write(bytes)),
        signal,
        () => conn.destroy(signal.reason),
      );
    } catch (err) {
      conn.destroy(err);
      throw err;
    } finally {
      if (!conn.dead && conn.idle) conn.unref(this.#idleTimeoutMs);
    }
  }

  close(): void {
    this.#closed = true;
    this.#conn?.destroy();
    this.#conn = undefined;
  }
}

/**
 * UDP (RFC 5426): one message per datagram on a connected socket, so that an ICMP "port
 * unreachable" from the receiver's host comes back as ECONNREFUSED on a later datagram. That
 * is all the feedback UDP gives: a datagram the network or a busy receiver drops is gone
 * without a trace.
 */
export class UdpTransport implements Transport {
  readonly #host: string;
  readonly #port: number;
  #socket: Promise<UdpSocket> | undefined;
  #closed = false;
  /** Writes in progress: the socket keeps the process alive only while there are some. */
  #pending = 0;

  constructor(target: Extract<SyslogTarget, { kind: "udp" }>) {
    this.#host = target.host;
    this.#port = target.port;
  }

  async write(data: Uint8Array | readonly Uint8Array[], signal: AbortSignal): Promise<void> {
    if (this.#closed) throw new IwError("IW_CLOSED", "sink closed");
    const datagrams = data instanceof Uint8Array ? [data] : data;
    this.#socket ??= this.#open();
    const opening = this.#socket;
    const socket = await raceSignal(opening, signal, () => {});
    if (this.#pending++ === 0) socket.ref();
    try {
      await raceSignal(sendAll(socket, datagrams), signal, () => {});
    } catch (err) {
      // A refused datagram says nothing against the socket; anything else gets a fresh one.
      if ((err as { code?: unknown }).code !== "ECONNREFUSED" && this.#socket === opening) this.#drop();
      throw err;
    } finally {
      if (--this.#pending === 0) socket.unref();
    }
  }

  close(): void {
    this.#closed = true;
    this.#drop();
  }

  #drop(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    void socket
      ?.then(
        (s) => s.close(),
        () => {},
      )
      .catch(() => {});
  }

  async #open(): Promise<UdpSocket> {
    const address = isIP(this.#host) !== 0 ? { address: this.#host, family: isIP(this.#host) } : await lookup(this.#host);
    const socket = createSocket(address.family === 6 ? "udp6" : "udp4");
    // Errors also reach the send callbacks; the listener only keeps them from being thrown.
    socket.on("error", () => {});
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once("error", reject);
        socket.connect(this.#port, address.address, () => {
          socket.off("error", reject);
          resolve();
        });
      });
    } catch (err) {
      socket.close();
      this.#socket = undefined;
      throw err;
    }
    socket.unref();
    if (this.#closed) socket.close();
    return socket;
  }
}

/**
 * Sends the datagrams one after the other and stops at the first error. A refusal
 * (ECONNREFUSED) means an earlier datagram met a closed port and was lost, so nothing after it
 * is sent either: the retry then sends the batch again without duplicating what arrived. (The
 * first datagram after an outage may also be refused, for an ICMP left over from it: one more
 * try, and nothing sent twice.)
 */
function sendAll(socket: UdpSocket, datagrams: readonly Uint8Array[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let i = 0;
    const next = (err?: Error | null): void => {
      if (err) return reject(err);
      if (i === datagrams.length) return resolve();
      socket.send(datagrams[i++]!, next);
    };
    next();
  });
}
