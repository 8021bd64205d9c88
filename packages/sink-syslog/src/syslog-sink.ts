import { classifyNetworkError, type Prepared, type PrepareContext, type SendContext, type SendResult, type Sink } from "@iw/core/sink-kit";
import { IwError, silentLogger, toLogger, type IwEvent, type Logger } from "@iw/core";
import { SyslogEncoder } from "./encoder.js";
import type { SyslogSinkOptions } from "./options.js";
import { buildPayload, type BuiltPayload, type SyslogPayload } from "./payload.js";
import { resolveOptions, type ResolvedOptions } from "./resolve-options.js";
import { StreamTransport, UdpTransport, type Transport } from "./transport.js";

/** At most one warning a minute about shortened messages (with the running count). */
const TRUNCATION_LOG_INTERVAL_MS = 60_000;

/**
 * Ships batches as syslog messages (RFC 5424, RFC 3164, CEF or LEEF) over UDP, TCP or TLS.
 * `prepare` formats and frames a batch once; every attempt writes the same bytes. Syslog has no
 * acknowledgement: a batch is delivered once the kernel took it, and only a refused or broken
 * connection (or, over UDP, an ICMP "port unreachable") tells that something went wrong.
 */
export class SyslogSink implements Sink<SyslogPayload> {
  readonly name: string;
  readonly #o: ResolvedOptions;
  readonly #encoder: SyslogEncoder;
  readonly #transport: Transport;
  readonly #logger: Logger;
  /** Payloads this sink built: `ctx.payload` is trusted only if it is one of them. */
  readonly #built = new WeakSet<SyslogPayload>();
  /** Problems already reported (TLS, a refused connection): one line each until delivery recovers. */
  #reported: string | undefined;
  #truncatedTotal = 0;
  #truncationLoggedAt = Number.NEGATIVE_INFINITY;
  #malformedLoggedAt = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(options: SyslogSinkOptions, deps: { readonly logger?: Logger } = {}) {
    this.#o = resolveOptions(options);
    this.name = this.#o.name;
    this.#logger = toLogger(deps.logger ?? silentLogger);
    this.#encoder = new SyslogEncoder(this.#o);
    const t = this.#o.target;
    this.#transport =
      t.kind === "udp" ? new UdpTransport(t) : new StreamTransport(t, this.#o.connectTimeoutMs, this.#o.idleTimeoutMs, this.#o.keepAliveMs);
    if (t.kind === "tls" && !t.verify) {
      this.#logger.warn(
        `${this.#o.what}: TLS certificate verification is OFF (${this.#o.envPrefix}_TLS_VERIFY=false): anyone on the path can read and alter events`,
        { sink: this.name },
      );
    }
  }

  /**
   * Formats and frames the batch once. Events that cannot be formatted are left out and the rest
   * listed in `events` (counted `malformed` by the queue); throws `IW_SERIALIZE` when none can.
   */
  async prepare(batch: readonly IwEvent[], _ctx?: PrepareContext): Promise<Prepared<SyslogPayload>> {
    const built = await buildPayload(batch, this.#encoder, this.#o.framing);
    return this.#accept(built, batch.length);
  }

  async send(batch: readonly IwEvent[], ctx: SendContext<SyslogPayload>): Promise<SendResult> {
    if (this.#closed) return closed(this.#o.what);
    if (batch.length === 0) return { status: "success" };
    if (ctx.signal.aborted) return classifyNetworkError(ctx.signal.reason, ctx.signal, this.#o.what);
    let payload = ctx.payload !== undefined && this.#built.has(ctx.payload) ? ctx.payload : undefined;
    let malformed = 0;
    if (payload === undefined) {
      // No queue prepared it (Dispatcher.test(), a direct caller): the result says what was left out.
      try {
        const built = await buildPayload(batch, this.#encoder, this.#o.framing, ctx.signal);
        payload = this.#accept(built, batch.length).payload;
        malformed = built.malformed;
      } catch (err) {
        if (ctx.signal.aborted) return classifyNetworkError(ctx.signal.reason, ctx.signal, this.#o.what);
        return {
          status: "failure",
          reason: "serialize",
          error: err instanceof IwError ? err : new IwError("IW_SERIALIZE", `${this.#o.what}: cannot format the batch`, { cause: err }),
        };
      }
    }
    try {
      await this.#transport.write(payload.data, ctx.signal);
    } catch (err) {
      return this.#classify(err, ctx.signal);
    }
    if (this.#reported !== undefined) {
      this.#reported = undefined;
      this.#logger.info(`${this.#o.what}: delivery recovered`, { sink: this.name });
    }
    this.#noteTruncated(payload.truncated);
    return {
      status: "success",
      ...(malformed > 0 ? { malformed } : {}),
      ...(payload.truncated > 0 ? { truncated: payload.truncated } : {}),
    };
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#transport.close();
    return Promise.resolve();
  }

  #accept(built: BuiltPayload, size: number): Prepared<SyslogPayload> {
    if (built.malformed > 0) {
      const now = Date.now();
      if (now - this.#malformedLoggedAt >= TRUNCATION_LOG_INTERVAL_MS) {
        this.#malformedLoggedAt = now;
        const why = built.firstError instanceof Error ? built.firstError.message : String(built.firstError);
        this.#logger.warn(`${this.#o.what}: left out ${built.malformed} event(s) that cannot be formatted (${why})`, { sink: this.name });
      }
      if (built.malformed === size)
        throw new IwError("IW_SERIALIZE", `${this.#o.what}: no event of the batch could be formatted`, { cause: built.firstError });
    }
    this.#built.add(built.payload);
    return built.events === undefined ? { payload: built.payload } : { payload: built.payload, events: built.events };
  }

  #noteTruncated(n: number): void {
    if (n === 0) return;
    this.#truncatedTotal += n;
    const now = Date.now();
    if (now - this.#truncationLoggedAt < TRUNCATION_LOG_INTERVAL_MS) return;
    this.#truncationLoggedAt = now;
    const p = this.#o.envPrefix;
    this.#logger.warn(
      `${this.#o.what}: ${this.#truncatedTotal} message(s) so far were longer than ${this.#o.maxMessageBytes} bytes and were shortened ` +
        `(least important fields first; counted in stats as truncated); raise ${p}_MAX_MESSAGE_BYTES if the receiver takes more, or use tcp:// or tls://`,
      { sink: this.name },
    );
  }

  #classify(err: unknown, signal: AbortSignal): SendResult {
    const code = (err as { code?: unknown } | null)?.code;
    if (this.#closed || (!signal.aborted && code === "IW_CLOSED")) return closed(this.#o.what, err);
    if (!signal.aborted && code === "IW_SEND_TIMEOUT") {
      return {
        status: "retryable",
        reason: "timeout",
        error: new IwError("IW_SEND_TIMEOUT", `${this.#o.what}: ${(err as Error).message}`, { cause: err }),
      };
    }
    if (!signal.aborted && code === "IW_NETWORK") {
      return {
        status: "retryable",
        reason: "network",
        error: new IwError("IW_NETWORK", `${this.#o.what}: ${(err as Error).message}`, { cause: err }),
      };
    }
    const result = classifyNetworkError(err, signal, this.#o.what);
    if (result.status === "retryable" && code === "ECONNREFUSED" && this.#o.target.kind === "udp") {
      const error = new IwError(
        "IW_NETWORK",
        `${this.#o.what}: nothing listens on the port (ICMP port unreachable); the batch is sent again`,
        { cause: err },
      );
      return { status: "retryable", reason: "network", error };
    }
    if (result.status === "retryable" && result.reason === "tls") this.#report(result.error);
    return result;
  }

  #report(error: Error): void {
    if (this.#reported === error.message) return;
    this.#reported = error.message;
    this.#logger.error(error.message, { sink: this.name, code: (error as { code?: string }).code });
  }
}

function closed(what: string, cause?: unknown): SendResult {
  return {
    status: "retryable",
    reason: "closed",
    error: new IwError("IW_CLOSED", `${what}: sink closed`, cause === undefined ? undefined : { cause }),
  };
}

/** Builds a {@link SyslogSink}; throws `IwConfigError` for bad options. */
export function createSyslogSink(options: SyslogSinkOptions, deps: { readonly logger?: Logger } = {}): SyslogSink {
  return new SyslogSink(options, deps);
}
