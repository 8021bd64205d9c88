import { hostname as osHostname } from "node:os";
import { classifyNetworkError, IwConfigError, IwError, silentLogger, type IwEvent, type Logger, type SendContext, type SendResult, type Sink } from "@iw/core";
import { raceSignal } from "./abort.js";
import { ForwardConnection } from "./forward-connection.js";
import { ForwardEncoder, type ForwardMessage } from "./forward-encoder.js";
import type { HandshakeCredentials } from "./handshake.js";
import { DEFAULT_AUTH_RETRY_MS, DEFAULT_ENV_PREFIX, DEFAULT_KEEPALIVE_MS, DEFAULT_SINK_NAME, DEFAULT_TAG, UNIX_GZIP, type FluentdSinkOptions } from "./options.js";
import { ProblemLog } from "./problem-log.js";
import { describeTarget, forwardTarget, type ForwardTarget } from "./target.js";

const SUCCESS: SendResult = { status: "success" };

/**
 * Without acks and credentials, a unix-socket connection listens this long for an unexpected
 * HELO before its first write (TCP and TLS connections probe with an ack instead, see send()).
 */
const UNIX_HELO_GRACE_MS = 20;

/**
 * Forward-protocol sink: PackedForward (or CompressedPackedForward) per tag, acked by default.
 * Connections are opened on demand, one per concurrent send, kept for reuse and `unref()`ed
 * while idle; any error discards the connection and the next send opens a fresh one, so the
 * queue's backoff alone paces reconnects.
 */
export class ForwardSink implements Sink {
  readonly name: string;
  readonly #target: ForwardTarget;
  readonly #what: string;
  readonly #envPrefix: string;
  readonly #encoder: ForwardEncoder;
  readonly #creds: HandshakeCredentials | undefined;
  readonly #keepAliveMs: number;
  readonly #heloGraceMs: number;
  readonly #probeAcks: boolean;
  readonly #authRetryMs: number;
  readonly #problems: ProblemLog;
  readonly #idle: ForwardConnection[] = [];
  readonly #busy = new Set<ForwardConnection>();
  #closed = false;

  constructor(options: FluentdSinkOptions, logger: Logger = silentLogger) {
    this.name = options.name ?? DEFAULT_SINK_NAME;
    this.#envPrefix = options.envPrefix ?? DEFAULT_ENV_PREFIX;
    this.#target = forwardTarget(options.url, { verify: true, ...options.tls });
    this.#what = describeTarget(this.#target);
    const ack = options.ack ?? this.#target.kind !== "unix";
    if (this.#target.kind === "unix" && options.compression === "gzip") {
      throw new IwConfigError(`${this.#envPrefix}_COMPRESSION=gzip ${UNIX_GZIP}`, { variable: `${this.#envPrefix}_COMPRESSION` });
    }
    this.#encoder = new ForwardEncoder({ tag: options.tag ?? DEFAULT_TAG, ack, gzip: options.compression === "gzip", format: options.format });
    // Without acks nothing else would reveal a server that wants the <security> handshake: it
    // sends HELO and discards what comes instead of a PING, while our write succeeds. So the
    // first batch on each fresh TCP/TLS connection asks for acks anyway (a HELO fails it as
    // IW_AUTH; an ack proves the server stores what we send); later batches on it do not.
    const unverified = !ack && options.sharedKey === undefined;
    this.#probeAcks = unverified && this.#target.kind !== "unix";
    this.#heloGraceMs = unverified && this.#target.kind === "unix" ? UNIX_HELO_GRACE_MS : 0;
    this.#creds = options.sharedKey === undefined
      ? undefined
      : { sharedKey: options.sharedKey, hostname: options.hostname ?? osHostname(), username: options.username, password: options.password };
    this.#keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEPALIVE_MS;
    this.#authRetryMs = options.authRetryMs ?? DEFAULT_AUTH_RETRY_MS;
    this.#problems = new ProblemLog(logger, this.name);
    if (this.#target.kind === "tls" && !this.#target.tls.verify) {
      logger.warn(`Fluentd TLS certificate verification is OFF (${this.#envPrefix}_TLS_VERIFY=false): anyone on the path can read and alter events`, { sink: this.name });
    }
  }

