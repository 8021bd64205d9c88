import { IwError, silentLogger } from "@iw/core";
import { createHttpTransport } from "@iw/core/sink-kit";
import type { HttpTransport, Prepared, SendContext, SendResult, Sink } from "@iw/core/sink-kit";
import type { IwEvent, Logger } from "@iw/core";
import { encodeBatch } from "./formats.js";
import type { EncodedBatch } from "./formats.js";
import type { ResolvedWebhookOptions, WebhookSinkOptions } from "./options.js";
import { WEBHOOK_MANAGED_HEADERS, webhookOptions } from "./options.js";
import { parseWebhookSecrets, signatureHeader, webhookIdFor } from "./signing.js";

const USER_AGENT = "iw-sink-webhook/0.1";

/**
 * Delivers batches to one HTTP(S) endpoint, signed per Standard Webhooks: a serializer and a
 * signer over core's HTTP transport (pool, TLS, credentials, reserved headers, classification;
 * redirects are never followed, they would carry the signature elsewhere). Retries, deadlines
 * and batching belong to the delivery queue, which passes the attempt deadline as `ctx.signal`.
 */
export class WebhookSink implements Sink<EncodedBatch> {
  readonly name: string;
  readonly #options: ResolvedWebhookOptions;
  readonly #transport: HttpTransport;
  readonly #what: string;

  constructor(options: WebhookSinkOptions, logger: Logger = silentLogger) {
    // Every check runs here, as for the variables; the secrets are kept only as parsed keys.
    const { secret, ...resolved } = webhookOptions.resolve(options);
    const keys = secret === undefined ? [] : parseWebhookSecrets(secret, webhookOptions.variable("secret", resolved.envPrefix));
    const o: ResolvedWebhookOptions = { ...resolved, keys };
    this.#options = o;
    this.name = o.name;
    // Only the origin: webhook paths and queries often embed tokens (Slack, Teams).
    this.#what = `${o.name} ${o.url.origin}`;
    const p = o.envPrefix;
    this.#transport = createHttpTransport({
      url: o.url,
      method: o.method,
      headers: o.headers,
      sinkHeaderNames: WEBHOOK_MANAGED_HEADERS,
      userAgent: USER_AGENT,
      tls: { ca: o.ca, cert: o.cert, key: o.key, verify: o.tlsVerify },
      connectTimeoutMs: o.connectTimeoutMs,
      what: this.#what,
      envPrefix: p,
      name: o.name,
      logger,
      authHint:
        o.keys.length > 0
          ? `check that ${p}_SECRET matches the receiver's signing secret, that this host's clock is right (receivers refuse timestamps more than 5 minutes off), and the credentials in ${p}_HEADERS`
          : `the request is unsigned: set ${p}_SECRET to the receiver's whsec_ secret, or the credentials it expects in ${p}_HEADERS`,
    });
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
        const error =
          err instanceof IwError ? err : new IwError("IW_SERIALIZE", `${this.#what}: cannot serialize the batch`, { cause: err });
        return { status: "failure", reason: "serialize", error };
      }
    }
    const id = webhookIdFor(ctx.batchId);
    // Per attempt (receivers refuse stale timestamps); the signed body is the same every time.
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      "content-type": encoded.contentType,
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
    };
    const keys = this.#options.keys;
    if (keys.length > 0) headers["webhook-signature"] = signatureHeader(keys, id, timestamp, encoded.body);
    const result = await this.#transport.send({ body: encoded.body, headers, signal: ctx.signal });
    return result.status === "success" && malformed > 0 ? { status: "success", malformed } : result;
  }

  /** Idempotent: destroys the connections (the queue has drained or given up by then). */
  close(): Promise<void> {
    return this.#transport.close();
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
