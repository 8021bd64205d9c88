import { Pool } from "undici";
import type { Dispatcher } from "undici";
import { IwError, IwHttpError, classifyHttpStatus, classifyNetworkError, readResponseDetail, releaseBody, silentLogger } from "@iw/core";
import type { IwEvent, Logger, Prepared, SendContext, SendResult, Sink } from "@iw/core";
import { encodeBatch } from "./formats.js";
import type { EncodedBatch } from "./formats.js";
import type { ResolvedWebhookOptions, WebhookSinkOptions } from "./options.js";
import { resolveWebhookOptions } from "./options.js";
import { signatureHeader, webhookIdFor } from "./signing.js";

const USER_AGENT = "iw-sink-webhook/0.1";

/**
 * Delivers batches to one HTTP(S) endpoint, signed per Standard Webhooks. Wire I/O and
 * classification only: retries, deadlines and batching belong to the delivery queue, which
 * passes the attempt deadline as `ctx.signal`. Redirects are never followed (they would carry
 * the signature elsewhere). One keep-alive connection pool per sink.
 */
export class WebhookSink implements Sink<EncodedBatch> {
  readonly name: string;
  readonly #options: ResolvedWebhookOptions;
  readonly #pool: Pool;
  readonly #path: string;
  readonly #what: string;
  readonly #logger: Logger;
  #authWarned = false;
  #closing: Promise<void> | undefined;

  constructor(options: WebhookSinkOptions, logger: Logger = silentLogger) {
    const o = resolveWebhookOptions(options);
    this.#options = o;
    this.name = o.name;
    this.#logger = logger;
    this.#path = `${o.url.pathname}${o.url.search}`;
    // Only the origin: webhook paths and queries often embed tokens (Slack, Teams).
    this.#what = `${o.name} ${o.url.origin}`;
    this.#pool = new Pool(o.url.origin, {
      connect: {
        timeout: o.connectTimeoutMs,
        rejectUnauthorized: o.tls.verify,
        ...(o.tls.ca === undefined ? {} : { ca: o.tls.ca }),
        ...(o.tls.cert === undefined ? {} : { cert: o.tls.cert, key: o.tls.key }),
      },
    });
    if (!o.tls.verify && o.url.protocol === "https:") {
      logger.warn(`${this.#what}: TLS certificate verification is OFF (${o.envPrefix}_TLS_VERIFY=false); anyone on the path can read and forge deliveries`, { sink: o.name });
    }
  }

  /**
   * Serializes a batch once; every attempt signs and sends these same bytes. An event that cannot
   * be serialized (a BigInt, a cycle) must not sink the others: only those are left out, and
   * `events` lists the rest. Throws `IW_SERIALIZE` when none can be serialized.
   */
  prepare(batch: readonly IwEvent[]): Prepared<EncodedBatch> {
    const o = this.#options;
    try {
      return { payload: encodeBatch(batch, o.format, o.cloudEventsSource) };
    } catch (err) {
      const good = batch.filter((event) => serializable(event, o));
      try {
        if (good.length === 0) throw err;
        return { payload: encodeBatch(good, o.format, o.cloudEventsSource), events: good };
      } catch (again) {
        throw new IwError("IW_SERIALIZE", `${this.#what}: cannot serialize the batch as ${o.format}`, { cause: again });
      }
    }
  }

  /**
   * Signs and sends one batch; classifies the answer. Never throws. Uses `ctx.payload` (the
   * queue prepared it once for every attempt); without one (`Dispatcher.test()`), prepares here.
   */
  async send(batch: readonly IwEvent[], ctx: SendContext<EncodedBatch>): Promise<SendResult> {
    if (this.#closing) return { status: "failure", reason: "closed", error: new IwError("IW_CLOSED", `${this.#what}: sink is closed`) };
    // Nothing to deliver: no point waking the receiver (or tripping its "no events" checks).
    if (batch.length === 0) return { status: "success" };
    let encoded = ctx.payload;
    // Left out while preparing here; when the queue prepared, it counted them itself.
    let malformed = 0;
    if (encoded === undefined) {
      try {
        const prepared = this.prepare(batch);
        encoded = prepared.payload;
        malformed = batch.length - (prepared.events?.length ?? batch.length);
      } catch (err) {
        const error = err instanceof IwError ? err : new IwError("IW_SERIALIZE", `${this.#what}: cannot serialize the batch`, { cause: err });
        return { status: "failure", reason: "serialize", error };
      }
    }
    const o = this.#options;
    const id = webhookIdFor(ctx.batchId);
    // Per attempt (receivers refuse stale timestamps); the signed body is the same every time.
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      "user-agent": USER_AGENT,
      ...o.headers,
      "content-type": encoded.contentType,
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
    };
    if (o.keys.length > 0) headers["webhook-signature"] = signatureHeader(o.keys, id, timestamp, encoded.body);
    try {
      const res = await this.#pool.request({ path: this.#path, method: o.method, headers, body: encoded.body, signal: ctx.signal });
      if (res.statusCode >= 200 && res.statusCode < 300) {
        // The status line is the receipt: a body that is slow, broken or never ends must not
        // turn a delivered batch into a timeout and a resend.
        releaseBody(res.body);
        this.#authWarned = false;
        return malformed > 0 ? { status: "success", malformed } : { status: "success" };
      }
      return this.#classify(res.statusCode, res.headers, await readResponseDetail(res.body));
    } catch (err) {
      return classifyNetworkError(err, ctx.signal, this.#what);
    }
  }

  #classify(status: number, headers: Dispatcher.ResponseData["headers"], detail: string): SendResult {
    if (status !== 401 && status !== 403) return classifyHttpStatus(status, headers, this.#what, detail);
    const p = this.#options.envPrefix;
    const hint = this.#options.keys.length > 0
      ? `check that ${p}_SECRET matches the receiver's signing secret, that this host's clock is right (receivers refuse timestamps more than 5 minutes off), and the credentials in ${p}_HEADERS`
      : `the request is unsigned: set ${p}_SECRET to the receiver's whsec_ secret, or the credentials it expects in ${p}_HEADERS`;
    const error = new IwHttpError(
      status,
      `${this.#what} refused the delivery (${status}${detail ? `: ${detail.slice(0, 200)}` : ""}); ${hint}. The events stay queued and are retried until they are accepted`,
    );
    if (!this.#authWarned) {
      this.#authWarned = true;
      this.#logger.error(error.message, { sink: this.name, status });
    }
    // Retried like any webhook sender does (Standard Webhooks senders retry every non-2xx): a
    // secret rotated on the receiver first, or a clock put right, lets the events through. How
    // long to pause first is core's decision, from the reason.
    return { status: "retryable", reason: "auth", error };
  }

  /** Idempotent: destroys the pool's sockets (the queue has drained or given up by then). */
  close(): Promise<void> {
    this.#closing ??= this.#pool.destroy().catch(() => undefined);
    return this.#closing;
  }
}

function serializable(event: IwEvent, o: ResolvedWebhookOptions): boolean {
  try {
    encodeBatch([event], o.format, o.cloudEventsSource);
    return true;
  } catch {
    return false;
  }
}

/** Builds a webhook sink; throws {@link IwConfigError} for a bad option. */
export function createWebhookSink(options: WebhookSinkOptions, logger?: Logger): WebhookSink {
  return new WebhookSink(options, logger);
}
