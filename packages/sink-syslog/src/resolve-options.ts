import {
  DEFAULT_PORTS,
  DEFAULT_STREAM_MAX_MESSAGE_BYTES,
  DEFAULT_UDP_MAX_MESSAGE_BYTES,
  syslogOptions,
  type CheckedSyslogOptions,
  type SyslogFraming,
  type SyslogHeader,
  type SyslogSinkOptions,
} from "./options.js";

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

/** Options checked, with every default applied, including those that depend on the transport. */
export type ResolvedOptions = Omit<CheckedSyslogOptions, "header" | "framing" | "auditFacility" | "maxMessageBytes"> & {
  readonly target: SyslogTarget;
  /** `Syslog udp://host:514`: names the destination in errors, never credentials. */
  readonly what: string;
  readonly header: SyslogHeader;
  /** `undefined` over UDP: one message per datagram. */
  readonly framing: SyslogFraming | undefined;
  readonly auditFacility: number;
  readonly maxMessageBytes: number;
};

/**
 * Checks options (`syslogOptions`: the same checks as the variables') and applies every default,
 * also those that depend on another option. Throws `IwConfigError` naming the variable.
 */
export function resolveOptions(options: SyslogSinkOptions): ResolvedOptions {
  const o = syslogOptions.resolve(options);
  const { url } = o;
  const kind = url.protocol.slice(0, -1) as SyslogTarget["kind"];
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = url.port === "" ? DEFAULT_PORTS[url.protocol as keyof typeof DEFAULT_PORTS] : Number(url.port);
  const target: SyslogTarget =
    kind === "tls" ? { kind, host, port, ca: o.ca, cert: o.cert, key: o.key, verify: o.tlsVerify } : { kind, host, port };
  return {
    ...o,
    target,
    what: `Syslog ${kind}://${host.includes(":") ? `[${host}]` : host}:${port}`,
    // RFC 5424 and RFC 3164 are their own header; CEF and LEEF take the configured one.
    header: o.format === "rfc3164" || o.format === "rfc5424" ? o.format : (o.header ?? "rfc5424"),
    framing: kind === "udp" ? undefined : (o.framing ?? "octet-counting"),
    auditFacility: o.auditFacility ?? o.facility,
    maxMessageBytes: o.maxMessageBytes ?? (kind === "udp" ? DEFAULT_UDP_MAX_MESSAGE_BYTES : DEFAULT_STREAM_MAX_MESSAGE_BYTES),
  };
}
