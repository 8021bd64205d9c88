import type { Pool } from "undici";
import type * as Undici from "undici";
import { IwError, toLogger } from "../diagnostics/index.js";
import type { Logger } from "../diagnostics/index.js";
import type { SendResult } from "../sink/index.js";
import { classifyNetworkError } from "./network-error.js";
import { readResponseBody, readResponseDetail, releaseBody } from "./response-detail.js";
import type { ResponseBody } from "./response-detail.js";
import { classifyHttpStatus } from "./status.js";
import type { HeaderBag } from "./status.js";
import { DEFAULT_HTTP_CONNECT_TIMEOUT_MS, DEFAULT_HTTP_KEEP_ALIVE_TIMEOUT_MS, resolveTransport } from "./transport-options.js";
import type { HttpTransportOptions, ResolvedTransport } from "./transport-options.js";

const SUCCESS: SendResult = { status: "success" };
/** undici's codes for a request it refuses to send (a header or path it will not write). */
const CLIENT_REFUSALS = new Set(["UND_ERR_INVALID_ARG", "UND_ERR_NOT_SUPPORTED"]);

// Loaded on the first request, not with core: a host with no sink configured loads no HTTP client.
let undici: Promise<typeof Undici> | undefined;

/**
 * One request of {@link HttpTransport.send}.
 *
 * @experimental The shared HTTP transport is new: its options may still change in a minor release.
 */
export interface HttpRequest {
  /** Path and query. @default the URL's path and query */
  readonly path?: string;
  readonly body: string | Uint8Array;
  /** Headers of this request only (a signature, an id); they win over every other header. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The attempt deadline (`SendContext.signal`): aborting it cancels the request. */
  readonly signal: AbortSignal;
}

/**
 * The wire side of an HTTP sink: one keep-alive pool to one origin.
 *
 * @experimental The shared HTTP transport is new: its options may still change in a minor release.
 */
export interface HttpTransport {
  /** The destination as printed in messages: no credentials. */
  readonly what: string;
  /** The destination URL without credentials. */
  readonly url: URL;
  /**
   * Sends one body and classifies the answer; never throws. 2xx is success as soon as the status
   * line is in (the body is drained in the background); other statuses go through
   * `classifyHttpStatus` with a bounded, printable excerpt of the body; redirects are not
   * followed; network and TLS errors are retryable (`classifyNetworkError`); a request the HTTP
   * client refuses to send (a header or path it will not write) is a permanent `rejected`
   * failure, since every retry would be refused the same way.
   */
  send(request: HttpRequest): Promise<SendResult>;
  /** Idempotent: destroys the connections; later sends fail with reason `closed`. */
  close(): Promise<void>;
}

class PoolTransport implements HttpTransport {
  readonly what: string;
  readonly url: URL;
  readonly #r: ResolvedTransport;
  readonly #o: HttpTransportOptions;
  readonly #poolOptions: Pool.Options;
  #pool: Promise<Pool> | undefined;
  readonly #logger: Logger;
  readonly #fields: Record<string, unknown>;
  #reported: string | undefined;
  #closing: Promise<void> | undefined;

