import { IwError } from "@iw/core";
import { createHttpTransport, errorCode } from "@iw/core/sink-kit";
import type { HttpTransport, SendResult } from "@iw/core/sink-kit";
import type { Logger } from "@iw/core";
import type { NodeHealth } from "./node-set.js";
import type { NodeTarget } from "./resolve-options.js";

/** One Logstash node: core's HTTP transport to it, and its health. */
export class HttpNode implements NodeHealth {
  readonly label: string;
  inFlight = 0;
  failures = 0;
  downUntil = 0;
  probing = false;
  readonly #transport: HttpTransport;
  readonly #mtlsHint: boolean;
  readonly #envPrefix: string;

  constructor(target: NodeTarget, logger: Logger) {
    this.label = target.label;
    this.#mtlsHint = target.https && target.transport.tls?.cert === undefined;
    this.#envPrefix = target.transport.envPrefix;
    this.#transport = createHttpTransport({ ...target.transport, logger });
  }

  /** Sends one request body and classifies the answer; never throws (core's transport). */
  async send(body: Uint8Array, signal: AbortSignal): Promise<SendResult> {
    const result = await this.#transport.send({ body, signal });
    if (!this.#mtlsHint || result.status !== "retryable") return result;
    return isClosedByPeer(result.error) ? withMtlsHint(result.error, this.#envPrefix) : result;
  }

  /** Closes every connection at once. */
  destroy(): Promise<void> {
    return this.#transport.close();
  }
}

function isClosedByPeer(error: Error): boolean {
  const code = errorCode(error.cause);
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
