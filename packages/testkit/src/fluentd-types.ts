/**
 * Which collector the receiver imitates where Fluentd 1.15 and Fluent Bit differ:
 * - `fluentd`: HELO nonce/auth as msgpack bin with `keepalive: true`; a wrong shared key gets
 *   `PONG false` with a reason; malformed JSON over HTTP is answered 200 and dropped.
 * - `fluent-bit`: HELO nonce/auth as msgpack str holding non-UTF-8 bytes, no `keepalive`; a
 *   wrong shared key just closes the connection; malformed JSON over HTTP is 400; HTTP success is 201.
 */
export type FluentdFlavour = "fluentd" | "fluent-bit";

/** `<security>` of in_forward. */
export interface FluentdSecurity {
  readonly sharedKey: string;
  /** `<user>` sections; when non-empty, username/password are checked. @default none */
  readonly users?: readonly { readonly username: string; readonly password: string }[];
  /** `self_hostname` in PONG. @default "iw-test-fluentd" */
  readonly selfHostname?: string;
}

/**
 * A failure mode. `times` (default: until cleared) limits it to the next N forward messages
 * (or HTTP requests), after which the receiver behaves normally again.
 * - `blackhole`: reads everything, answers nothing (no HELO, no ack, no HTTP response).
 * - `no_ack`: stores the events but never sends the ack.
 * - `reset_after_ack`: stores the events, sends the ack, then resets the connection (RST).
 * - `reset_before_ack`: reads the message, stores nothing, resets the connection.
 * - `http_status`: in_http answers `status` (with `Retry-After` when given), storing nothing;
 *   with `tag`, only requests for that tag (as when one route's output buffer is full).
 */
export type FluentdFault =
  | { readonly kind: "blackhole"; readonly times?: number }
  | { readonly kind: "no_ack"; readonly times?: number }
  | { readonly kind: "reset_after_ack"; readonly times?: number }
  | { readonly kind: "reset_before_ack"; readonly times?: number }
  | { readonly kind: "http_status"; readonly status: number; readonly retryAfter?: string; readonly tag?: string; readonly times?: number };

/** Options of `startFluentdReceiver`. */
export interface FluentdReceiverOptions {
  /** How in_forward listens. @default "tcp" */
  readonly transport?: "tcp" | "tls" | "unix";
  /** Server key pair (PEM) for `tls`; `ca` + `requestCert` demand a client certificate. */
  readonly tls?: {
    readonly key: string | Buffer;
    readonly cert: string | Buffer;
    readonly ca?: string | Buffer;
    readonly requestCert?: boolean;
  };
  /** Socket path for `unix`. @default a fresh path in the temp directory */
  readonly socketPath?: string;
  /** Enables the handshake. @default none */
  readonly security?: FluentdSecurity;
  /** @default "fluentd" */
  readonly flavour?: FluentdFlavour;
  /** Also serve in_http on another port. @default false */
  readonly http?: boolean;
  /** in_http body limit. @default 32 MiB */
  readonly maxHttpBodyBytes?: number;
  /** Address in_forward (tcp, tls) and in_http listen on. @default "127.0.0.1" */
  readonly host?: string;
  /** in_forward's port (the real default is 24224). @default 0: a free port */
  readonly port?: number;
  /** in_http's port (the real default is 9880). @default 0: a free port */
  readonly httpPort?: number;
}

/** Fluentd's EventTime as received. */
export interface ReceivedEventTime {
  readonly seconds: number;
  readonly nanoseconds: number;
}

/** The carrier mode a record arrived in. */
export type FluentdMode = "message" | "forward" | "packed_forward" | "compressed_packed_forward" | "http";

/** One record as the receiver stored it (duplicates from retries included). */
export interface ReceivedFluentdRecord {
  readonly tag: string;
  /** EventTime, or integer/float seconds (in_http `time`, Message/Forward integer times). */
  readonly time: ReceivedEventTime | number | undefined;
  readonly record: Record<string, unknown>;
  readonly mode: FluentdMode;
  /** The `chunk` option of the forward message, if any. */
  readonly chunk: string | undefined;
}

/** One forward-protocol message (event carrier) as received. */
export interface ReceivedForwardMessage {
  readonly tag: string;
  readonly mode: Exclude<FluentdMode, "http">;
  readonly option: Readonly<Record<string, unknown>>;
  /** Entries in the message. */
  readonly entries: number;
  /** The raw bytes of the PackedForward entries stream (before gunzip), when packed. */
  readonly packed: Uint8Array | undefined;
  /** What the receiver did: stored and acked, stored without ack, or dropped. */
  outcome: "acked" | "stored" | "dropped";
}

/** One handshake as the receiver judged it. */
export interface ReceivedHandshake {
  readonly hostname: string;
  readonly username: string;
  readonly ok: boolean;
  readonly reason: string;
}

/** One in_http request. */
export interface ReceivedHttpRequest {
  readonly path: string;
  readonly tag: string;
  readonly contentType: string;
  readonly contentEncoding: string;
  status: number;
  records: number;
}
