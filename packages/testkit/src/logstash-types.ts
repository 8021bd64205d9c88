import type { IncomingHttpHeaders } from "node:http";

/** An event as the Logstash pipeline would hold it after the http input (no `@metadata`). */
export type LogstashEvent = Record<string, unknown>;

/** TLS settings of the receiver (`ssl_enabled => true`). */
export interface LogstashReceiverTls {
  /** Server certificate chain, PEM (`ssl_certificate`). */
  readonly cert: string;
  /** Its PKCS#8 private key, PEM (`ssl_key`). */
  readonly key: string;
  /** CAs client certificates must chain to (`ssl_certificate_authorities`). @default none */
  readonly ca?: string | readonly string[];
  /**
   * `ssl_client_authentication`: `none` asks for no client certificate; `optional` asks and
   * verifies one if presented; `required` refuses the handshake without a valid one.
   * @default "none"
   */
  readonly clientAuthentication?: "none" | "optional" | "required";
}

/** Options of `startLogstashReceiver` (the names follow logstash-input-http's settings). */
export interface LogstashReceiverOptions {
  /** Basic auth user (`user`); with `password`, every request must carry it. @default none */
  readonly user?: string;
  /** Basic auth password (`password`). @default none */
  readonly password?: string;
  /** `response_code` of accepted requests; 204 has no body. @default 200 */
  readonly responseCode?: 200 | 201 | 202 | 204;
  /**
   * Codec for content types other than `application/json` (`codec`). `json_lines` decodes
   * NDJSON; `plain` makes one event with `message` = the body. @default "plain"
   */
  readonly codec?: "plain" | "json" | "json_lines";
  /** `max_pending_requests`: requests processed at once before new ones get 429. @default 200 */
  readonly maxPendingRequests?: number;
  /** `max_content_length` in bytes, after decompression: 413 above it. @default 104857600 */
  readonly maxContentLength?: number;
  /**
   * When a request has been processing for longer than this, new requests get 429 at once and
   * their connection is closed (the input's blocked-queue rejection). @default 10000
   */
  readonly blockedThresholdMs?: number;
  /**
   * `ecs_compatibility` v8 (Logstash 8 default): each event gets `host.ip`, `http.*`, `url.*`,
   * `user_agent.original` from the request, overwriting what the shipper sent; setting one of
   * them under a field that is not an object (e.g. a string `host`) fails the request with 500.
   * `false` is `ecs_compatibility => disabled`: `host` (the client IP) and `headers` are set.
   * @default true
   */
  readonly ecs?: boolean;
  /** Serve HTTPS. @default plain HTTP */
  readonly tls?: LogstashReceiverTls;
  /** Address to listen on (`0.0.0.0` for every interface). @default "127.0.0.1" */
  readonly host?: string;
  /** Port to listen on (the real input's default is 8080). @default 0: a free port */
  readonly port?: number;
}

/**
 * A fault the receiver simulates, switchable at any time with `setFault`:
 * - `none`: behave like a healthy Logstash.
 * - `down`: the listener is closed and open connections are destroyed: connection refused.
 *   Switching back listens on the same port again.
 * - `blackhole`: connections are accepted and requests read, but nothing is ever answered (no
 *   TLS handshake either for new connections).
 * - `slow`: wait `delayMs` before processing (a blocked pipeline). The events are recorded even
 *   if the client gave up meanwhile, as Logstash does: a retry then duplicates them.
 * - `status`: answer `status` (with `Retry-After: retryAfter` when given) to the next `count`
 *   requests (every request when `count` is absent), then back to `none`. Nothing is recorded.
 * - `reset`: after reading `afterBytes` bytes of a request body (default: half of it), destroy
 *   the socket with a TCP RST, without answering.
 */
export type LogstashFault =
  | { readonly mode: "none" }
  | { readonly mode: "down" }
  | { readonly mode: "blackhole" }
  | { readonly mode: "slow"; readonly delayMs: number }
  | {
      readonly mode: "status";
      readonly status: number;
      readonly retryAfter?: string | number;
      readonly body?: string;
      readonly count?: number;
    }
  | { readonly mode: "reset"; readonly afterBytes?: number };

/** How the receiver ended one request. */
export type RequestOutcome = "pending" | "answered" | "blackholed" | "reset" | "client_aborted";

/** One request as the receiver saw it. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  /** Request headers (lower-case names). `authorization` is kept: it is a test receiver. */
  readonly headers: IncomingHttpHeaders;
  /** Body bytes as received (before decompression). */
  bytes: number;
  /** Events decoded from it and recorded. */
  eventCount: number;
  /** Status answered, or undefined when none was (yet). */
  status: number | undefined;
  outcome: RequestOutcome;
  /** The fault active when it arrived. */
  readonly fault: LogstashFault["mode"];
  /** `Date.now()` at arrival. */
  readonly receivedAt: number;
}
