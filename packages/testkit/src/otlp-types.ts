import type { IncomingHttpHeaders } from "node:http";
import type { AnyValueType, OtlpEncoding } from "./otlp-proto.js";

/** One log record as the receiver decoded it, flattened with its resource and scope. */
export interface ReceivedLogRecord {
  /** Resource attributes (`service.name`, `host.name`, …) as plain values. */
  readonly resource: Readonly<Record<string, unknown>>;
  readonly scope: { readonly name: string; readonly version: string };
  /** fixed64, as decimal text. */
  readonly timeUnixNano: string;
  readonly observedTimeUnixNano: string;
  readonly severityNumber: number;
  readonly severityText: string;
  /** The body's AnyValue as plain JavaScript. */
  readonly body: unknown;
  readonly eventName: string;
  /** Attributes as plain values: kvlist → object, array → array, int64 → number (text past 2^53). */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Which AnyValue field each attribute travelled in (`int` and `double` told apart). */
  readonly attributeTypes: Readonly<Record<string, AnyValueType>>;
  /** Hex; empty when absent. */
  readonly traceId: string;
  readonly spanId: string;
  /** The `log.record.uid` attribute, where @iw sinks put `event_id` (what the contract suite reads). */
  readonly event_id?: string;
  /** How the request that carried it was encoded. */
  readonly encoding: OtlpEncoding;
}

/** Options of `startOtlpReceiver` (an OpenTelemetry Collector's `otlp` receiver, `http` protocol). */
export interface OtlpReceiverOptions {
  /** The logs path; other paths get 404, as the Collector's mux answers. @default "/v1/logs" */
  readonly path?: string;
  /**
   * Request bodies larger than this (before or after decompression) get 413, as the OTLP
   * specification asks (the Collector itself answers 400 for `max_request_body_size`).
   * @default 20 MiB (the Collector's `max_request_body_size`)
   */
  readonly maxBodyBytes?: number;
  /** Headers every request must carry with these exact values (an API key); else 401 with a Status body. @default none */
  readonly requiredHeaders?: Readonly<Record<string, string>>;
  /** Serve HTTPS with this PEM pair; `requestCert` with `ca` demands a client certificate. @default plain HTTP */
  readonly tls?: {
    readonly key: string | Buffer;
    readonly cert: string | Buffer;
    readonly ca?: string | Buffer;
    readonly requestCert?: boolean;
  };
  /**
   * `false` keeps only the `log.record.uid` of each record (and counts), decoding nothing else
   * into JavaScript: for benchmarks, where decoding is the receiver's whole cost. @default true
   */
  readonly keepRecords?: boolean;
}

/**
 * A failure mode, switchable at any time with `setFault`. `count` (default: until changed)
 * limits it to the next N requests.
 * - `none`: a healthy Collector.
 * - `down`: the listener is closed and connections destroyed (ECONNREFUSED); any other mode
 *   listens on the same port again.
 * - `blackhole`: reads requests, never answers.
 * - `slow`: answers normally after `delayMs` (records kept even if the client gave up).
 * - `status`: answers `status` with a google.rpc.Status body (`message`) in the request's
 *   encoding, and `Retry-After: retryAfter` when given. Nothing is recorded.
 * - `partial`: answers 200 with `partial_success { rejected_log_records, error_message }` and
 *   keeps all but the last `rejected` records of the request (`rejected: 0` with a message is
 *   the specification's warning).
 * - `reset`: after `afterBytes` body bytes (default: the first chunk), resets the connection.
 */
export type OtlpFault =
  | { readonly mode: "none" }
  | { readonly mode: "down" }
  | { readonly mode: "blackhole"; readonly count?: number }
  | { readonly mode: "slow"; readonly delayMs: number; readonly count?: number }
  | {
      readonly mode: "status";
      readonly status: number;
      readonly message?: string;
      readonly retryAfter?: string | number;
      readonly count?: number;
    }
  | { readonly mode: "partial"; readonly rejected: number; readonly message?: string; readonly count?: number }
  | { readonly mode: "reset"; readonly afterBytes?: number; readonly count?: number };

/** One request as the receiver saw it. */
export interface ReceivedOtlpRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** Body bytes as received (before decompression). */
  bytes: number;
  /** Log records decoded from it (also when a fault then refused them). */
  records: number;
  /** The status answered; 0 when none was (blackhole, reset, client gone). */
  status: number;
  /** The error message of a refusal (the Status body's message). */
  reason?: string;
  readonly fault: OtlpFault["mode"];
  readonly receivedAt: number;
}
