import { IwError, IwHttpError, silentLogger } from "@iw/core";
import { classifyNetworkError, createHttpTransport } from "@iw/core/sink-kit";
import type { HeaderBag, HttpTransport, Prepared, SendContext, SendResult, Sink } from "@iw/core/sink-kit";
import type { IwEvent, Logger } from "@iw/core";
import { encodeBatch } from "./encode.js";
import type { EncodedBatch, OtlpPayload } from "./encode.js";
import { toLogRecord } from "./mapping.js";
import type { LogRecordInput } from "./mapping.js";
import { LOGS_PATH } from "./options.js";
import type { OtlpSinkOptions } from "./options.js";
import { ResourceCache, SINK_VERSION } from "./resource.js";
import { resolveOptions } from "./resolve-options.js";
import type { ResolvedOtlpOptions } from "./resolve-options.js";
import { MAX_RESPONSE_BYTES, readPartialSuccess } from "./response.js";

/** OTLP/HTTP: only these statuses may be retried; every other 4xx and 5xx MUST NOT be. */
export const OTLP_RETRYABLE_STATUSES: readonly number[] = [429, 502, 503, 504];
const NOTE_INTERVAL_MS = 60_000;

/**
 * Ships batches to an OTLP/HTTP logs endpoint (`/v1/logs`): each batch is one
 * ExportLogsServiceRequest, encoded with the OpenTelemetry project's own serializers
 * (`@opentelemetry/otlp-transformer`) once per batch, and sent by core's HTTP transport (pool,
 * TLS, reserved headers). Classification follows OTLP: 429, 502, 503 and 504 are retryable
 * (honouring `Retry-After`), other 4xx and 5xx are not, a 200 carrying `partial_success` counts
 * the refused records as dropped `rejected`. Credentials refused (401/403) pause the sink as for
 * every @iw sink, keeping the events. Batching, retries and deadlines are the delivery queue's.
 */
export class OtlpSink implements Sink<OtlpPayload> {
  readonly name: string;
  readonly #o: ResolvedOtlpOptions;
  readonly #transport: HttpTransport;
  readonly #logger: Logger;
  readonly #map: (event: IwEvent) => LogRecordInput;
  /** Payloads this sink built: `ctx.payload` is trusted only if it is one of them. */
  readonly #built = new WeakSet<OtlpPayload>();
  readonly #notedAt = new Map<string, number>();
  #malformedTotal = 0;

