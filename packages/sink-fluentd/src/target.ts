import type { PemContents } from "@iw/core/sink-kit";

/** TLS settings of a `tls://` forward destination: the sink's `ca`, `cert`, `key` and `tlsVerify`. */
export interface ForwardTls {
  readonly ca: PemContents | undefined;
  readonly cert: PemContents | undefined;
  readonly key: PemContents | undefined;
  readonly verify: boolean;
}

/** Where forward-protocol messages go, parsed from `IW_FLUENTD_URL`. */
export type ForwardTarget =
  | { readonly kind: "tcp"; readonly host: string; readonly port: number }
  | { readonly kind: "tls"; readonly host: string; readonly port: number; readonly tls: ForwardTls }
  | { readonly kind: "unix"; readonly path: string };

/** in_forward's default port. */
export const DEFAULT_FORWARD_PORT = 24224;

/** Builds the forward target of a `tcp:`, `tls:` or `unix:` URL. */
export function forwardTarget(url: URL, tls: ForwardTls): ForwardTarget {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = url.port === "" ? DEFAULT_FORWARD_PORT : Number(url.port);
  if (url.protocol === "unix:") return { kind: "unix", path: decodeURIComponent(url.pathname) };
  if (url.protocol === "tls:") return { kind: "tls", host, port, tls };
  return { kind: "tcp", host, port };
}

/** A printable name of the destination (never credentials). */
export function describeTarget(target: ForwardTarget): string {
  return target.kind === "unix" ? `Fluentd unix://${target.path}` : `Fluentd ${target.kind}://${target.host}:${target.port}`;
}
