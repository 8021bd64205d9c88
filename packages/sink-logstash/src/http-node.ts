import { Pool } from "undici";
import { IwError, classifyHttpStatus, classifyNetworkError, errorCode, readResponseDetail, releaseBody } from "@iw/core";
import type { SendResult } from "@iw/core";
import type { NodeHealth } from "./node-set.js";
import type { NodeTarget, ResolvedOptions } from "./resolve-options.js";

const SUCCESS: SendResult = { status: "success" };

/** One Logstash node: its keep-alive connection pool and its health. */
export class HttpNode implements NodeHealth {
  readonly label: string;
  inFlight = 0;
  failures = 0;
  downUntil = 0;
  probing = false;
  readonly #target: NodeTarget;
  readonly #pool: Pool;
  readonly #method: ResolvedOptions["method"];
  readonly #mtlsHint: boolean;
  readonly #envPrefix: string;

  constructor(target: NodeTarget, options: ResolvedOptions) {
    this.label = target.label;
    this.#target = target;
    this.#method = options.method;
    this.#mtlsHint = target.https && options.cert === undefined;
    this.#envPrefix = options.envPrefix;
    const connect = target.https
      ? {
          timeout: options.connectTimeoutMs,
          rejectUnauthorized: options.tlsVerify,
          ...(options.ca === undefined ? {} : { ca: options.ca }),
          ...(options.cert === undefined ? {} : { cert: options.cert }),
          ...(options.key === undefined ? {} : { key: options.key }),
        }
      : { timeout: options.connectTimeoutMs };
    this.#pool = new Pool(target.origin, {
      connect,
      // Sockets are reused across batches; idle ones close before a typical server-side idle
      // timeout would race a new request on them.
      keepAliveTimeout: options.keepAliveTimeoutMs,
      keepAliveMaxTimeout: Math.max(options.keepAliveTimeoutMs, 60_000),
      pipelining: 1,
    });
  }

  /**
   * Sends one request body and classifies the answer. Never throws: network problems, TLS
   * problems and aborts by `signal` come back as results.
   */
  async send(body: Buffer, signal: AbortSignal): Promise<SendResult> {
    const what = `Logstash ${this.label}`;
    try {
      const res = await this.#pool.request({
        method: this.#method,
        path: this.#target.path,
        headers: this.#target.headers,
        body,
        signal,
      });
      if (res.statusCode >= 200 && res.statusCode < 300) {
        // The status line is the receipt: Logstash has the events. Waiting for the body too would
        // let a response that never ends time the attempt out and send the batch again.
        releaseBody(res.body);
        return SUCCESS;
      }
      const detail = await readResponseDetail(res.body);
      return classifyHttpStatus(res.statusCode, res.headers, what, detail);
    } catch (err) {
      const result = classifyNetworkError(err, signal, what);
      return this.#mtlsHint && result.status === "retryable" && isClosedByPeer(err, result.error) ? withMtlsHint(result.error, this.#envPrefix) : result;
    }
  }

  /** Closes every connection at once. */
  async destroy(): Promise<void> {
    await this.#pool.destroy();
  }
}

function isClosedByPeer(err: unknown, error: Error): boolean {
  const code = errorCode(err);
  return (error as IwError).code === "IW_NETWORK" && (code === "UND_ERR_SOCKET" || code === "ECONNRESET");
}

/**
 * With TLS 1.3 a server that requires a client certificate completes the handshake and then
 * closes the connection, so the client sees only "other side closed": say what it may mean.
 */
function withMtlsHint(error: Error, p: string): SendResult {
  const hint = `; if Logstash requires client certificates (ssl_client_authentication), set ${p}_CERT_FILE and ${p}_KEY_FILE`;
  return { status: "retryable", reason: "network", error: new IwError("IW_NETWORK", `${error.message}${hint}`, { cause: error }) };
}

