import { hostname as osHostname } from "node:os";
import { IwConfigError } from "@iw/core";
import {
  DEFAULT_APP_NAME,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_ENV_PREFIX,
  DEFAULT_FACILITY,
  DEFAULT_FORMAT,
  DEFAULT_FRAMING,
  DEFAULT_HEADER,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_KEEPALIVE_MS,
  DEFAULT_PORTS,
  DEFAULT_PRODUCT,
  DEFAULT_PRODUCT_VERSION,
  DEFAULT_SINK_NAME,
  DEFAULT_STREAM_MAX_MESSAGE_BYTES,
  DEFAULT_UDP_MAX_MESSAGE_BYTES,
  DEFAULT_VENDOR,
  DOCUMENTATION_ENTERPRISE_ID,
  MAX_STREAM_MESSAGE_BYTES,
  MAX_UDP_MESSAGE_BYTES,
  MIN_MESSAGE_BYTES,
  type SyslogFormat,
  type SyslogFraming,
  type SyslogHeader,
  type SyslogSinkOptions,
} from "./options.js";
import { printableAscii } from "./text.js";

/** Where messages go. */
export type SyslogTarget =
  | { readonly kind: "udp"; readonly host: string; readonly port: number }
  | { readonly kind: "tcp"; readonly host: string; readonly port: number }
  | {
      readonly kind: "tls";
      readonly host: string;
      readonly port: number;
      readonly ca: string | Uint8Array | undefined;
      readonly cert: string | Uint8Array | undefined;
      readonly key: string | Uint8Array | undefined;
      readonly verify: boolean;
    };

/** Options with every default applied, checked. */
export interface ResolvedOptions {
  readonly name: string;
  readonly envPrefix: string;
  readonly target: SyslogTarget;
  /** `Syslog udp://host:514`: names the destination in errors, never credentials. */
  readonly what: string;
  readonly format: SyslogFormat;
  readonly header: SyslogHeader;
  /** `undefined` over UDP: one message per datagram. */
  readonly framing: SyslogFraming | undefined;
  readonly facility: number;
  readonly auditFacility: number;
  readonly appName: string;
  readonly hostname: string;
  readonly enterpriseId: string;
  readonly maxMessageBytes: number;
  readonly vendor: string;
  readonly product: string;
  readonly productVersion: string;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly keepAliveMs: number;
}

/** Facility names as syslog.h and rsyslog spell them; 13 and 14 are RFC 5424's "log audit" and "log alert". */
export const FACILITIES: Readonly<Record<string, number>> = Object.freeze({
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  ntp: 12,
  audit: 13,
  alert: 14,
  clock: 15,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
});

/** `local0` → 16, `"4"` → 4; `undefined` when it is neither a facility name nor 0–23. */
export function parseFacility(value: string): number | undefined {
  const s = value.trim().toLowerCase();
  if (/^\d{1,2}$/.test(s)) {
    const n = Number(s);
    return n <= 23 ? n : undefined;
  }
  return FACILITIES[s];
}

/** The private enterprise number and its sub-identifiers (RFC 5424 §7.2.2): `32473`, `32473.1`. */
const ENTERPRISE_ID = /^[1-9]\d*(?:\.\d+)*$/;
/** The longest SD-ID we write is `iwDetails@<number>`; an SD-ID has at most 32 characters. */
const MAX_ENTERPRISE_ID_LENGTH = 32 - "iwDetails@".length;

function fail(variable: string, message: string): never {
  throw new IwConfigError(`${variable} ${message}`, { variable });
}

