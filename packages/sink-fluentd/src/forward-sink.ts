import { classifyNetworkError, type PrepareContext, type Prepared, type SendContext, type SendResult, type Sink } from "@iw/core/sink-kit";
import { IwError, silentLogger, toLogger, type IwEvent, type Logger } from "@iw/core";
import { raceSignal } from "./abort.js";
import { ForwardConnection } from "./forward-connection.js";
import { ForwardEncoder, type ForwardFrame, type PackedTag } from "./forward-encoder.js";
import type { HandshakeCredentials } from "./handshake.js";
import { ProblemLog } from "./problem-log.js";
import type { ResolvedOptions } from "./resolve-options.js";
import { describeTarget, forwardTarget, type ForwardTarget } from "./target.js";

const SUCCESS: SendResult = { status: "success" };

/** What `ForwardSink.prepare` builds: each tag's entries, packed once for every attempt. */
export type ForwardPayload = readonly PackedTag[];

/**
 * Without acks and credentials, a unix-socket connection listens this long for an unexpected
 * HELO before its first write (TCP and TLS connections probe with an ack instead, see send()).
 */
const UNIX_HELO_GRACE_MS = 20;

/**
 * Forward-protocol sink: PackedForward (or CompressedPackedForward) per tag, acked by default.
 * `prepare` packs a batch once; every attempt writes those bytes under the same chunk ids.
 * Connections are opened on demand, one per concurrent send, kept for reuse and `unref()`ed
 * while idle; any error discards the connection and the next send opens a fresh one, so the
 * queue's backoff alone paces reconnects.
 */
export class ForwardSink implements Sink<ForwardPayload> {
  readonly name: string;
  readonly #target: ForwardTarget;
  readonly #what: string;
  readonly #envPrefix: string;
  readonly #encoder: ForwardEncoder;
  readonly #ack: boolean;
  readonly #creds: HandshakeCredentials | undefined;
  readonly #keepAliveMs: number;
  readonly #idleTimeoutMs: number;
  readonly #heloGraceMs: number;
  readonly #probeAcks: boolean;
  readonly #problems: ProblemLog;
  readonly #idle: ForwardConnection[] = [];
  readonly #busy = new Set<ForwardConnection>();
  #closed = false;

