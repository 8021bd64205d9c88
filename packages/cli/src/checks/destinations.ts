import { hostname as osHostname } from "node:os";
import { maskSecrets } from "@iw/core/inspect";
import type { InspectedSink } from "@iw/core/inspect";

/** TLS settings of a destination, as the sink would use them. */
export interface TlsSettings {
  readonly ca: string | Buffer | undefined;
  readonly cert: string | Buffer | undefined;
  readonly key: string | Buffer | undefined;
  readonly verify: boolean;
  /** Variables to name in hints. */
  readonly caVariable: string;
  readonly verifyVariable: string;
}

/**
 * The request that shows an HTTP collector answers without creating an event: Logstash gets an
 * empty JSON array (its json codec makes no event of it), other endpoints `OPTIONS`.
 */
export interface HttpProbe {
  readonly method: "POST" | "PUT" | "OPTIONS";
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  /** `logstash`: only 2xx is fine; `endpoint`: any answer shows it is reachable. */
  readonly expect: "logstash" | "endpoint";
  /** Where credentials come from, for the 401/403 hint. */
  readonly credentials: string;
}

/** The `<security>` handshake as the Fluentd sink would run it. */
export interface HandshakeSettings {
  readonly sharedKey: string | undefined;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly hostname: string;
  readonly prefix: string;
}

/** One place a sink sends to, and how to check it. */
export type Destination =
  | { readonly kind: "http"; readonly label: string; readonly url: URL; readonly tls: TlsSettings | undefined; readonly probe: HttpProbe }
  | {
      readonly kind: "forward";
      readonly label: string;
      readonly host: string;
      readonly port: number;
      readonly tls: TlsSettings | undefined;
      readonly handshake: HandshakeSettings;
    }
  | { readonly kind: "unix"; readonly label: string; readonly path: string; readonly handshake: HandshakeSettings }
  | {
      readonly kind: "connect";
      readonly label: string;
      readonly host: string;
      readonly port: number;
      readonly tls: TlsSettings | undefined;
      readonly note: string;
    }
  | { readonly kind: "resolve"; readonly label: string; readonly host: string; readonly note: string };

type Options = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const pem = (v: unknown): string | Buffer | undefined =>
  typeof v === "string" || Buffer.isBuffer(v) ? v : v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : undefined;
const headersOf = (v: unknown): Record<string, string> => (v !== null && typeof v === "object" ? { ...(v as Record<string, string>) } : {});
const toUrl = (v: unknown): URL | undefined => {
  try {
    return v instanceof URL ? v : typeof v === "string" ? new URL(v) : undefined;
  } catch {
    return undefined;
  }
};

/** A sink's TLS settings as the checks use them (`verify` is the sink's `tlsVerify`). */
function tlsOf(o: Options, verify: unknown, p: string) {
  return {
    ca: pem(o["ca"]),
    cert: pem(o["cert"]),
    key: pem(o["key"]),
    verify: verify !== false,
    caVariable: `${p}_CA_FILE`,
    verifyVariable: `${p}_TLS_VERIFY`,
  };
}

/** An `OPTIONS` request to an HTTP receiver (webhook, Fluentd's in_http): any answer means reachable. */
function optionsCheck(url: URL, label: string, tls: ReturnType<typeof tlsOf>, headers: Record<string, string>, p: string): Destination {
  return {
    kind: "http",
    label,
    url,
    tls: url.protocol === "https:" ? tls : undefined,
    probe: { method: "OPTIONS", headers, body: undefined, expect: "endpoint", credentials: `${p}_HEADERS or the user info of ${p}_URL` },
  };
}

/**
 * Where a sink sends, from its parsed options: the built-in sinks are known; any other plugin
 * gets a connection check of the URL(s) in its activating variable.
 */
