import { promisify } from "node:util";
import { gzip as gzipCb } from "node:zlib";
import { Agent, request } from "undici";
import { assertHeaderValue, classifyHttpStatus, classifyNetworkError, IwError, readResponseDetail, silentLogger, stripCredentials, type IwEvent, type Logger, type SendContext, type SendResult, type Sink } from "@iw/core";
import { DEFAULT_AUTH_RETRY_MS, DEFAULT_ENV_PREFIX, DEFAULT_SINK_NAME, DEFAULT_TAG, type FluentdSinkOptions } from "./options.js";
import { ProblemLog } from "./problem-log.js";
import { groupByTag, httpRecordJson, recordMapper } from "./records.js";

const gzip = promisify(gzipCb);
const SUCCESS: SendResult = { status: "success" };
/** Batches whose delivered tags are remembered across retries; the oldest is forgotten first. */
const MAX_PARTIAL_BATCHES = 1024;

/**
 * in_http sink: one `POST /<tag>` per tag with a JSON array body (optionally gzip). Status codes
 * are classified like every HTTP sink (core's `classifyHttpStatus`).
 */
export class HttpSink implements Sink {
  readonly name: string;
  readonly #base: string;
  readonly #what: string;
  readonly #tag: string;
  readonly #gzip: boolean;
  readonly #record: (event: IwEvent) => object;
  readonly #headers: Record<string, string>;
  readonly #agent: Agent;
  readonly #authRetryMs: number;
  readonly #problems: ProblemLog;
  /**
   * Tags already accepted, per batch id, for batches that failed on a later tag: the queue
   * retries the whole batch under the same id, and in_http has no chunk id to deduplicate, so
   * the retry skips what Fluentd already stored instead of storing it twice.
   */
  readonly #partial = new Map<string, Set<string>>();
  #closed = false;

  constructor(options: FluentdSinkOptions, logger: Logger = silentLogger) {
    this.name = options.name ?? DEFAULT_SINK_NAME;
    const url = new URL(options.url);
    const auth = url.username === "" ? undefined : `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}`;
    url.username = "";
    url.password = "";
    this.#base = url.href.replace(/\/+$/, "");
    this.#what = `Fluentd in_http ${stripCredentials(this.#base)}`;
    this.#tag = options.tag ?? DEFAULT_TAG;
    this.#gzip = options.compression === "gzip";
    this.#record = recordMapper(options.format);
    for (const [name, value] of Object.entries(options.headers ?? {})) assertHeaderValue(name, value, `${options.envPrefix ?? DEFAULT_ENV_PREFIX}_HEADERS`);
    this.#headers = {
      ...options.headers,
      "content-type": "application/json",
      ...(this.#gzip ? { "content-encoding": "gzip" } : {}),
      ...(auth === undefined ? {} : { authorization: auth }),
    };
    const tls = options.tls;
    this.#agent = new Agent({
      connect: { ca: tls?.ca, cert: tls?.cert, key: tls?.key, rejectUnauthorized: tls?.verify ?? true },
      keepAliveTimeout: 4_000,
    });
    this.#authRetryMs = options.authRetryMs ?? DEFAULT_AUTH_RETRY_MS;
    this.#problems = new ProblemLog(logger, this.name);
    if (url.protocol === "https:" && tls?.verify === false) {
      logger.warn(`Fluentd TLS certificate verification is OFF (${options.envPrefix ?? DEFAULT_ENV_PREFIX}_TLS_VERIFY=false)`, { sink: this.name });
    }
  }

  async send(batch: readonly IwEvent[], ctx: SendContext): Promise<SendResult> {
    if (this.#closed) return { status: "retryable", error: new IwError("IW_CLOSED", `${this.#what}: sink closed`) };
    let malformed = 0;
    const done = this.#partial.get(ctx.batchId);
    this.#partial.delete(ctx.batchId);
    const delivered = new Set(done);
    for (const [tag, events] of groupByTag(this.#tag, batch)) {
      const { records, left } = this.#records(events);
      malformed += left;
      if (records.length === 0 || delivered.has(tag)) continue;
      const result = await this.#post(tag, records, ctx.signal);
      if (result.status === "retryable" && delivered.size > 0) this.#remember(ctx.batchId, delivered);
      if (result.status !== "success") return result;
      delivered.add(tag);
    }
    if (malformed > 0 && malformed === batch.length) {
      return { status: "failure", error: new IwError("IW_SERIALIZE", `${this.#what}: no event of the batch can be serialized as JSON`) };
    }
    this.#problems.recovered();
    return malformed > 0 ? { status: "success", malformed } : SUCCESS;
  }

  #remember(batchId: string, tags: Set<string>): void {
    if (this.#partial.size >= MAX_PARTIAL_BATCHES) this.#partial.delete(this.#partial.keys().next().value as string);
    this.#partial.set(batchId, tags);
  }

  /** Each event's JSON record; one that cannot be serialized (a BigInt, a cycle) is left out and counted. */
  #records(events: readonly IwEvent[]): { records: string[]; left: number } {
    const records: string[] = [];
    for (const e of events) {
      try {
        records.push(httpRecordJson(e, this.#record(e)));
      } catch {
        // Counted by the caller as dropped `malformed`; the rest of the batch still goes.
      }
    }
    return { records, left: events.length - records.length };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#agent.destroy();
  }

  async #post(tag: string, records: readonly string[], signal: AbortSignal): Promise<SendResult> {
    let body: string | Buffer;
    try {
      body = `[${records.join(",")}]`;
      if (this.#gzip) body = await gzip(body);
    } catch (err) {
      return { status: "failure", error: new IwError("IW_SERIALIZE", `${this.#what}: cannot serialize the batch as JSON`, { cause: err }) };
    }
    try {
      const res = await request(`${this.#base}/${encodeURIComponent(tag)}`, {
        method: "POST",
        headers: this.#headers,
        body,
        signal,
        dispatcher: this.#agent,
      });
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      const detail = ok ? undefined : await readResponseDetail(res.body);
      if (ok) await res.body.dump();
      const result = classifyHttpStatus(res.statusCode, res.headers, this.#what, detail, { authRetryMs: this.#authRetryMs });
      // Refused credentials (a proxy in front of in_http) keep the events queued, like a wrong
      // shared key in forward mode; both are reported once.
      if (result.status === "failure" || (result.status === "retryable" && (result.error as IwError).code === "IW_AUTH")) this.#problems.report(result.error);
      return result;
    } catch (err) {
      const result = classifyNetworkError(err, signal, this.#what);
      if (result.status === "retryable" && result.error instanceof IwError && result.error.code === "IW_TLS") {
        this.#problems.report(result.error);
        return { ...result, retryAfterMs: this.#authRetryMs };
      }
      return result;
    }
  }
}