  /** `options` checked by `resolveOptions` (createFluentdSink), every default applied. */
  constructor(options: ResolvedOptions, logger: Logger = silentLogger) {
    this.name = options.name;
    this.#envPrefix = options.envPrefix;
    this.#target = forwardTarget(options.url, { ca: options.ca, cert: options.cert, key: options.key, verify: options.tlsVerify });
    this.#what = describeTarget(this.#target);
    this.#ack = options.ack;
    this.#encoder = new ForwardEncoder({
      tag: options.tag,
      ack: options.ack,
      gzip: options.compression === "gzip",
      format: options.format,
    });
    // Without acks nothing else would reveal a server that wants the <security> handshake: it
    // sends HELO and discards what comes instead of a PING, while our write succeeds. So the
    // first batch on each fresh TCP/TLS connection asks for acks anyway (a HELO fails it as
    // IW_AUTH; an ack proves the server stores what we send); later batches on it do not.
    const unverified = !options.ack && options.sharedKey === undefined;
    this.#probeAcks = unverified && this.#target.kind !== "unix";
    this.#heloGraceMs = unverified && this.#target.kind === "unix" ? UNIX_HELO_GRACE_MS : 0;
    this.#creds =
      options.sharedKey === undefined
        ? undefined
        : {
            sharedKey: options.sharedKey,
            hostname: options.hostname,
            username: options.username,
            password: options.password,
          };
    this.#keepAliveMs = options.keepAliveMs;
    this.#idleTimeoutMs = options.idleTimeoutMs;
    // A pino or winston logger passed to the constructor directly (not through activate()).
    const log = toLogger(logger);
    this.#problems = new ProblemLog(log, this.name);
    if (this.#target.kind === "tls" && !this.#target.tls.verify) {
      log.warn(
        `Fluentd TLS certificate verification is OFF (${this.#envPrefix}_TLS_VERIFY=false): anyone on the path can read and alter events`,
        { sink: this.name },
      );
    }
  }

  /**
   * Packs the batch's entries once, in slices that let the host's requests run in between.
   * Events msgpack cannot carry (a cycle, a BigInt past 64 bits) are left out and the rest
   * listed in `events`; throws `IW_SERIALIZE` when none can be carried.
   */
  prepare(batch: readonly IwEvent[], ctx: PrepareContext): Promise<Prepared<ForwardPayload>> {
    return this.#prepare(batch, ctx.batchId);
  }

  async send(batch: readonly IwEvent[], ctx: SendContext<ForwardPayload>): Promise<SendResult> {
    if (this.#closed) return closedResult(this.#what);
    if (batch.length === 0) return SUCCESS;
    if (ctx.signal.aborted) return classifyNetworkError(ctx.signal.reason, ctx.signal, this.#what);
    let packed = ctx.payload;
    let malformed = 0;
    if (packed === undefined) {
      // Called without a queue (Dispatcher.test()): nothing prepared this batch.
      try {
        const prepared = await this.#prepare(batch, ctx.batchId, ctx.signal);
        packed = prepared.payload;
        malformed = batch.length - (prepared.events?.length ?? batch.length);
      } catch (err) {
        if (ctx.signal.aborted) return classifyNetworkError(ctx.signal.reason, ctx.signal, this.#what);
        return { status: "failure", reason: "serialize", error: err as IwError };
      }
      if (this.#closed) return closedResult(this.#what);
    }
    // Idle connections are verified ones (see the constructor): with none, a fresh one is opened.
    let reused = this.#idle.some((c) => c.stage !== "dead");
    let conn = this.#take();
    for (;;) {
      const frames = this.#frames(packed, reused);
      try {
        await raceSignal(
          conn.ready.then(() => conn.send(frames)),
          ctx.signal,
        );
        break;
      } catch (err) {
        const stage = conn.stage;
        this.#busy.delete(conn);
        conn.destroy(err);
        // Fluentd resets connections it closes (linger 0), sometimes just after an ack: an idle
        // connection can be dead before we notice. One fresh connection, under the same chunk
        // ids, is not a retry of the batch but what every keep-alive client does.
        if (reused && !ctx.signal.aborted && !this.#closed && isStale(err)) {
          reused = false;
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

  async #prepare(batch: readonly IwEvent[], batchId: string, signal?: AbortSignal): Promise<Prepared<ForwardPayload>> {
    try {
      return { payload: await this.#encoder.packSliced(batch, batchId, signal) };
    } catch (err) {
      signal?.throwIfAborted();
      // One event msgpack cannot carry must not sink the others: leave out just those (the queue
      // counts them as dropped `malformed`).
      const good = batch.filter((event) => this.#encoder.canEncode(event));
      try {
        if (good.length === 0) throw err;
        return { payload: await this.#encoder.packSliced(good, batchId, signal), events: good };
      } catch (again) {
        signal?.throwIfAborted();
        throw new IwError("IW_SERIALIZE", `${this.#what}: cannot encode the batch as msgpack`, { cause: again });
      }
    }
  }

  /**
   * This attempt's messages around the prepared entries. Without acks, the first batch on a
   * fresh TCP/TLS connection asks for them anyway (see the constructor).
   */
  #frames(packed: ForwardPayload, reused: boolean): ForwardFrame[] {
    const ack = this.#ack || (this.#probeAcks && !reused);
    return packed.map((tag) => this.#encoder.frame(tag, ack));
  }

  #take(): ForwardConnection {
    let conn = this.#idle.pop();
    while (conn !== undefined && conn.stage === "dead") conn = this.#idle.pop();
    conn ??= new ForwardConnection(this.#target, this.#creds, this.#keepAliveMs, this.#envPrefix, this.#heloGraceMs, (error) =>
      this.#problems.limited(new IwError(error.code, `${this.#what}: ${error.message}`)),
    );
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
    conn.unref(this.#idleTimeoutMs);
    this.#idle.push(conn);
  }

  #classify(err: unknown, signal: AbortSignal, stage: string): SendResult {
    const code = (err as { code?: unknown } | null)?.code;
    if (this.#closed || (!signal.aborted && code === "IW_CLOSED")) return closedResult(this.#what, err);
    if (!signal.aborted && code === "IW_AUTH") {
      const error = err as IwError;
      this.#problems.report(error);
      return { status: "retryable", reason: "auth", error };
    }
    if (!signal.aborted && code === "IW_PROTOCOL") {
      // Whatever answered does not speak the forward protocol (a wrong port, a proxy, a hostile
      // server): nothing about the batch is wrong, and core backs off as for an unreachable
      // collector. The connection already reported it (rate-limited, see #take).
      return {
        status: "retryable",
        reason: "network",
        error: new IwError("IW_PROTOCOL", `${this.#what}: ${(err as Error).message}`, { cause: err }),
      };
    }
    const result = classifyNetworkError(err, signal, this.#what);
    if (result.status !== "retryable") return result;
    if (result.reason === "timeout" && (stage === "helo" || stage === "pong")) {
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
      return { status: "retryable", reason: "timeout", error };
    }
    if (result.reason === "tls") this.#problems.report(result.error);
    return result;
  }
}

function closedResult(what: string, cause?: unknown): SendResult {
  return {
    status: "retryable",
    reason: "closed",
    error: new IwError("IW_CLOSED", `${what}: sink closed`, cause === undefined ? undefined : { cause }),
  };
}

const STALE = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);

function isStale(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (typeof code === "string" && STALE.has(code)) || (err instanceof IwError && err.code === "IW_NETWORK");
}