export function destinationsOf(sink: InspectedSink, secretValues: readonly string[]): Destination[] {
  const o = (sink.config?.options ?? {}) as Options;
  const p = sink.envPrefix;
  const label = (url: URL) => maskSecrets(`${url.protocol}//${url.host}${url.pathname}`, secretValues);
  switch (sink.plugin.name) {
    case "logstash": {
      const urls = Array.isArray(o["urls"]) ? (o["urls"] as unknown[]).map(toUrl).filter((u): u is URL => u !== undefined) : [];
      const tls = tlsOf(o, o["tlsVerify"], p);
      return urls.map((url) => {
        const headers = withAuth(headersOf(o["headers"]), url, str(o["user"]), str(o["password"]));
        headers["content-type"] = "application/json";
        const method = o["method"] === "PUT" ? "PUT" : "POST";
        return {
          kind: "http",
          label: label(url),
          url,
          tls: url.protocol === "https:" ? tls : undefined,
          probe: {
            method,
            headers,
            body: "[]",
            expect: "logstash",
            credentials: `${p}_USER / ${p}_PASSWORD, the user info of ${p}_URL or ${p}_HEADERS`,
          },
        };
      });
    }
    case "fluentd": {
      const url = toUrl(o["url"]);
      if (url === undefined) return [];
      const tls = tlsOf(o, o["tlsVerify"], p);
      const handshake = {
        sharedKey: str(o["sharedKey"]),
        username: str(o["username"]),
        password: str(o["password"]),
        // The sink's own default: the OS host name.
        hostname: str(o["hostname"]) || osHostname(),
        prefix: p,
      };
      if (url.protocol === "unix:")
        return [{ kind: "unix", label: `unix://${decodeURIComponent(url.pathname)}`, path: decodeURIComponent(url.pathname), handshake }];
      if (url.protocol === "tcp:" || url.protocol === "tls:") {
        const port = url.port === "" ? 24224 : Number(url.port);
        return [
          {
            kind: "forward",
            label: `${url.protocol}//${url.host}`,
            host: hostOf(url),
            port,
            tls: url.protocol === "tls:" ? tls : undefined,
            handshake,
          },
        ];
      }
      return [optionsCheck(url, label(url), tls, withAuth(headersOf(o["headers"]), url, undefined, undefined), p)];
    }
    case "webhook": {
      const url = toUrl(o["url"]);
      if (url === undefined) return [];
      const tls = tlsOf(o, o["tlsVerify"], p);
      return [optionsCheck(url, label(url), tls, withAuth(headersOf(o["headers"]), url, undefined, undefined), p)];
    }
    default:
      return genericDestinations(sink, secretValues);
  }
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { "http:": 80, "https:": 443, "ws:": 80, "wss:": 443 };
/** Syslog's registered ports (RFC 5424/6587: 514, RFC 5425: 6514), the sink's defaults. */
const SYSLOG_PORTS: Readonly<Record<string, number>> = { ...DEFAULT_PORTS, "tcp:": 514, "tls:": 6514 };
const TLS_SCHEMES = new Set(["https:", "tls:", "ssl:", "wss:"]);
/** Built-in sinks checked by connection and TLS only (no request that creates no event). */
const CONNECT_ONLY = new Set(["otlp", "syslog"]);

/**
 * The OTLP and syslog sinks, and plugins the CLI does not know: connect to each URL of the
 * activating variable. TLS uses the CA, client certificate and verification of the options when
 * they are named as `option.tls` names them (`ca`, `cert`, `key`, `tlsVerify`; every built-in
 * sink does), so a private CA in `<PREFIX>_CA_FILE` is checked as the sink would use it.
 */
function genericDestinations(sink: InspectedSink, secretValues: readonly string[]): Destination[] {
  const value = sink.env[sink.plugin.env] ?? "";
  const o = (sink.config?.options ?? {}) as Options;
  const settings = tlsOf(o, o["tlsVerify"], sink.envPrefix);
  const ports = sink.plugin.name === "syslog" ? SYSLOG_PORTS : DEFAULT_PORTS;
  const known = CONNECT_ONLY.has(sink.plugin.name);
  const out: Destination[] = [];
  for (const part of value.split(",")) {
    const url = toUrl(part.trim());
    if (url === undefined || url.hostname === "") continue;
    const label = maskSecrets(`${url.protocol}//${url.host}`, secretValues);
    if (url.protocol === "udp:") {
      out.push({
        kind: "resolve",
        label,
        host: hostOf(url),
        note: "udp: datagrams have no connection to check, only the name; `iw-sinks test` sends real test events (a collector never answers them)",
      });
      continue;
    }
    const port = url.port === "" ? ports[url.protocol] : Number(url.port);
    if (port === undefined) continue;
    const tls = TLS_SCHEMES.has(url.protocol) ? settings : undefined;
    const roots = settings.ca === undefined ? "system roots" : `${sink.envPrefix}_CA_FILE`;
    const checked = `connection${tls ? ` and TLS (${roots})` : ""} checked only`;
    const note = known
      ? `${sink.plugin.name}: ${checked}; \`iw-sinks test\` sends real test events`
      : `${sink.plugin.name} is not a sink iw-sinks knows: ${checked}; \`iw-sinks test\` sends real test events`;
    out.push({ kind: "connect", label, host: hostOf(url), port, tls, note });
  }
  return out;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/** The configured headers plus Basic credentials, as the sink sends them (a configured Authorization wins). */
function withAuth(
  headers: Record<string, string>,
  url: URL,
  user: string | undefined,
  password: string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  if (out["authorization"] !== undefined) return out;
  const u = user ?? (url.username === "" ? undefined : decodeURIComponent(url.username));
  const pw = user !== undefined ? (password ?? "") : decodeURIComponent(url.password);
  if (u !== undefined) out["authorization"] = `Basic ${Buffer.from(`${u}:${pw}`).toString("base64")}`;
  return out;
}
