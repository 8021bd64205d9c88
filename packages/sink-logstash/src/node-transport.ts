import { checkHttpTransportOptions } from "@iw/core/sink-kit";
import type { HttpTransportOptions } from "@iw/core/sink-kit";

/** What one node's transport is made of: the sink's resolved options. */
export interface NodeSettings {
  readonly name: string;
  readonly envPrefix: string;
  readonly method: "POST" | "PUT";
  readonly headers: Readonly<Record<string, string>>;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly ca: string | Uint8Array | undefined;
  readonly cert: string | Uint8Array | undefined;
  readonly key: string | Uint8Array | undefined;
  readonly tlsVerify: boolean;
  readonly connectTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly compression: "none" | "gzip";
}

/** Headers the sink sets itself; `IW_ELK_HEADERS` may not replace them (nor core's reserved ones). */
export const LOGSTASH_MANAGED_HEADERS = ["content-type", "content-encoding"];

/** A printable address of a node: no credentials and no query, ever (some proxies take a token there). */
export function nodeLabel(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/**
 * Core's HTTP transport options for one node, checked (headers, credentials and their
 * combinations; throws `IwConfigError` naming the variable).
 */
export function transportOf(o: NodeSettings, url: URL): HttpTransportOptions {
  const transport: HttpTransportOptions = {
    url,
    method: o.method,
    headers: o.headers,
    sinkHeaders:
      o.compression === "gzip"
        ? { "content-type": "application/json", "content-encoding": "gzip" }
        : { "content-type": "application/json" },
    sinkHeaderNames: LOGSTASH_MANAGED_HEADERS,
    user: o.user,
    password: o.password,
    tls: { ca: o.ca, cert: o.cert, key: o.key, verify: o.tlsVerify },
    connectTimeoutMs: o.connectTimeoutMs,
    keepAliveTimeoutMs: o.keepAliveTimeoutMs,
    what: `Logstash ${nodeLabel(url)}`,
    envPrefix: o.envPrefix,
    name: o.name,
    // Problems are reported per node by the sink, with what failover does about them.
    logProblems: false,
  };
  checkHttpTransportOptions(transport);
  return transport;
}
