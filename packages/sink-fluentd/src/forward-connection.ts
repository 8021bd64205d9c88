import { connect as netConnect, isIP, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { Decoder, encode } from "@msgpack/msgpack";
import { IwError } from "@iw/core";
import { ChunkFeed } from "./chunk-feed.js";
import type { ForwardFrame } from "./forward-encoder.js";
import { asText, buildPing, checkPong, parseHelo, type HandshakeCredentials, type PingState } from "./handshake.js";
import type { ForwardTarget } from "./target.js";

/** Where a connection is in its life. */
export type ConnectionStage = "connecting" | "helo" | "pong" | "ready" | "dead";

interface Deferred {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * One forward-protocol connection: connect (TCP, TLS or unix socket), the optional `<security>`
 * handshake, then messages and their acks. Any error or close makes it dead for good: the sink
 * opens a new one on its next send. Replies are decoded with `rawStrings` so HELO salts sent as
 * non-UTF-8 str (Fluent Bit) keep their bytes.
 */
export class ForwardConnection {
  readonly #socket: Socket;
  readonly #creds: HandshakeCredentials | undefined;
  readonly #feed = new ChunkFeed();
  readonly #acks = new Map<string, Deferred>();
  readonly #ready: Promise<void>;
  #readyWaiter!: Deferred;
  #stage: ConnectionStage = "connecting";
  #ping: PingState | undefined;
  #socketError: unknown;
  #failure: unknown;
  #keepalive = true;
  readonly #envPrefix: string;

  /**
   * @param envPrefix the variable prefix named in diagnostics (`IW_FLUENTD`, `IW_FLUENTD_EU`).
   * @param heloGraceMs without credentials, how long a fresh connection waits for an unexpected
   *   HELO before carrying events (0: not at all). Needed when acks are off: a server with
   *   `<security>` discards whatever arrives instead of a PING, and a write alone cannot tell.
   */
  constructor(target: ForwardTarget, creds: HandshakeCredentials | undefined, keepAliveMs: number, envPrefix: string, heloGraceMs = 0) {
    this.#creds = creds;
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
      this.#socket = tlsConnect({
        host: target.host,
        port: target.port,
        ca,
        cert,
        key,
        rejectUnauthorized: verify,
        ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
      }, onConnect);
    } else {
      this.#socket = target.kind === "unix" ? netConnect(target.path, onConnect) : netConnect(target.port, target.host, onConnect);
    }
    this.#socket.on("data", (chunk: Buffer) => this.#feed.push(chunk));
    this.#socket.on("error", (err) => (this.#socketError ??= err));
    this.#socket.on("close", () => this.#feed.end());
    void this.#read();
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
        // One writev for the small heads and tails around the shared entries, not a packet each.
        this.#socket.cork();
        for (const part of parts) this.#socket.write(part);
        this.#socket.write(last, (err) => (err ? reject(err) : resolve()));
        this.#socket.uncork();
      }),
    );
    await Promise.all(waits);
  }

  /** Lets the process exit while this connection sits idle. */
  unref(): void {
    this.#socket.unref();
  }

  ref(): void {
    this.#socket.ref();
  }

  destroy(reason?: unknown): void {
    this.#fail(reason ?? new IwError("IW_CLOSED", "Fluentd connection closed by the sink"));
  }

  async #read(): Promise<void> {
    const decoder = new Decoder({ rawStrings: true });
    try {
      for await (const message of decoder.decodeStream(this.#feed)) this.#onMessage(message);
    } catch (err) {
      this.#fail(new IwError("IW_PROTOCOL", "Fluentd sent bytes that are not msgpack", { cause: err }));
      return;
    }
    this.#fail(this.#closedError());
  }

  #onMessage(message: unknown): void {
    if (this.#stage === "dead") return;
    if (this.#stage === "ready") {
      const ack = (message as { ack?: unknown } | null)?.ack;
      if (ack !== undefined) {
        const chunk = asText(ack);
        this.#acks.get(chunk)?.resolve();
        this.#acks.delete(chunk);
        return;
      }
      if (parseHelo(message) !== undefined) {
        const p = this.#envPrefix;
        this.#fail(new IwError("IW_AUTH", `Fluentd requires the <security> handshake; set ${p}_SHARED_KEY (and ${p}_USERNAME / ${p}_PASSWORD if it has users)`));
      }
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
    this.#acks.clear();
    this.#socket.destroy();
    this.#feed.end();
  }
}

function isTlsError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && (code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL") || code.includes("CERT") || code === "EPROTO");
}