  constructor(o: HttpTransportOptions) {
    this.#r = resolveTransport(o);
    this.#o = o;
    this.what = o.what;
    this.url = this.#r.url;
    this.#logger = toLogger(o.logger);
    this.#fields = o.name === undefined ? {} : { sink: o.name };
    const keepAlive = o.keepAliveTimeoutMs ?? DEFAULT_HTTP_KEEP_ALIVE_TIMEOUT_MS;
    const tls = o.tls ?? {};
    const verify = tls.verify ?? true;
    this.#poolOptions = {
      connect: this.#r.https
        ? {
            timeout: o.connectTimeoutMs ?? DEFAULT_HTTP_CONNECT_TIMEOUT_MS,
            rejectUnauthorized: verify,
            ...(tls.ca === undefined ? {} : { ca: tls.ca }),
            ...(tls.cert === undefined ? {} : { cert: tls.cert, key: tls.key }),
          }
        : { timeout: o.connectTimeoutMs ?? DEFAULT_HTTP_CONNECT_TIMEOUT_MS },
      keepAliveTimeout: keepAlive,
      keepAliveMaxTimeout: Math.max(keepAlive, 60_000),
      pipelining: 1,
    };
    const p = o.envPrefix;
    if (this.#r.https && !verify) {
      this.#logger.warn(
        `${p}_TLS_VERIFY=false: TLS certificate verification is OFF for ${this.what}; anyone on the path can read and alter the events`,
        this.#fields,
      );
    }
    if (!this.#r.https && this.#r.auth === "basic") {
      this.#logger.warn(`Basic auth is sent over plain http to ${this.what}; use https:// to keep the password private`, this.#fields);
    } else if (!this.#r.https && this.#r.auth === "header") {
      this.#logger.warn(
        `An Authorization header (${p}_HEADERS) is sent over plain http to ${this.what}; use https:// to keep it private`,
        this.#fields,
      );
    }
  }

  async send(request: HttpRequest): Promise<SendResult> {
    if (this.#closing !== undefined) return this.#closed();
    const { signal } = request;
    let result: SendResult;
    try {
      this.#pool ??= (undici ??= import("undici")).then(({ Pool }) => new Pool(this.#r.url.origin, this.#poolOptions));
      const pool = await this.#pool;
      const res = await pool.request({
        method: this.#o.method ?? "POST",
        path: request.path ?? this.#r.path,
        headers: request.headers === undefined ? this.#r.headers : { ...this.#r.headers, ...request.headers },
        body: request.body,
        signal,
      });
      if (res.statusCode >= 200 && res.statusCode < 300) {
        // The status line is the receipt: a body that is slow or never ends must not turn a
        // delivered batch into a timeout and a resend.
        result = this.#o.successBody === undefined ? (releaseBody(res.body), SUCCESS) : await this.#successBody(res.body, res.headers);
      } else {
        const detail = await readResponseDetail(res.body);
        result = classifyHttpStatus(res.statusCode, res.headers, this.what, detail, this.#o.authHint);
      }
    } catch (err) {
      if (this.#closing !== undefined) return this.#closed();
      result = this.#classifyError(err, signal);
    }
    this.#report(result);
    return result;
  }

  async #successBody(body: ResponseBody, headers: HeaderBag): Promise<SendResult> {
    const reader = this.#o.successBody!;
    const bytes = await readResponseBody(body, reader.maxBytes);
    if (bytes === undefined) return SUCCESS;
    try {
      return reader.parse(bytes, headers);
    } catch {
      return SUCCESS;
    }
  }

  close(): Promise<void> {
    this.#closing ??= (this.#pool?.then((pool) => pool.destroy()) ?? Promise.resolve()).catch(() => undefined);
    return this.#closing;
  }

  #classifyError(err: unknown, signal: AbortSignal): SendResult {
    const code = (err as { code?: unknown } | null)?.code;
    if (!signal.aborted && typeof code === "string" && CLIENT_REFUSALS.has(code)) {
      const why = err instanceof Error ? err.message : code;
      const p = this.#o.envPrefix;
      return {
        status: "failure",
        reason: "rejected",
        error: new IwError(
          "IW_CONFIG_INVALID",
          `${this.what}: the HTTP client refused to send the request (${why}); every retry would be refused the same way, so the batch is dropped; check ${p}_HEADERS and ${p}_URL`,
          { cause: err },
        ),
      };
    }
    return classifyNetworkError(err, signal, this.what);
  }

  /** A problem an operator must fix is logged once, and again only after a success. */
  #report(result: SendResult): void {
    if (this.#o.logProblems === false) return;
    if (result.status === "success") {
      if (this.#reported !== undefined) this.#logger.info(`${this.what}: delivery recovered`, this.#fields);
      this.#reported = undefined;
      return;
    }
    const problem = result.status === "failure" || (result.status === "retryable" && (result.reason === "auth" || result.reason === "tls"));
    if (!problem || this.#reported === result.error.message) return;
    this.#reported = result.error.message;
    this.#logger.error(result.error.message, { ...this.#fields, code: (result.error as IwError).code });
  }

  #closed(): SendResult {
    return { status: "failure", reason: "closed", error: new IwError("IW_CLOSED", `${this.what}: the sink is closed`) };
  }
}

/**
 * The one HTTP transport of every HTTP sink: a keep-alive connection pool to the URL's origin,
 * TLS (CA, client certificate, verification), credentials from the URL or `user`/`password`,
 * configured headers checked against one reserved list, and the classification every HTTP sink
 * shares. A sink serializes its batch and hands the bytes to {@link HttpTransport.send}.
 *
 * Start-time checks throw {@link IwConfigError} naming `<envPrefix>_*`; TLS verification off
 * and credentials over plain `http://` are warned about once. No message ever holds the URL's
 * credentials or an Authorization value.
 *
 * @experimental The shared HTTP transport is new: its options may still change in a minor release.
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  return new PoolTransport(options);
}