  async send(batch: readonly IwEvent[], ctx: SendContext): Promise<SendResult> {
    if (this.#closed) return { status: "retryable", error: new IwError("IW_CLOSED", `${this.#what}: sink closed`) };
    if (batch.length === 0) return SUCCESS;
    if (ctx.signal.aborted) return classifyNetworkError(ctx.signal.reason, ctx.signal, this.#what);
    let messages: ForwardMessage[];
    let malformed = 0;
    let sent = batch;
    // Idle connections are verified ones (see the constructor): with none, a fresh one is opened.
    let reused = this.#idle.some((c) => c.stage !== "dead");
    const ack = this.#probeAcks ? !reused : undefined;
    try {
      // In slices of ENCODE_SLICE events, yielding in between: the host's requests keep running.
      messages = await this.#encoder.encodeSliced(batch, ctx.batchId, ctx.signal, ack);
    } catch (err) {
      if (ctx.signal.aborted) return classifyNetworkError(ctx.signal.reason, ctx.signal, this.#what);
      // One event msgpack cannot carry must not sink the others: leave out just those (the queue
      // counts them as dropped `malformed`). Retries filter the same way, under the same chunk ids.
      const good = batch.filter((event) => this.#encoder.canEncode(event));
      malformed = batch.length - good.length;
      try {
        if (good.length === 0) throw err;
        sent = good;
        messages = await this.#encoder.encodeSliced(good, ctx.batchId, ctx.signal, ack);
      } catch (again) {
        if (ctx.signal.aborted) return classifyNetworkError(ctx.signal.reason, ctx.signal, this.#what);
        return { status: "failure", error: new IwError("IW_SERIALIZE", `${this.#what}: cannot encode the batch as msgpack`, { cause: again }) };
      }
    }
    if (this.#closed) return { status: "retryable", error: new IwError("IW_CLOSED", `${this.#what}: sink closed`) };
    reused = this.#idle.some((c) => c.stage !== "dead");
    if (this.#probeAcks && ack === false && !reused) messages = this.#encoder.encode(sent, ctx.batchId, true); // taken meanwhile: a fresh one probes
    let conn = this.#take();
    for (;;) {
      try {
        await raceSignal(conn.ready.then(() => conn.send(messages)), ctx.signal);
        break;
      } catch (err) {
        const stage = conn.stage;
        this.#busy.delete(conn);
        conn.destroy(err);
        // Fluentd resets connections it closes (linger 0), sometimes just after an ack: an idle
        // connection can be dead before we notice. One fresh connection, under the same chunk
        // ids, is not a retry of the batch but what every keep-alive client does.
        if (reused && !ctx.signal.aborted && isStale(err)) {
          reused = false;
          if (this.#probeAcks) messages = this.#encoder.encode(sent, ctx.batchId, true); // a fresh connection probes
          conn = this.#take();
          continue;
        }
        return this.#classify(err, ctx.signal, stage);
      }
    }
    this.#release(conn);
    this.#problems.recovered();
    return malformed > 0 ? { status: "success", malformed } : SUCCESS;
  }

  close(): Promise<void> {
    this.#closed = true;
    for (const conn of [...this.#idle, ...this.#busy]) conn.destroy();
    this.#idle.length = 0;
    this.#busy.clear();
    return Promise.resolve();
  }

  #take(): ForwardConnection {
    let conn = this.#idle.pop();
    while (conn !== undefined && conn.stage === "dead") conn = this.#idle.pop();
    conn ??= new ForwardConnection(this.#target, this.#creds, this.#keepAliveMs, this.#envPrefix, this.#heloGraceMs);
    conn.ref();
    this.#busy.add(conn);
    return conn;
  }

  #release(conn: ForwardConnection): void {
    this.#busy.delete(conn);
    if (this.#closed || !conn.reusable) {
      conn.destroy();
      return;
    }
    conn.unref();
    this.#idle.push(conn);
  }

  #classify(err: unknown, signal: AbortSignal, stage: string): SendResult {
    const code = (err as { code?: unknown } | null)?.code;
    if (!signal.aborted && (code === "IW_AUTH" || code === "IW_PROTOCOL")) {
      const error = err as IwError;
      this.#problems.report(error);
      return { status: "retryable", error, retryAfterMs: this.#authRetryMs };
    }
    if (signal.aborted && (stage === "helo" || stage === "pong")) {
      const error = new IwError(
        "IW_SEND_TIMEOUT",
        stage === "helo"
          ? `${this.#what}: no HELO from the server in time; ${this.#envPrefix}_SHARED_KEY is set, is <security> configured on the server?`
          : `${this.#what}: no PONG from the server in time`,
        { cause: err },
      );
      // The queue answers a timed-out attempt with its own "no answer" error and never sees
      // this one: log the hint here, once.
      this.#problems.report(error);
      return { status: "retryable", error };
    }
    const result = classifyNetworkError(err, signal, this.#what);
    if (result.status === "retryable" && result.error instanceof IwError && result.error.code === "IW_TLS") {
      this.#problems.report(result.error);
      return { ...result, retryAfterMs: this.#authRetryMs };
    }
    return result;
  }
}

const STALE = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);

function isStale(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (typeof code === "string" && STALE.has(code)) || (err instanceof IwError && err.code === "IW_NETWORK");
}
