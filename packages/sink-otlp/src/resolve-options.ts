import { IwConfigError } from "@iw/core";
import { checkHttpTransportOptions, stripCredentials } from "@iw/core/sink-kit";
import type { HttpTransportOptions } from "@iw/core/sink-kit";
import {
  DEFAULT_COMPRESSION,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_PROTOCOL,
  DEFAULT_SERVICE_NAME,
  LOGS_PATH,
  OTLP_COMPRESSIONS,
  OTLP_PROTOCOLS,
} from "./options.js";
import type { OtlpCompression, OtlpProtocol, OtlpSinkOptions } from "./options.js";

/** Headers the sink sets itself; `IW_OTLP_HEADERS` may not replace them (nor core's reserved ones). */
export const OTLP_MANAGED_HEADERS: readonly string[] = ["content-type", "content-encoding"];

/** Options with every default applied and checked. */
export interface ResolvedOtlpOptions {
  readonly name: string;
  readonly envPrefix: string;
  /** The endpoint, `/v1/logs` appended when it had no path; credentials still in it (the transport takes them out). */
  readonly url: URL;
  /** Printable: origin and path, never credentials or the query. */
  readonly label: string;
  readonly protocol: OtlpProtocol;
  readonly compression: OtlpCompression;
  readonly serviceName: string | undefined;
  readonly defaultServiceName: string;
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /** What core's HTTP transport needs, except the logger and the success-body reader. */
  readonly transport: HttpTransportOptions;
}

/** PEM text or bytes, as Node's TLS options take them (a Buffer view of bytes, no copy). */
function pem(v: string | Uint8Array | undefined): string | Buffer | undefined {
  return v === undefined || typeof v === "string" || Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function fail(variable: string, message: string): never {
  throw new IwConfigError(`${variable} ${message}`, { variable });
}

/** `IW_OTLP_URL` as the request URL: a bare origin gets the logs path, as `OTEL_EXPORTER_OTLP_ENDPOINT` does. */
export function endpointUrl(input: string | URL, variable: string): URL {
  let url: URL;
  try {
    url = new URL(String(input).trim());
  } catch {
    return fail(
      variable,
      `has "${stripCredentials(String(input))}", which is not an absolute URL; expected http(s)://host:4318 or the full …/v1/logs URL`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    fail(variable, `has scheme ${url.protocol}; expected http:// or https:// (OTLP over gRPC is not supported)`);
  if (url.hash !== "") fail(variable, "has a #fragment, which is never sent; remove it");
  if (url.pathname === "" || url.pathname === "/") url.pathname = LOGS_PATH;
  return url;
}

/**
 * Validates options and applies every default. Throws `IwConfigError` naming the variable;
 * values that may be secrets are never part of the message.
 */
export function resolveOtlpOptions(options: OtlpSinkOptions): ResolvedOtlpOptions {
  const p = options.envPrefix ?? "IW_OTLP";
  const name = options.name ?? "otlp";
  const url = endpointUrl(options.url, `${p}_URL`);
  const protocol = options.protocol ?? DEFAULT_PROTOCOL;
  if (!OTLP_PROTOCOLS.includes(protocol)) fail(`${p}_PROTOCOL`, `is ${String(protocol)}; expected one of ${OTLP_PROTOCOLS.join(", ")}`);
  const compression = options.compression ?? DEFAULT_COMPRESSION;
  if (!OTLP_COMPRESSIONS.includes(compression))
    fail(`${p}_COMPRESSION`, `is ${String(compression)}; expected one of ${OTLP_COMPRESSIONS.join(", ")}`);
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  if (!Number.isFinite(connectTimeoutMs) || connectTimeoutMs <= 0)
    fail(`${p}_CONNECT_TIMEOUT_MS`, `is ${String(connectTimeoutMs)}; expected a positive number of milliseconds`);
  const label = `${url.origin}${url.pathname}`;
  const contentType = protocol === "http/json" ? "application/json" : "application/x-protobuf";
  const transport: HttpTransportOptions = {
    url,
    method: "POST",
    headers: options.headers,
    sinkHeaders: compression === "gzip" ? { "content-type": contentType, "content-encoding": "gzip" } : { "content-type": contentType },
    sinkHeaderNames: OTLP_MANAGED_HEADERS,
    tls: { ca: pem(options.ca), cert: pem(options.cert), key: pem(options.key), verify: options.tlsVerify ?? true },
    connectTimeoutMs,
    what: `OTLP ${label}`,
    envPrefix: p,
    name,
    authHint: `check the API key or token in ${p}_HEADERS (or OTEL_EXPORTER_OTLP_HEADERS) and the credentials in ${p}_URL`,
  };
  // Headers, credentials, client certificate pairs: refused here, so the options schema refuses them.
  checkHttpTransportOptions(transport);
  for (const [key, value] of Object.entries(options.resourceAttributes ?? {})) {
    if (key === "" || typeof value !== "string") fail(`${p}_RESOURCE_ATTRIBUTES`, `has an entry "${key}" without a string value`);
  }
  return {
    name,
    envPrefix: p,
    url,
    label,
    protocol,
    compression,
    serviceName: options.serviceName === "" ? undefined : options.serviceName,
    defaultServiceName: options.defaultServiceName || DEFAULT_SERVICE_NAME,
    resourceAttributes: options.resourceAttributes ?? {},
    transport,
  };
}