/** Parses and checks `udp://`, `tcp://` or `tls://host[:port]`. */
export function parseSyslogUrl(input: string | URL, variable: string): { url: URL; host: string; port: number } {
  let url: URL;
  try {
    url = new URL(String(input).trim());
  } catch {
    return fail(variable, "is not an absolute URL; expected udp://host[:514], tcp://host[:514] or tls://host[:6514]");
  }
  const scheme = url.protocol as keyof typeof DEFAULT_PORTS;
  if (!(scheme in DEFAULT_PORTS)) fail(variable, `has scheme ${url.protocol}; expected udp://, tcp:// or tls://`);
  if (url.username !== "" || url.password !== "") fail(variable, "carries credentials, which syslog has no use for; remove them");
  if (url.hostname === "") fail(variable, "has no host");
  if ((url.pathname !== "" && url.pathname !== "/") || url.search !== "" || url.hash !== "") {
    fail(
      variable,
      "has a path, query or fragment, which syslog has no use for; expected udp://host[:514], tcp://host[:514] or tls://host[:6514]",
    );
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = url.port === "" ? DEFAULT_PORTS[scheme] : Number(url.port);
  return { url, host, port };
}

/**
 * Validates options and applies every default. Throws `IwConfigError` naming the variable.
 */
export function resolveOptions(options: SyslogSinkOptions): ResolvedOptions {
  const p = options.envPrefix ?? DEFAULT_ENV_PREFIX;
  const { url, host, port } = parseSyslogUrl(options.url, `${p}_URL`);
  const kind = url.protocol.slice(0, -1) as SyslogTarget["kind"];
  const tls = options.tls ?? {};
  if (kind !== "tls" && (tls.ca !== undefined || tls.cert !== undefined || tls.key !== undefined)) {
    fail(`${p}_URL`, `is ${url.protocol}// but TLS files are set; use tls://`);
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    fail(
      tls.cert === undefined ? `${p}_CERT_FILE` : `${p}_KEY_FILE`,
      "is unset while its pair is set; mutual TLS needs both a certificate and its key",
    );
  }
  if (kind === "udp" && options.framing !== undefined) {
    fail(`${p}_FRAMING`, "only applies to tcp:// and tls:// (over UDP every datagram is one message)");
  }
  if (kind === "tls" && options.framing === "non-transparent") {
    fail(`${p}_FRAMING`, "must be octet-counting over tls:// (RFC 5425 requires it)");
  }
  const format = options.format ?? DEFAULT_FORMAT;
  if (options.header !== undefined && format !== "cef" && format !== "leef" && options.header !== format) {
    fail(`${p}_HEADER`, `only applies to ${p}_FORMAT=cef or leef (the ${format} format is its own header)`);
  }
  const facility = checkFacility(options.facility ?? DEFAULT_FACILITY, `${p}_FACILITY`);
  const auditFacility = checkFacility(options.auditFacility ?? facility, `${p}_AUDIT_FACILITY`);
  const maxBytes = options.maxMessageBytes ?? (kind === "udp" ? DEFAULT_UDP_MAX_MESSAGE_BYTES : DEFAULT_STREAM_MAX_MESSAGE_BYTES);
  const limit = kind === "udp" ? MAX_UDP_MESSAGE_BYTES : MAX_STREAM_MESSAGE_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < MIN_MESSAGE_BYTES || maxBytes > limit) {
    fail(`${p}_MAX_MESSAGE_BYTES`, `is ${String(maxBytes)}; expected a whole number from ${MIN_MESSAGE_BYTES} to ${limit} over ${kind}`);
  }
  const enterpriseId = (options.enterpriseId ?? DOCUMENTATION_ENTERPRISE_ID).trim();
  if (!ENTERPRISE_ID.test(enterpriseId) || enterpriseId.length > MAX_ENTERPRISE_ID_LENGTH) {
    fail(
      `${p}_ENTERPRISE_ID`,
      `is not a private enterprise number such as 32473 or 32473.1 (at most ${MAX_ENTERPRISE_ID_LENGTH} characters)`,
    );
  }
  const appName = printableAscii(options.appName ?? DEFAULT_APP_NAME, 48);
  if (appName === "-" || appName !== (options.appName ?? DEFAULT_APP_NAME)) {
    fail(`${p}_APP_NAME`, "must be 1 to 48 printable ASCII characters without spaces (RFC 5424 APP-NAME)");
  }
  for (const [variable, value] of [
    ["VENDOR", options.vendor],
    ["PRODUCT", options.product],
    ["PRODUCT_VERSION", options.productVersion],
  ] as const) {
    // LEEF has no escapes at all, so a `|` would shift its header; none of these needs one.
    // eslint-disable-next-line no-control-regex -- control characters are what is refused
    if (value !== undefined && (value.trim() === "" || /[|\\\x00-\x1f\x7f]/.test(value)))
      fail(`${p}_${variable}`, "must be non-empty, without |, \\ or control characters (it goes into the CEF and LEEF headers)");
  }
  const positive = (v: number | undefined, d: number, variable: string, zero = false): number => {
    const n = v ?? d;
    if (!Number.isFinite(n) || n < 0 || (n === 0 && !zero)) fail(variable, `is ${String(n)}; expected a positive number of milliseconds`);
    return n;
  };
  const hostname = printableAscii(options.hostname ?? osHostname(), 255);
  const target: SyslogTarget =
    kind === "tls" ? { kind, host, port, ca: tls.ca, cert: tls.cert, key: tls.key, verify: tls.verify ?? true } : { kind, host, port };
  return {
    name: options.name ?? DEFAULT_SINK_NAME,
    envPrefix: p,
    target,
    what: `Syslog ${kind}://${host.includes(":") ? `[${host}]` : host}:${port}`,
    format,
    header: format === "rfc3164" ? "rfc3164" : format === "rfc5424" ? "rfc5424" : (options.header ?? DEFAULT_HEADER),
    framing: kind === "udp" ? undefined : (options.framing ?? DEFAULT_FRAMING),
    facility,
    auditFacility,
    appName,
    hostname,
    enterpriseId,
    maxMessageBytes: maxBytes,
    vendor: options.vendor ?? DEFAULT_VENDOR,
    product: options.product ?? DEFAULT_PRODUCT,
    productVersion: options.productVersion ?? DEFAULT_PRODUCT_VERSION,
    connectTimeoutMs: positive(options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, `${p}_CONNECT_TIMEOUT_MS`),
    idleTimeoutMs: positive(options.idleTimeoutMs, DEFAULT_IDLE_TIMEOUT_MS, "idleTimeoutMs", true),
    keepAliveMs: positive(options.keepAliveMs, DEFAULT_KEEPALIVE_MS, "keepAliveMs"),
  };
}

function checkFacility(n: number, variable: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 23)
    fail(variable, `is ${String(n)}; expected a facility name (local0 … local7, auth, authpriv, …) or 0 to 23`);
  return n;
}
