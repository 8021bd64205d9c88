import { IwConfigError, assertHeaderValue, stripCredentials } from "@iw/core";
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_METHOD,
  DEFAULT_NODE_RETRY_INITIAL_MS,
  DEFAULT_NODE_RETRY_MAX_MS,
} from "./options.js";
import type { LogstashCompression, LogstashFormat, LogstashMethod, LogstashSinkOptions } from "./options.js";

/** One Logstash node, ready for requests. */
export interface NodeTarget {
  /** Printable address: no credentials and no query, ever. */
  readonly label: string;
  readonly origin: string;
  /** Path and query sent in the request line. */
  readonly path: string;
  readonly https: boolean;
  /** Complete request headers for this node (auth included). */
  readonly headers: Readonly<Record<string, string>>;
}

/** Options with every default applied and every node resolved. */
export interface ResolvedOptions {
  readonly name: string;
  /** The variable prefix named in diagnostics: `IW_ELK`, or `IW_ELK_PROD` for a named instance. */
  readonly envPrefix: string;
  readonly nodes: readonly NodeTarget[];
  readonly method: LogstashMethod;
  readonly compression: LogstashCompression;
  readonly format: LogstashFormat;
  readonly tlsVerify: boolean;
  readonly ca: string | Buffer | undefined;
  readonly cert: string | Buffer | undefined;
  readonly key: string | Buffer | undefined;
  readonly connectTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly nodeRetryInitialMs: number;
  readonly nodeRetryMaxMs: number;
  /** Basic auth travels over plain `http://` on these nodes (worth a warning). */
  readonly cleartextAuth: readonly string[];
}

// Headers the sink owns: overriding them would break framing or the json codec.
const RESERVED = new Set([
  "content-type", "content-length", "content-encoding", "transfer-encoding", "host",
  "connection", "keep-alive", "upgrade", "te", "trailer", "expect", "proxy-connection",
]);

function fail(variable: string, message: string): never {
  throw new IwConfigError(`${variable} ${message}`, { variable });
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, "utf8").toString("base64")}`;
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
  const custom: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    assertHeaderValue(name, value, `${p}_HEADERS`);
    if (RESERVED.has(name.toLowerCase())) fail(`${p}_HEADERS`, `sets ${name}, which the sink controls; remove it`);
    custom[name.toLowerCase()] = value;
  }
  const { user, password } = options;
  if ((user === undefined) !== (password === undefined)) {
    fail(user === undefined ? `${p}_USER` : `${p}_PASSWORD`, `is unset while ${user === undefined ? `${p}_PASSWORD` : `${p}_USER`} is set; set both for basic auth`);
  }
  if (user !== undefined) assertHeaderValue("user", user, `${p}_USER`);
  if (user?.includes(":")) fail(`${p}_USER`, "contains ':', which basic auth cannot carry in a user name");
  if (user !== undefined && custom["authorization"] !== undefined) {
    fail(`${p}_HEADERS`, `sets Authorization while ${p}_USER/${p}_PASSWORD are set; use one of them`);
  }
  if ((options.cert === undefined) !== (options.key === undefined)) {
    fail(options.cert === undefined ? `${p}_CERT_FILE` : `${p}_KEY_FILE`, `is unset while its pair is set; mutual TLS needs both ${p}_CERT_FILE and ${p}_KEY_FILE`);
  }
  if (options.urls.length === 0) fail(`${p}_URL`, "is empty; expected one or more http(s):// URLs, comma-separated");

  const method = options.method ?? DEFAULT_METHOD;
  const compression = options.compression ?? "none";
  const base: Record<string, string> = { ...custom, "content-type": "application/json" };
  if (compression === "gzip") base["content-encoding"] = "gzip";
  const cleartextAuth: string[] = [];
  const nodes = options.urls.map((input): NodeTarget => {
    const url = parseUrl(input, p);
    const headers = { ...base };
    if (user !== undefined && password !== undefined) headers["authorization"] = basic(user, password);
    else if (url.username !== "" || url.password !== "") {
      headers["authorization"] = basic(decodeURIComponent(url.username), decodeURIComponent(url.password));
    }
    url.username = "";
    url.password = "";
    // Not the query either: some proxies take a token there.
    const label = `${url.origin}${url.pathname}`;
    if (headers["authorization"] !== undefined && url.protocol === "http:") cleartextAuth.push(label);
    return { label, origin: url.origin, path: `${url.pathname}${url.search}`, https: url.protocol === "https:", headers };
  });

  const positive = (v: number | undefined, d: number, variable: string): number => {
    const n = v ?? d;
    if (!Number.isFinite(n) || n <= 0) fail(variable, `is ${String(n)}; expected a positive number of milliseconds`);
    return n;
  };
  return {
    name: options.name ?? "logstash",
    envPrefix: p,
    nodes,
    method,
    compression,
    format: options.format ?? "iw",
    tlsVerify: options.tlsVerify ?? true,
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    connectTimeoutMs: positive(options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, `${p}_CONNECT_TIMEOUT_MS`),
    keepAliveTimeoutMs: positive(options.keepAliveTimeoutMs, DEFAULT_KEEP_ALIVE_TIMEOUT_MS, "keepAliveTimeoutMs"),
    nodeRetryInitialMs: positive(options.nodeRetryInitialMs, DEFAULT_NODE_RETRY_INITIAL_MS, "nodeRetryInitialMs"),
    nodeRetryMaxMs: positive(options.nodeRetryMaxMs, DEFAULT_NODE_RETRY_MAX_MS, "nodeRetryMaxMs"),
    cleartextAuth,
  };
}
