import { IwConfigError } from "@iw/core";
import { checkHttpTransportOptions, stripCredentials } from "@iw/core/sink-kit";
import type { HttpTransportOptions } from "@iw/core/sink-kit";
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_METHOD,
  DEFAULT_NODE_RETRY_INITIAL_MS,
  DEFAULT_NODE_RETRY_MAX_MS,
} from "./options.js";
import type { LogstashCompression, LogstashFormat, LogstashSinkOptions } from "./options.js";

/** One Logstash node, ready for requests. */
export interface NodeTarget {
  /** Printable address: no credentials and no query, ever. */
  readonly label: string;
  readonly https: boolean;
  /** Everything core's HTTP transport needs for this node (URL credentials included). */
  readonly transport: HttpTransportOptions;
}

/** Options with every default applied and every node resolved. */
export interface ResolvedOptions {
  readonly name: string;
  /** The variable prefix named in diagnostics: `IW_ELK`, or `IW_ELK_PROD` for a named instance. */
  readonly envPrefix: string;
  readonly nodes: readonly NodeTarget[];
  readonly compression: LogstashCompression;
  readonly format: LogstashFormat;
  readonly tlsVerify: boolean;
  readonly ca: string | Uint8Array | undefined;
  readonly cert: string | Uint8Array | undefined;
  readonly nodeRetryInitialMs: number;
  readonly nodeRetryMaxMs: number;
}

/** Headers the sink sets itself; `IW_ELK_HEADERS` may not replace them (nor core's reserved ones). */
const LOGSTASH_MANAGED_HEADERS = ["content-type", "content-encoding"];

function fail(variable: string, message: string): never {
  throw new IwConfigError(`${variable} ${message}`, { variable });
}

function parseUrl(input: string | URL, p: string): URL {
  let url: URL;
  try {
    url = new URL(String(input).trim());
  } catch {
    // The raw text may hold credentials: print it without them.
    return fail(`${p}_URL`, `has "${stripCredentials(String(input))}", which is not an absolute URL; expected http(s)://host:port[/path]`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    fail(`${p}_URL`, `has scheme ${url.protocol} in ${stripCredentials(url.href)}; expected http:// or https://`);
  }
  if (url.hash !== "") fail(`${p}_URL`, `has a #fragment in ${stripCredentials(url.href)}; remove it`);
  return url;
}

/**
 * Validates options and applies every default. Throws `IwConfigError` naming the variable;
 * values that may be secrets are never part of the message.
 */
export function resolveOptions(options: LogstashSinkOptions): ResolvedOptions {
  const p = options.envPrefix ?? "IW_ELK";
  if ((options.cert === undefined) !== (options.key === undefined)) {
    fail(
      options.cert === undefined ? `${p}_CERT_FILE` : `${p}_KEY_FILE`,
      `is unset while its pair is set; mutual TLS needs both ${p}_CERT_FILE and ${p}_KEY_FILE`,
    );
  }
  if (options.urls.length === 0) fail(`${p}_URL`, "is empty; expected one or more http(s):// URLs, comma-separated");

  const compression = options.compression ?? "none";
  const positive = (v: number | undefined, d: number, variable: string): number => {
    const n = v ?? d;
    if (!Number.isFinite(n) || n <= 0) fail(variable, `is ${String(n)}; expected a positive number of milliseconds`);
    return n;
  };
  const connectTimeoutMs = positive(options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, `${p}_CONNECT_TIMEOUT_MS`);
  const keepAliveTimeoutMs = positive(options.keepAliveTimeoutMs, DEFAULT_KEEP_ALIVE_TIMEOUT_MS, "keepAliveTimeoutMs");
  const nodes = options.urls.map((input): NodeTarget => {
    const url = parseUrl(input, p);
    // Not the query either: some proxies take a token there.
    const label = `${url.origin}${url.pathname}`;
    const transport: HttpTransportOptions = {
      url,
      method: options.method ?? DEFAULT_METHOD,
      headers: options.headers,
      sinkHeaders:
        compression === "gzip"
          ? { "content-type": "application/json", "content-encoding": "gzip" }
          : { "content-type": "application/json" },
      sinkHeaderNames: LOGSTASH_MANAGED_HEADERS,
      user: options.user,
      password: options.password,
      tls: { ca: options.ca, cert: options.cert, key: options.key, verify: options.tlsVerify ?? true },
      connectTimeoutMs,
      keepAliveTimeoutMs,
      what: `Logstash ${label}`,
      envPrefix: p,
      name: options.name ?? "logstash",
      // Problems are reported per node by the sink, with what failover does about them.
      logProblems: false,
    };
    // Headers, credentials and their combinations, checked here so the options schema refuses them.
    checkHttpTransportOptions(transport);
    return { label, https: url.protocol === "https:", transport };
  });
  return {
    name: options.name ?? "logstash",
    envPrefix: p,
    nodes,
    compression,
    format: options.format ?? "iw",
    tlsVerify: options.tlsVerify ?? true,
    ca: options.ca,
    cert: options.cert,
    nodeRetryInitialMs: positive(options.nodeRetryInitialMs, DEFAULT_NODE_RETRY_INITIAL_MS, "nodeRetryInitialMs"),
    nodeRetryMaxMs: positive(options.nodeRetryMaxMs, DEFAULT_NODE_RETRY_MAX_MS, "nodeRetryMaxMs"),
  };
}
