import { connect as netConnect, isIP, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { encode } from "@msgpack/msgpack";
import { IwError } from "@iw/core";
import type { ForwardFrame } from "./forward-encoder.js";
import { asText, buildPing, checkPong, parseHelo, type HandshakeCredentials, type PingState } from "./handshake.js";
import { MAX_REPLY_BYTES, ReplyError, ReplyReader } from "./reply-reader.js";
import type { ForwardTarget } from "./target.js";

/** Where a connection is in its life. */
export type ConnectionStage = "connecting" | "helo" | "pong" | "ready" | "dead";

interface Deferred {
  resolve(): void;
  reject(err: unknown): void;
}

/** What the server may send, by stage, and what it gets otherwise (the connection dropped). */
const VIOLATION = {
  unexpected: "Fluentd sent bytes on a connection with no reply due (an ack, HELO or PONG); the connection was dropped",
  notAck: "Fluentd sent a reply that is not an ack for a chunk in flight; the connection was dropped",
} as const;

/**
 * One forward-protocol connection: connect (TCP, TLS or unix socket), the optional `<security>`
 * handshake, then messages and their acks. Any error or close makes it dead for good: the sink
 * opens a new one on its next send.
 *
 * The server is not trusted: a reply is an ack, HELO or PONG of at most `MAX_REPLY_BYTES`, and
 * only when one is due (a chunk in flight, the handshake, or a HELO on a fresh connection without
 * credentials). Anything else (bytes on an idle connection, an ack for no chunk in flight, a
 * declared length past the cap) destroys the connection at once with `IW_PROTOCOL`, so a hostile
 * or broken collector costs a few KiB and microseconds, never a buffer it grows or a decoder it
 * spins.
 */
export class ForwardConnection {
  readonly #socket: Socket;
  readonly #creds: HandshakeCredentials | undefined;
  readonly #replies = new ReplyReader();
  readonly #acks = new Map<string, Deferred>();
  readonly #writes = new Set<Deferred>();
  readonly #ready: Promise<void>;
  #readyWaiter!: Deferred;
  #stage: ConnectionStage = "connecting";
  #ping: PingState | undefined;
  #socketError: unknown;
  #failure: unknown;
  #keepalive = true;
  /** A HELO is still a meaningful answer (no credentials, nothing carried yet): see `#onReply`. */
  #heloPossible: boolean;
  #idleMs = 0;
  readonly #envPrefix: string;
  readonly #onViolation: (error: IwError) => void;

  /**
   * @param envPrefix the variable prefix named in diagnostics (`IW_FLUENTD`, `IW_FLUENTD_EU`).
   * @param heloGraceMs without credentials, how long a fresh connection waits for an unexpected
   *   HELO before carrying events (0: not at all). Needed when acks are off: a server with
   *   `<security>` discards whatever arrives instead of a PING, and a write alone cannot tell.
   * @param onViolation told of every `IW_PROTOCOL` failure, in flight or idle, so the sink can
   *   report a misbehaving collector even when no batch was waiting on the connection.
   */
  constructor(
    target: ForwardTarget,
    creds: HandshakeCredentials | undefined,
    keepAliveMs: number,
    envPrefix: string,
    heloGraceMs = 0,
    onViolation: (error: IwError) => void = () => {},
  ) {
    this.#creds = creds;
    this.#onViolation = onViolation;
    this.#heloPossible = creds === undefined;
    this.#envPrefix = envPrefix;
    this.#ready = new Promise<void>((resolve, reject) => (this.#readyWaiter = { resolve, reject }));
    this.#ready.catch(() => {});
    const onConnect = (): void => {
      this.#socket.setNoDelay(true);
      this.#socket.setKeepAlive(true, keepAliveMs);
      this.#stage = creds === undefined ? "ready" : "helo";
      if (this.#stage !== "ready") return;
      if (heloGraceMs <= 0) return this.#readyWaiter.resolve();
      // A HELO in this window fails the connection (IW_AUTH) before any event is written.
      setTimeout(() => this.#readyWaiter.resolve(), heloGraceMs).unref();
    };
    if (target.kind === "tls") {
      const { ca, cert, key, verify } = target.tls;
      // PEM text or a Uint8Array (the published types need no @types/node); tls takes either.
      this.#socket = tlsConnect(
        {
          host: target.host,
          port: target.port,
          ca: ca as string | Buffer | undefined,
          cert: cert as string | Buffer | undefined,
          key: key as string | Buffer | undefined,
          rejectUnauthorized: verify,
          ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
        },
        onConnect,
      );
    } else {
      this.#socket = target.kind === "unix" ? netConnect(target.path, onConnect) : netConnect(target.port, target.host, onConnect);
    }
    // Replies are handled as they arrive, so an ack read just before a reset counts before the close.
    this.#socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on("error", (err) => (this.#socketError ??= err));
    this.#socket.on("close", () => this.#fail(this.#closedError()));
    this.#socket.on("timeout", () => this.#fail(new IwError("IW_NETWORK", `Fluentd connection idle for ${this.#idleMs} ms; closed`)));
  }

  /** Resolves once the connection can carry events (after the handshake, if any). */
  get ready(): Promise<void> {
    return this.#ready;
  }

  get stage(): ConnectionStage {
    return this.#stage;
  }

  /** False when the server asked for one request per connection (HELO `keepalive: false`). */
  get reusable(): boolean {
    return this.#keepalive && this.#stage === "ready";
  }

  /** Writes the messages; resolves when they are written (no acks) or all acked. */
  async send(messages: readonly ForwardFrame[]): Promise<void> {
    if (this.#stage === "dead") throw this.#failure;
    const waits: Promise<void>[] = [];
    for (const message of messages) {
      const chunk = message.chunk;
      if (chunk !== undefined) waits.push(new Promise<void>((resolve, reject) => this.#acks.set(chunk, { resolve, reject })));
    }
    waits.push(
      new Promise<void>((resolve, reject) => {
        const parts = messages.flatMap((m) => m.parts);
        const last = parts.pop();
        if (last === undefined) return resolve();
        // Settled by the write or by #fail, whichever comes first: a connection destroyed for a
        // protocol violation must not leave the send waiting on a callback.
        const waiter: Deferred = { resolve, reject };
        this.#writes.add(waiter);
        // One writev for the small heads and tails around the shared entries, not a packet each.
        this.#socket.cork();
        for (const part of parts) this.#socket.write(part);
        this.#socket.write(last, (err) => {
          this.#writes.delete(waiter);
          if (err) reject(err);
          else resolve();
        });
        this.#socket.uncork();
      }),
    );
    await Promise.all(waits);
    // Carried and (if asked) acked: a HELO now would be out of protocol, not a hint.
    this.#heloPossible = false;
  }

  /**
   * Lets the process exit while this connection sits idle, and closes it after `idleMs` without
   * traffic (0: never), so a pooled connection is not held open forever by a silent peer.
   */
  unref(idleMs = 0): void {
    this.#socket.unref();
    this.#idleMs = idleMs;
    this.#socket.setTimeout(idleMs);
  }

  ref(): void {
    this.#socket.setTimeout(0);
    this.#socket.ref();
  }

  destroy(reason?: unknown): void {
    this.#fail(reason ?? new IwError("IW_CLOSED", "Fluentd connection closed by the sink"));
  }

  /** Whether the server may send a reply now. */
  #replyDue(): boolean {
    if (this.#stage === "helo" || this.#stage === "pong") return true;
    return this.#stage === "ready" && (this.#acks.size > 0 || this.#heloPossible);
  }

  #onData(chunk: Buffer): void {
    if (this.#stage === "dead") return;
    // Nothing is buffered unless a reply is due: bytes on an idle connection end it at once.
    if (!this.#replyDue()) return this.#fail(new IwError("IW_PROTOCOL", VIOLATION.unexpected));
    this.#replies.push(chunk);
    try {
      for (;;) {
        const reply = this.#replies.next();
        if (reply === undefined) return;
        this.#onReply(reply);
        // Read again: #onReply may have failed the connection (TS narrowed the stage above).
        const stage = this.stage;
        if (stage === "dead") return;
        if (this.#replies.buffered > 0 && !this.#replyDue()) {
          return this.#fail(new IwError("IW_PROTOCOL", VIOLATION.unexpected));
        }
      }
    } catch (err) {
      // The reader's reasons are a few fixed phrases: the sink logs each distinct message once.
      const why = err instanceof ReplyError ? err.message : "bytes that are not msgpack";
      const where = this.#stage === "helo" || this.#stage === "pong" ? "Fluentd handshake: the server sent" : "Fluentd sent";
      this.#fail(
        new IwError(
          "IW_PROTOCOL",
          `${where} ${why} (a reply is an ack, HELO or PONG of ${MAX_REPLY_BYTES} bytes at most); the connection was dropped`,
          { cause: err },
        ),
      );
    }
  }

  #onReply(message: unknown): void {
    if (this.#stage === "ready") {
      if (this.#heloPossible && parseHelo(message) !== undefined) {
        const p = this.#envPrefix;
        return this.#fail(
          new IwError(
            "IW_AUTH",
            `Fluentd requires the <security> handshake; set ${p}_SHARED_KEY (and ${p}_USERNAME / ${p}_PASSWORD if it has users)`,
          ),
        );
      }
      const ack =
        message instanceof Map || message === null || typeof message !== "object" ? undefined : (message as { ack?: unknown }).ack;
      const chunk = ack === undefined ? undefined : asText(ack);
      const waiter = chunk === undefined ? undefined : this.#acks.get(chunk);
      if (waiter === undefined) return this.#fail(new IwError("IW_PROTOCOL", VIOLATION.notAck));
      this.#acks.delete(chunk as string);
      waiter.resolve();
      return;
    }
    const creds = this.#creds as HandshakeCredentials;
    if (this.#stage === "helo") {
      const helo = parseHelo(message);
      if (helo === undefined) return this.#fail(new IwError("IW_PROTOCOL", "Fluentd handshake: expected HELO"));
      this.#keepalive = helo.keepalive;
      const { ping, state } = buildPing(creds, helo.nonce, helo.auth);
      this.#ping = state;
      this.#stage = "pong";
      this.#socket.write(encode(ping));
      return;
    }
    if (this.#stage === "pong") {
      const error = checkPong(message, creds, this.#ping as PingState, this.#envPrefix);
      if (error !== undefined) return this.#fail(error);
      this.#stage = "ready";
      this.#readyWaiter.resolve();
    }
  }

  #closedError(): unknown {
    const cause = this.#socketError;
    if (this.#stage === "pong" && this.#creds !== undefined && !isTlsError(cause)) {
      return new IwError(
        "IW_AUTH",
        `Fluentd closed the connection during the handshake without a PONG; the shared key is probably wrong (Fluent Bit closes instead of answering): check ${this.#envPrefix}_SHARED_KEY`,
        { cause },
      );
    }
    if (cause !== undefined) return cause;
    const where = this.#stage === "helo" ? " before sending HELO" : this.#stage === "connecting" ? " while connecting" : "";
    return new IwError("IW_NETWORK", `Fluentd closed the connection${where}`);
  }

  #fail(err: unknown): void {
    if (this.#stage === "dead") return;
    this.#stage = "dead";
    this.#failure = err;
    this.#readyWaiter.reject(err);
    for (const waiter of this.#acks.values()) waiter.reject(err);
    for (const waiter of this.#writes) waiter.reject(err);
    this.#acks.clear();
    this.#writes.clear();
    this.#socket.destroy();
    if (err instanceof IwError && err.code === "IW_PROTOCOL") this.#onViolation(err);
  }
}

function isTlsError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return (
    typeof code === "string" && (code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL") || code.includes("CERT") || code === "EPROTO")
  );
}
