import type { HttpTransportOptions } from "@iw/core/sink-kit";
import { OTLP_MANAGED_HEADERS, otlpOptions } from "./options.js";
import type { OtlpResolvedOptions, OtlpSinkOptions } from "./options.js";

/** Options checked, defaults applied, and what the sink derives from them. */
export type ResolvedOtlpOptions = OtlpResolvedOptions & {
  /** Printable: origin and path, never credentials or the query. */
  readonly label: string;
  /** What core's HTTP transport needs, except the logger and the success-body reader. */
  readonly transport: HttpTransportOptions;
};

/** PEM text or bytes, as Node's TLS options take them (a Buffer view of bytes, no copy). */
function pem(v: string | Uint8Array | undefined): string | Buffer | undefined {
  return v === undefined || typeof v === "string" || Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * Checks options and applies every default (`otlpOptions.resolve`, the checks the variables
 * run); throws `IwConfigError` naming the variable, never printing a secret. `url` has `/v1/logs`
 * when it had no path, credentials still in it (the transport takes them out).
 */
export function resolveOptions(options: OtlpSinkOptions): ResolvedOtlpOptions {
  const o = otlpOptions.resolve(options);
  const label = `${o.url.origin}${o.url.pathname}`;
  const contentType = o.protocol === "http/json" ? "application/json" : "application/x-protobuf";
  const p = o.envPrefix;
  const transport: HttpTransportOptions = {
    url: o.url,
    method: "POST",
    headers: o.headers,
    sinkHeaders: o.compression === "gzip" ? { "content-type": contentType, "content-encoding": "gzip" } : { "content-type": contentType },
    sinkHeaderNames: OTLP_MANAGED_HEADERS,
    tls: { ca: pem(o.ca), cert: pem(o.cert), key: pem(o.key), verify: o.tlsVerify },
    connectTimeoutMs: o.connectTimeoutMs,
    what: `OTLP ${label}`,
    envPrefix: p,
    name: o.name,
    authHint: `check the API key or token in ${p}_HEADERS (or OTEL_EXPORTER_OTLP_HEADERS) and the credentials in ${p}_URL`,
  };
  return { ...o, label, transport };
}
