import type { FluentdTlsOptions } from "./target.js";

/**
 * Options of the Fluentd sink. `plugin` builds them from `IW_FLUENTD_*`; code may pass them to
 * `createFluentdSink` directly.
 */
export interface FluentdSinkOptions {
  /**
   * `tcp://host:24224` or `tls://host:24224` (forward protocol), `unix:///path/to.sock`, or
   * `http(s)://host:9880` (in_http). — `IW_FLUENTD_URL`
   */
  readonly url: URL;
  /** Base tag; `.scan`, `.audit` (the event's `log_type`) are appended. @default "inferwall" — `IW_FLUENTD_TAG` */
  readonly tag?: string;
  /**
   * Forward mode: send `chunk` and count a batch delivered only once acked. @default true, but
   * false for `unix://` (Fluentd's in_unix never acks) — `IW_FLUENTD_ACK`
   */
  readonly ack?: boolean;
  /** `gzip`: CompressedPackedForward, or a gzip request body in in_http mode. @default "none" — `IW_FLUENTD_COMPRESSION` */
  readonly compression?: "none" | "gzip";
  /** `iw`: InferenceWall's fields as they are; `ecs`: Elastic Common Schema via core's `toEcs()`. @default "iw" — `IW_FLUENTD_FORMAT` */
  readonly format?: "iw" | "ecs";
  /** Enables the `<security>` handshake. @default unset — `IW_FLUENTD_SHARED_KEY` */
  readonly sharedKey?: string | undefined;
  /** User of `<security><user>`. @default unset — `IW_FLUENTD_USERNAME` */
  readonly username?: string | undefined;
  /** Password of that user. @default unset — `IW_FLUENTD_PASSWORD` */
  readonly password?: string | undefined;
  /** Our hostname in the handshake. @default os.hostname() — `IW_FLUENTD_HOSTNAME` */
  readonly hostname?: string;
  /** TLS for `tls://` and `https://`. @default verification on, Node's CA roots */
  readonly tls?: Partial<FluentdTlsOptions>;
  /** Extra request headers in in_http mode. @default none — `IW_FLUENTD_HEADERS` */
  readonly headers?: Readonly<Record<string, string>>;
  /** TCP keep-alive probe delay of forward connections. @default 30_000 */
  readonly keepAliveMs?: number;
  /**
   * Forward mode: a pooled connection idle this long is closed (0: never), so no peer holds one
   * open forever; the next batch opens a fresh one. Code only, no variable. @default 30_000
   */
  readonly idleTimeoutMs?: number;
  /** Sink name in stats and logs. @default "fluentd" */
  readonly name?: string;
  /** The variable prefix named in diagnostics (`IW_FLUENTD_EU` for a named instance). @default "IW_FLUENTD" */
  readonly envPrefix?: string;
}

/** Defaults of the options above. */
export const DEFAULT_TAG = "inferwall";
export const DEFAULT_KEEPALIVE_MS = 30_000;
/** As Fluent Bit's `net.keepalive_idle_timeout`: longer than the 1 s flush, so busy pools stay warm. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
export const DEFAULT_SINK_NAME = "fluentd";
export const DEFAULT_ENV_PREFIX = "IW_FLUENTD";

/**
 * Batches in flight at once, each on its own connection: 4 rather than core's 2. With acks a
 * batch holds its connection for a round trip plus Fluentd's buffer write, so more slots hide
 * ack latency (measured in BENCHMARKS.md, "Fluentd", with BENCH_ACK_DELAY_MS) while bounding
 * what is in flight to 4 connections. Without acks a send ends once written, so the extra slots
 * are rarely used.
 * `IW_FLUENTD_CONCURRENCY` overrides it.
 */
export const DEFAULT_CONCURRENCY = 4;

/**
 * Events per batch (core's default is 500). Each batch costs a message per tag and, with acks,
 * a round trip and a buffer write in Fluentd: 1,000 amortize that better (BENCHMARKS.md,
 * "Fluentd"). A batch stays far below Fluentd's 8 MB chunks, and core's `maxBatchBytes` still
 * closes a batch of large events early.
 * `IW_FLUENTD_BATCH_SIZE` overrides it.
 */
export const DEFAULT_BATCH_SIZE = 1000;

/** Why gzip is refused over `unix://`, after `<PREFIX>_COMPRESSION=gzip`. */
export const UNIX_GZIP =
  "is refused for unix://: Fluentd's in_unix reads PackedForward entries without decompressing them, so every event would be lost without an error, and a local socket gains nothing from compression; remove it";

/** Why a forward URL with `?…` or `#…` is refused: the forward protocol has no use for either, and silently dropping them hides a typo (a `#` in a socket path must be percent-encoded). */
export const FORWARD_QUERY =
  "has a query or fragment (?… or #…), which tcp://, tls:// and unix:// have no use for; remove it (percent-encode a ? or # in a socket path)";

/** Why an in_http URL with a fragment is refused: it is never sent, so in_http would get `POST /` and lose the tag. */
export const HTTP_FRAGMENT =
  "has a fragment (#…), which is never sent: in_http would get POST / and lose the tag; remove it (a query is kept, after the tag)";
