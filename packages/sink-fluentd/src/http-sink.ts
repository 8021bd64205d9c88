import { promisify } from "node:util";
import { gzip as gzipCb } from "node:zlib";
import { createHttpTransport, type HttpTransport, type Prepared, type SendContext, type SendResult, type Sink } from "@iw/core/sink-kit";
import { IwError, silentLogger, type IwEvent, type Logger } from "@iw/core";
import { IN_HTTP_MANAGED_HEADERS } from "./options.js";
import { groupByTag, httpRecordJson, recordMapper } from "./records.js";
import type { ResolvedOptions } from "./resolve-options.js";

const gzip = promisify(gzipCb);
const SUCCESS: SendResult = { status: "success" };

/** One tag's request body, built once per batch. */
export interface HttpTagBody {
  readonly tag: string;
  /** The JSON array of the tag's records, gzip-compressed with `compression: "gzip"`. */
  readonly body: string | Uint8Array;
}

/** What `HttpSink.prepare` builds: one body per tag, sent as they are by every attempt. */
export type HttpPayload = readonly HttpTagBody[];

/** Batches whose delivered tags are remembered across retries; the oldest is forgotten first. */
const MAX_PARTIAL_BATCHES = 1024;

/**
 * in_http sink: one `POST /<tag>` per tag with a JSON array body (optionally gzip), built once
 * per batch by `prepare`, over core's HTTP transport (pool, TLS, URL credentials, reserved
 * headers, classification, problems logged once); the status line of a 2xx is the receipt.
 */
export class HttpSink implements Sink<HttpPayload> {
  readonly name: string;
  /** Path of the URL, trailing slashes removed: the tag goes after it. */
  readonly #base: string;
  /** The URL's query (`?token=…`) or "": kept after the tag, where in_http ignores it. */
  readonly #query: string;
  readonly #what: string;
  readonly #tag: string;
  readonly #gzip: boolean;
  readonly #record: (event: IwEvent) => object;
  readonly #transport: HttpTransport;
  /**
   * Tags already accepted, per batch id, for batches that failed on a later tag: the queue
   * retries the whole batch under the same id, and in_http has no chunk id to deduplicate, so
   * the retry skips what Fluentd already stored instead of storing it twice.
   */
  readonly #partial = new Map<string, Set<string>>();
  #closed = false;

  /** `options` checked by `resolveOptions` (createFluentdSink), every default applied. */
  constructor(options: ResolvedOptions, logger: Logger = silentLogger) {
    this.name = options.name;
    const url = new URL(options.url);
    // The tag is a path segment: before the query (`/?token=Q` + tag would put it inside the
    // query), which in_http ignores but a proxy in front of it may need.
    this.#base = url.pathname.replace(/\/+$/, "");
    this.#query = url.search;
    // The query may carry a token: diagnostics show that there is one, never what it is.
    this.#what = `Fluentd in_http ${url.origin}${this.#base}${this.#query === "" ? "" : "?…"}`;
    this.#tag = options.tag;
    this.#gzip = options.compression === "gzip";
    this.#record = recordMapper(options.format);
    this.#transport = createHttpTransport({
      url,
      headers: options.headers,
      sinkHeaders: { "content-type": "application/json", ...(this.#gzip ? { "content-encoding": "gzip" } : {}) },
      sinkHeaderNames: IN_HTTP_MANAGED_HEADERS,
      tls: { ca: options.ca, cert: options.cert, key: options.key, verify: options.tlsVerify },
      what: this.#what,
      envPrefix: options.envPrefix,
      name: this.name,
      logger,
    });
  }

  /**
   * Builds each tag's body (and gzips it) once. Events JSON cannot carry (a BigInt, a cycle)
   * are left out and the rest listed in `events`; throws `IW_SERIALIZE` when none can be.
   */
  async prepare(batch: readonly IwEvent[]): Promise<Prepared<HttpPayload>> {
    const bodies: HttpTagBody[] = [];
    const left = new Set<IwEvent>();
    let leftOut = 0;
    for (const [tag, events] of groupByTag(this.#tag, batch)) {
      const records: string[] = [];
      for (const e of events) {
        try {
          records.push(httpRecordJson(e, this.#record(e)));
        } catch {
          // Dropped `malformed` by the queue; the rest of the batch still goes.
          left.add(e);
          leftOut++;
        }
      }
      if (records.length === 0) continue;
      const json = `[${records.join(",")}]`;
      try {
        bodies.push({ tag, body: this.#gzip ? await gzip(json) : json });
      } catch (err) {
        throw new IwError("IW_SERIALIZE", `${this.#what}: cannot compress the batch`, { cause: err });
      }
    }
    if (leftOut === 0) return { payload: bodies };
    if (leftOut === batch.length) throw new IwError("IW_SERIALIZE", `${this.#what}: no event of the batch can be serialized as JSON`);
    return { payload: bodies, events: batch.filter((e) => !left.has(e)) };
  }

  async send(batch: readonly IwEvent[], ctx: SendContext<HttpPayload>): Promise<SendResult> {
    if (this.#closed) return this.#closedResult();
    let bodies = ctx.payload;
    let malformed = 0;
    if (bodies === undefined) {
      // Called without a queue (Dispatcher.test()): nothing prepared this batch.
      try {
        const prepared = await this.prepare(batch);
        bodies = prepared.payload;
        malformed = batch.length - (prepared.events?.length ?? batch.length);
      } catch (err) {
        return { status: "failure", reason: "serialize", error: err as IwError };
      }
    }
    const done = this.#partial.get(ctx.batchId);
    this.#partial.delete(ctx.batchId);
    const delivered = new Set(done);
    for (const { tag, body } of bodies) {
      if (delivered.has(tag)) continue;
      const result = await this.#post(tag, body, ctx.signal);
      if (result.status === "retryable" && delivered.size > 0) this.#remember(ctx.batchId, delivered);
      if (result.status !== "success") return result;
      delivered.add(tag);
    }
    return malformed > 0 ? { status: "success", malformed } : SUCCESS;
  }

  #remember(batchId: string, tags: Set<string>): void {
    if (this.#partial.size >= MAX_PARTIAL_BATCHES) this.#partial.delete(this.#partial.keys().next().value as string);
    this.#partial.set(batchId, tags);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#transport.close();
  }

  #closedResult(): SendResult {
    return { status: "retryable", reason: "closed", error: new IwError("IW_CLOSED", `${this.#what}: sink closed`) };
  }

  async #post(tag: string, body: string | Uint8Array, signal: AbortSignal): Promise<SendResult> {
    const result = await this.#transport.send({ path: `${this.#base}/${encodeURIComponent(tag)}${this.#query}`, body, signal });
    // Like the forward mode, a closed sink keeps the batch for whoever drains the queue.
    return result.status === "failure" && result.reason === "closed" ? this.#closedResult() : result;
  }
}
