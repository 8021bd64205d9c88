import { IwConfigError } from "../diagnostics/index.js";
import type { Logger } from "../diagnostics/index.js";
import { assertHeaderValue } from "./headers.js";
import { checkConfiguredHeaders } from "./reserved-headers.js";
import { stripCredentials } from "./status.js";
import type { HeaderBag } from "./status.js";
import type { SendResult } from "../sink/index.js";

/** Default of {@link HttpTransportOptions.connectTimeoutMs} (undici's own). */
export const DEFAULT_HTTP_CONNECT_TIMEOUT_MS = 10_000;
/** Default of {@link HttpTransportOptions.keepAliveTimeoutMs}: below common server idle timeouts. */
export const DEFAULT_HTTP_KEEP_ALIVE_TIMEOUT_MS = 4_000;

/** TLS settings of an `https://` destination; ignored for `http://`. */
export interface HttpTlsOptions {
  /** PEM CA certificate(s) trusted instead of Node's roots. @default Node's roots — `<PREFIX>_CA_FILE` */
  readonly ca?: string | Uint8Array | undefined;
  /** PEM client certificate for mutual TLS (needs `key`). @default none — `<PREFIX>_CERT_FILE` */
  readonly cert?: string | Uint8Array | undefined;
  /** PEM private key of `cert`. @default none — `<PREFIX>_KEY_FILE` */
  readonly key?: string | Uint8Array | undefined;
  /** Verify the server certificate and host name; `false` logs a warning once. @default true — `<PREFIX>_TLS_VERIFY` */
  readonly verify?: boolean | undefined;
}

/**
 * Options of {@link createHttpTransport}. Only `url`, `what` and `envPrefix` are required.
 *
 * @experimental The shared HTTP transport is new: its options may still change in a minor release.
 */
export interface HttpTransportOptions {
  /**
   * Destination, `http://` or `https://`. Its path and query are the default request path.
   * `user:password@` in it becomes a Basic `authorization` header (unless `headers` has an
   * Authorization) and is never printed. — `<PREFIX>_URL`
   */
  readonly url: string | URL;
  /** @default "POST" */
  readonly method?: "POST" | "PUT";
  /** Headers from configuration; checked (CR/LF, reserved names). @default {} — `<PREFIX>_HEADERS` */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /**
   * Headers the sink sets on every request (`content-type`, `content-encoding`, …). Configured
   * headers may not replace them.
   */
  readonly sinkHeaders?: Readonly<Record<string, string>>;
  /** More header names the sink sets itself, per request (`webhook-signature`, …). @default [] */
  readonly sinkHeaderNames?: readonly string[];
  /** `user-agent` unless the configured headers have one. @default none */
  readonly userAgent?: string;
  /** Basic-auth user (wins over URL credentials; needs `password`). @default none — `<PREFIX>_USER` */
  readonly user?: string | undefined;
  /** Basic-auth password; never printed. @default none — `<PREFIX>_PASSWORD` */
  readonly password?: string | undefined;
  /** @default verification on, Node's roots */
  readonly tls?: HttpTlsOptions | undefined;
  /** TCP + TLS connect deadline. @default 10_000 — `<PREFIX>_CONNECT_TIMEOUT_MS` */
  readonly connectTimeoutMs?: number | undefined;
  /** Idle time before a kept-alive connection is closed. @default 4_000 — no variable */
  readonly keepAliveTimeoutMs?: number | undefined;
  /** Names the destination in messages; no credentials, no query (`Logstash https://h:8080/`). */
  readonly what: string;
  /** The variable prefix named in diagnostics (`IW_WEBHOOK_SOC`). */
  readonly envPrefix: string;
  /** Sink name, as the `sink` field of log lines. @default none */
  readonly name?: string | undefined;
  /** Start-time warnings and problems reported once; a pino, winston or `console` logger is adapted (`toLogger`). @default silentLogger */
  readonly logger?: Logger | undefined;
  /** Replaces "check the user, password or token" in the message of a 401/403. @default that text */
  readonly authHint?: string | undefined;
  /**
   * Log a refusal (401/403, other 4xx), a TLS failure or a client-side refusal once, and again
   * only after a success. `false` when the sink reports them itself. @default true
   */
  readonly logProblems?: boolean;
  /**
   * For protocols that answer 2xx with a partial refusal (OTLP's `partial_success`): the body of
   * a 2xx answer, at most `maxBytes`, read within `RESPONSE_DETAIL_TIMEOUT_MS`, is handed to
   * `parse`, whose result is the attempt's. A body that is larger, late or broken, or a `parse`
   * that throws, leaves the answer a plain success: the status line is the receipt.
   * @default the body is drained unread
   */
  readonly successBody?: {
    readonly maxBytes: number;
    parse(body: Uint8Array, headers: HeaderBag): SendResult;
  };
}