  constructor(options: OtlpSinkOptions, deps: { readonly logger?: Logger } = {}) {
    // Every check the variables run runs here too; errors name the variable.
    this.#o = resolveOptions(options);
    this.#logger = deps.logger ?? silentLogger;
    this.name = this.#o.name;
    const resources = new ResourceCache(this.#o);
    this.#map = (event) => toLogRecord(event, resources);
    this.#transport = createHttpTransport({
      ...this.#o.transport,
      userAgent: `iw-sink-otlp/${SINK_VERSION}`,
      logger: this.#logger,
      successBody: { maxBytes: MAX_RESPONSE_BYTES, parse: (body, headers) => this.#partialSuccess(body, headers) },
    });
    const o = this.#o;
    if (o.url.protocol !== "https:" && (o.ca !== undefined || o.cert !== undefined)) {
      this.#logger.warn(
        `${o.envPrefix}_CA_FILE / ${o.envPrefix}_CERT_FILE (or the OTEL_EXPORTER_OTLP_* certificates) are set but ${o.label} is not https://, so they are not used`,
        { sink: this.name },
      );
    }
  }

  /**
   * Maps and encodes a batch, once: the queue hands the result to every attempt as
   * `ctx.payload`. Events that cannot be encoded are left out and listed through `events` (the
   * queue counts them as dropped `malformed`). Throws `IW_SERIALIZE` when none can be encoded.
   */
  async prepare(batch: readonly IwEvent[]): Promise<Prepared<OtlpPayload>> {
    const encoded = await encodeBatch(batch, this.#map, this.#o.protocol, this.#o.compression);
    if (encoded.events !== undefined) this.#reportMalformed(batch.length - encoded.count, encoded);
    if (encoded.count === 0 && batch.length > 0) {
      throw new IwError("IW_SERIALIZE", `${this.name}: no event of the batch could be encoded as OTLP`, { cause: encoded.firstError });
    }
    this.#built.add(encoded.payload);
    return encoded.events === undefined ? { payload: encoded.payload } : { payload: encoded.payload, events: encoded.events };
  }

  /** Sends one batch and classifies the answer the OTLP way. Never throws. */
  async send(batch: readonly IwEvent[], ctx: SendContext<OtlpPayload>): Promise<SendResult> {
    if (batch.length === 0) return { status: "success" };
    let payload = ctx.payload !== undefined && this.#built.has(ctx.payload) ? ctx.payload : undefined;
    // Left out while preparing here; when the queue prepared, it counted them itself.
    let malformed = 0;
    if (payload === undefined) {
      try {
        const prepared = await this.prepare(batch);
        payload = prepared.payload;
        malformed = batch.length - (prepared.events?.length ?? batch.length);
      } catch (err) {
        const error =
          err instanceof IwError ? err : new IwError("IW_SERIALIZE", `${this.name}: the batch could not be encoded`, { cause: err });
        return { status: "failure", reason: "serialize", error };
      }
    }
    if (ctx.signal.aborted) return classifyNetworkError(ctx.signal.reason, ctx.signal, this.#transport.what);
    const result = this.#otlpClassification(await this.#transport.send({ body: payload.body, signal: ctx.signal }));
    return result.status === "success" && malformed > 0 ? { ...result, malformed } : result;
  }

  /** Idempotent: destroys the connections (the queue has drained or given up by then). */
  close(): Promise<void> {
    return this.#transport.close();
  }

  /** Core's transport retries 408 and every 5xx but 501; OTLP allows only 429, 502, 503, 504. */
  #otlpClassification(result: SendResult): SendResult {
    if (result.status === "success" || !(result.error instanceof IwHttpError)) return result;
    const status = result.error.status;
    if (result.status === "retryable" && result.reason !== "auth" && !OTLP_RETRYABLE_STATUSES.includes(status)) {
      return {
        status: "failure",
        reason: "rejected",
        error: new IwHttpError(status, `${result.error.message}; OTLP retries only 429, 502, 503 and 504`),
      };
    }
    if (result.status === "failure" && status === 404 && !this.#o.url.pathname.endsWith(LOGS_PATH)) {
      const p = this.#o.envPrefix;
      const hint = `; OTLP/HTTP logs go to …${LOGS_PATH}: ${p}_URL without a path gets it appended, a URL with a path (${this.#o.url.pathname}) is used as it is`;
      return { ...result, error: new IwHttpError(404, `${result.error.message}${hint}`) };
    }
    return result;
  }

  /** A 200's ExportLogsServiceResponse: refused records become a partial success; a bare message a warning. */
  #partialSuccess(body: Uint8Array, headers: HeaderBag): SendResult {
    const partial = readPartialSuccess(body, headers);
    if (partial === undefined) return { status: "success" };
    const why = partial.message === "" ? "no reason given" : partial.message;
    if (partial.rejected === 0) {
      this.#note(`warning:${partial.message}`, `${this.#transport.what} accepted every log record with a warning: ${why}`);
      return { status: "success" };
    }
    const error = new IwError(
      "IW_PROTOCOL",
      `${this.#transport.what} refused ${partial.rejected} log record${partial.rejected === 1 ? "" : "s"} (partial success, not retried): ${why}`,
    );
    return { status: "success", rejected: { count: partial.rejected, error } };
  }

  /** One warning per distinct text a minute at most. */
  #note(key: string, message: string): void {
    const now = Date.now();
    if (now - (this.#notedAt.get(key) ?? Number.NEGATIVE_INFINITY) < NOTE_INTERVAL_MS) return;
    if (this.#notedAt.size > 100) this.#notedAt.clear();
    this.#notedAt.set(key, now);
    this.#logger.warn(message, { sink: this.name });
  }

  #reportMalformed(n: number, encoded: EncodedBatch): void {
    this.#malformedTotal += n;
    this.#note(
      "malformed",
      `${this.name}: left out ${n} event(s) that cannot be encoded as OTLP (${encoded.firstError?.message ?? "unknown"}); ${this.#malformedTotal} so far`,
    );
  }
}

/** Builds an {@link OtlpSink}; throws `IwConfigError` for bad options. */
export function createOtlpSink(options: OtlpSinkOptions, deps: { readonly logger?: Logger } = {}): OtlpSink {
  return new OtlpSink(options, deps);
}
