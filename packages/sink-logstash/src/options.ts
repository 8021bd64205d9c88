/** Output shape of each event. */
export type LogstashFormat = "iw" | "ecs";
/** Request body encoding. */
export type LogstashCompression = "none" | "gzip";
/** HTTP method of each request. */
export type LogstashMethod = "POST" | "PUT";

/** Default of {@link LogstashSinkOptions.method}. */
export const DEFAULT_METHOD: LogstashMethod = "POST";
/** Default of {@link LogstashSinkOptions.connectTimeoutMs}. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
/** Default of {@link LogstashSinkOptions.keepAliveTimeoutMs}. */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 4000;
/** Default of {@link LogstashSinkOptions.nodeRetryInitialMs}. */
export const DEFAULT_NODE_RETRY_INITIAL_MS = 1000;
/** Default of {@link LogstashSinkOptions.nodeRetryMaxMs}. */
export const DEFAULT_NODE_RETRY_MAX_MS = 30_000;

/**
 * How to reach Logstash. Only `urls` is required; everything else has the default stated on it.
 * Timeouts of a whole attempt, retries and batching belong to the delivery queue
 * (`IW_ELK_TIMEOUT_MS`, `IW_ELK_BATCH_SIZE`, …), not to the sink.
 */
export interface LogstashSinkOptions {
  /**
   * One or more Logstash `http` input URLs (`http://` or `https://`). Several URLs are several
   * Logstash nodes: batches are spread over the healthy ones. Credentials in a URL
   * (`https://user:pass@host:8080`) are used for basic auth on that node and never printed.
   * — `IW_ELK_URL` (comma-separated)
   */
  readonly urls: readonly (string | URL)[];
  /** @default "POST" — `IW_ELK_METHOD` */
  readonly method?: LogstashMethod;
  /** Extra request headers; CR/LF in a value is refused. @default {} — `IW_ELK_HEADERS` */
  readonly headers?: Readonly<Record<string, string>>;
  /** Basic-auth user for every node (wins over URL credentials). @default none — `IW_ELK_USER` */
  readonly user?: string;
  /** Basic-auth password; a secret, never printed. @default none — `IW_ELK_PASSWORD` */
  readonly password?: string;
  /** PEM CA certificate(s) trusted for `https://` nodes, instead of the system roots. @default system roots — `IW_ELK_CA_FILE` */
  readonly ca?: string | Uint8Array;
  /** PEM client certificate for mutual TLS (needs `key`). @default none — `IW_ELK_CERT_FILE` */
  readonly cert?: string | Uint8Array;
  /** PEM private key of `cert`. @default none — `IW_ELK_KEY_FILE` */
  readonly key?: string | Uint8Array;
  /** Verify the server certificate and host name. `false` logs a warning. @default true — `IW_ELK_TLS_VERIFY` */
  readonly tlsVerify?: boolean;
  /** TCP + TLS connect deadline per node. @default 5000 — `IW_ELK_CONNECT_TIMEOUT_MS` */
  readonly connectTimeoutMs?: number;
  /** `gzip` sends `Content-Encoding: gzip` bodies. @default "none" — `IW_ELK_COMPRESSION` */
  readonly compression?: LogstashCompression;
  /** `iw`: InferenceWall's fields exactly; `ecs`: Elastic Common Schema via `toEcs()`. @default "iw" — `IW_ELK_FORMAT` */
  readonly format?: LogstashFormat;
  /** Idle time before a kept-alive connection is closed. @default 4000 — no variable */
  readonly keepAliveTimeoutMs?: number;
  /** First pause of a failed node before it is probed again. @default 1000 — no variable */
  readonly nodeRetryInitialMs?: number;
  /** Longest pause of a failed node (doubling from `nodeRetryInitialMs`). @default 30000 — no variable */
  readonly nodeRetryMaxMs?: number;
  /** Sink name in stats and logs. @default "logstash" — no variable */
  readonly name?: string;
  /** The variable prefix named in diagnostics (`IW_ELK_PROD` for a named instance). @default "IW_ELK" — no variable */
  readonly envPrefix?: string;
}