/** What the transport needs, checked. */
export interface ResolvedTransport {
  readonly url: URL;
  readonly path: string;
  readonly https: boolean;
  readonly headers: Readonly<Record<string, string>>;
  /** How the request is authenticated, if at all (for the plain-http warning). */
  readonly auth: "basic" | "header" | undefined;
}

function fail(variable: string, message: string): never {
  throw new IwConfigError(`${variable} ${message}`, { variable });
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, "utf8").toString("base64")}`;
}

/** Checks the options of an HTTP transport; throws {@link IwConfigError} naming the variable. */
export function resolveTransport(o: HttpTransportOptions): ResolvedTransport {
  const p = o.envPrefix;
  let url: URL;
  try {
    url = new URL(String(o.url).trim());
  } catch {
    return fail(`${p}_URL`, `has "${stripCredentials(String(o.url))}", which is not an absolute URL; expected http:// or https://`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") fail(`${p}_URL`, `has scheme ${url.protocol}; expected http:// or https://`);
  if (url.hash !== "") fail(`${p}_URL`, `has a #fragment, which is never sent; remove it`);
  const sinkHeaders = Object.fromEntries(Object.entries(o.sinkHeaders ?? {}).map(([n, v]) => [n.toLowerCase(), v]));
  const managed = [...Object.keys(sinkHeaders), ...(o.sinkHeaderNames ?? [])];
  const configured = checkConfiguredHeaders(o.headers, `${p}_HEADERS`, managed);
  if ((o.user === undefined) !== (o.password === undefined)) {
    const [unset, set] = o.user === undefined ? [`${p}_USER`, `${p}_PASSWORD`] : [`${p}_PASSWORD`, `${p}_USER`];
    fail(unset, `is unset while ${set} is set; set both for basic auth`);
  }
  let auth: ResolvedTransport["auth"] = configured["authorization"] === undefined ? undefined : "header";
  if (o.user !== undefined && o.password !== undefined) {
    assertHeaderValue("user", o.user, `${p}_USER`);
    if (o.user.includes(":")) fail(`${p}_USER`, "contains ':', which basic auth cannot carry in a user name");
    if (auth !== undefined) fail(`${p}_HEADERS`, `sets Authorization while ${p}_USER/${p}_PASSWORD are set; use one of them`);
    configured["authorization"] = basic(o.user, o.password);
    auth = "basic";
  } else if ((url.username !== "" || url.password !== "") && auth === undefined) {
    configured["authorization"] = basic(decodeURIComponent(url.username), decodeURIComponent(url.password));
    auth = "basic";
  }
  url.username = "";
  url.password = "";
  const tls = o.tls ?? {};
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    const missing = tls.cert === undefined ? `${p}_CERT_FILE` : `${p}_KEY_FILE`;
    fail(missing, `is missing: a client certificate needs both ${p}_CERT_FILE and ${p}_KEY_FILE`);
  }
  for (const [value, variable] of [
    [o.connectTimeoutMs, `${p}_CONNECT_TIMEOUT_MS`],
    [o.keepAliveTimeoutMs, "keepAliveTimeoutMs"],
  ] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value <= 0))
      fail(variable, `is ${String(value)}; expected a positive number of milliseconds`);
  }
  const headers: Record<string, string> = {};
  if (o.userAgent !== undefined) headers["user-agent"] = o.userAgent;
  Object.assign(headers, configured, sinkHeaders);
  return { url, path: `${url.pathname}${url.search}`, https: url.protocol === "https:", headers, auth };
}

/**
 * Runs every start-time check of {@link createHttpTransport} without opening anything, for an
 * options schema that must refuse bad configuration before a sink is built. Throws
 * {@link IwConfigError} naming the variable.
 *
 * @experimental The shared HTTP transport is new: its options may still change in a minor release.
 */
export function checkHttpTransportOptions(options: HttpTransportOptions): void {
  resolveTransport(options);
}
