/** How log records are encoded: OTLP's binary protobuf, or its JSON mapping. */
export type OtlpProtocol = "http/protobuf" | "http/json";
/** Request body encoding. */
export type OtlpCompression = "none" | "gzip";

/** Every {@link OtlpProtocol}, in the order the README lists them. */
export const OTLP_PROTOCOLS = ["http/protobuf", "http/json"] as const;
/** Every {@link OtlpCompression}. */
export const OTLP_COMPRESSIONS = ["none", "gzip"] as const;

/** Default of {@link OtlpSinkOptions.protocol}: what the OTLP specification makes the default. */
export const DEFAULT_PROTOCOL: OtlpProtocol = "http/protobuf";
/**
 * Default of {@link OtlpSinkOptions.compression}: `none`, as `OTEL_EXPORTER_OTLP_COMPRESSION`'s
 * own default. The usual collector is a local agent or sidecar, where gzip costs the host CPU
 * and saves nothing; across a slow or metered link set `gzip` (about 15× smaller bodies).
 */
export const DEFAULT_COMPRESSION: OtlpCompression = "none";
/** Default of {@link OtlpSinkOptions.connectTimeoutMs}. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** `service.name` when nothing names the service: the OpenTelemetry resource convention. */
export const DEFAULT_SERVICE_NAME = "unknown_service:node";
/** The OTLP/HTTP path of logs, appended to a URL that has no path. */
export const LOGS_PATH = "/v1/logs";
/** The OTLP attempt deadline (`OTEL_EXPORTER_OTLP_TIMEOUT`'s default), also this sink's. */
export const DEFAULT_OTLP_TIMEOUT_MS = 10_000;
/**
 * Batches in flight at once (core's default is 2). A collector decodes requests side by side;
 * with 4, a burst drained about 1.3× faster to the loopback receiver (BENCHMARKS.md), for at most
 * four batches (~1 MB) in flight, all within the sink's byte budget. — `IW_OTLP_CONCURRENCY`
 */
export const DEFAULT_CONCURRENCY = 4;

/**
 * How to reach the OTLP endpoint and what to say about the service. Only `url` is required.
 * Batching, retries and the attempt deadline belong to the delivery queue (`IW_OTLP_BATCH_SIZE`,
 * `IW_OTLP_TIMEOUT_MS`, …), not to the sink.
 */
export interface OtlpSinkOptions {
  /**
   * The OTLP/HTTP endpoint, `http://` or `https://`. Without a path (`http://collector:4318`)
   * the logs path `/v1/logs` is appended, as `OTEL_EXPORTER_OTLP_ENDPOINT` does; a URL with a
   * path is used as it is, as `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` is. Credentials in it become a
   * Basic `authorization` header and are never printed. — `IW_OTLP_URL`
   */
  readonly url: string | URL;
  /** @default "http/protobuf" — `IW_OTLP_PROTOCOL` */
  readonly protocol?: OtlpProtocol;
  /** Extra request headers (an API key); CR/LF in a value is refused. @default {} — `IW_OTLP_HEADERS` */
  readonly headers?: Readonly<Record<string, string>>;
  /** `gzip` sends `Content-Encoding: gzip` bodies. @default "none" — `IW_OTLP_COMPRESSION` */
  readonly compression?: OtlpCompression;
  /** PEM CA certificate(s) trusted for an `https://` endpoint instead of the system roots. @default system roots — `IW_OTLP_CA_FILE` */
  readonly ca?: string | Uint8Array;
  /** PEM client certificate for mutual TLS (needs `key`). @default none — `IW_OTLP_CERT_FILE` */
  readonly cert?: string | Uint8Array;
  /** PEM private key of `cert`. @default none — `IW_OTLP_KEY_FILE` */
  readonly key?: string | Uint8Array;
  /** Verify the server certificate and host name. `false` logs a warning. @default true — `IW_OTLP_TLS_VERIFY` */
  readonly tlsVerify?: boolean;
  /** TCP + TLS connect deadline. @default 10000 — `IW_OTLP_CONNECT_TIMEOUT_MS` */
  readonly connectTimeoutMs?: number;
  /**
   * `service.name` of every record, over the event's own `service` field. @default the event's
   * `service`, else `defaultServiceName` — `IW_OTLP_SERVICE_NAME`
   */
  readonly serviceName?: string;
  /**
   * `service.name` of events that carry no `service`. @default "unknown_service:node" —
   * `IW_SERVICE_NAME`, else `OTEL_SERVICE_NAME`, else `service.name` in `OTEL_RESOURCE_ATTRIBUTES`
   */
  readonly defaultServiceName?: string;
  /**
   * More resource attributes (`deployment.environment.name`, …). A `host.name` here wins over
   * the event's `host`; `service.name` is set by the two options above, `telemetry.sdk.*` by
   * the sink. @default {} — `IW_OTLP_RESOURCE_ATTRIBUTES`
   */
  readonly resourceAttributes?: Readonly<Record<string, string>>;
  /** Sink name in stats and logs. @default "otlp" — no variable */
  readonly name?: string;
  /** The variable prefix named in diagnostics (`IW_OTLP_PROD` for a named instance). @default "IW_OTLP" — no variable */
  readonly envPrefix?: string;
}
