/** TLS settings of a `tls://` or `https://` destination. */
export interface FluentdTlsOptions {
  /** Extra CA certificates (PEM). Default: Node's bundled roots. — `IW_FLUENTD_CA_FILE` */
  readonly ca?: Uint8Array | undefined;
  /** Client certificate for mTLS (PEM). — `IW_FLUENTD_CERT_FILE` */
  readonly cert?: Uint8Array | undefined;
  /** Client key for mTLS (PEM). — `IW_FLUENTD_KEY_FILE` */
  readonly key?: Uint8Array | undefined;
  /** Verify the server certificate. @default true — `IW_FLUENTD_TLS_VERIFY` */
  readonly verify: boolean;
}

/** Where forward-protocol messages go, parsed from `IW_FLUENTD_URL`. */
export type ForwardTarget =
  | { readonly kind: "tcp"; readonly host: string; readonly port: number }
  | { readonly kind: "tls"; readonly host: string; readonly port: number; readonly tls: FluentdTlsOptions }
  | { readonly kind: "unix"; readonly path: string };

/** in_forward's default port. */
export const DEFAULT_FORWARD_PORT = 24224;

/** Builds the forward target of a `tcp:`, `tls:` or `unix:` URL. */
export function forwardTarget(url: URL, tls: FluentdTlsOptions): ForwardTarget {
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
