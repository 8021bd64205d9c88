/** What each message carries: RFC 5424 with structured data, old BSD syslog, or a SIEM format. */
export type SyslogFormat = "rfc5424" | "rfc3164" | "cef" | "leef";
/** The syslog header in front of a CEF or LEEF payload. */
export type SyslogHeader = "rfc5424" | "rfc3164";
/** How messages are delimited on a TCP or TLS stream (RFC 6587). */
export type SyslogFraming = "octet-counting" | "non-transparent";

/** TLS settings of a `tls://` destination (RFC 5425). */
export interface SyslogTlsOptions {
  /** PEM CA certificate(s) trusted instead of Node's roots. @default Node's roots — `IW_SYSLOG_CA_FILE` */
  readonly ca?: string | Uint8Array | undefined;
  /** PEM client certificate for mutual TLS (with `key`). @default none — `IW_SYSLOG_CERT_FILE` */
  readonly cert?: string | Uint8Array | undefined;
  /** PEM private key of `cert`. @default none — `IW_SYSLOG_KEY_FILE` */
  readonly key?: string | Uint8Array | undefined;
  /** Verify the server certificate and host name; `false` logs a warning. @default true — `IW_SYSLOG_TLS_VERIFY` */
  readonly verify?: boolean;
}

/**
 * Options of the syslog sink. `plugin` builds them from `IW_SYSLOG_*`; code may pass them to
 * `createSyslogSink` directly. Only `url` is required. Batching, retries and the attempt
 * deadline belong to the delivery queue (`IW_SYSLOG_BATCH_SIZE`, `IW_SYSLOG_TIMEOUT_MS`, …).
 */
export interface SyslogSinkOptions {
  /** `udp://host[:514]`, `tcp://host[:514]` or `tls://host[:6514]`. — `IW_SYSLOG_URL` */
  readonly url: string | URL;
  /** @default "rfc5424" — `IW_SYSLOG_FORMAT` */
  readonly format?: SyslogFormat;
  /** Header of CEF and LEEF messages. @default "rfc5424" — `IW_SYSLOG_HEADER` */
  readonly header?: SyslogHeader;
  /** Stream framing (tcp, tls). @default "octet-counting" — `IW_SYSLOG_FRAMING` */
  readonly framing?: SyslogFraming;
  /** Facility of scan logs and summaries, 0–23 (`local0` is 16). @default 16 — `IW_SYSLOG_FACILITY` */
  readonly facility?: number;
  /** Facility of audit events. @default `facility` — `IW_SYSLOG_AUDIT_FACILITY` */
  readonly auditFacility?: number;
  /** APP-NAME (RFC 5424) or TAG (RFC 3164). @default "inferwall" — `IW_SYSLOG_APP_NAME` */
  readonly appName?: string;
  /** HOSTNAME of every message unless the event has its own `host`. @default os.hostname() — `IW_SYSLOG_HOSTNAME` */
  readonly hostname?: string;
  /**
   * Private enterprise number of our structured-data ids (`iw@<number>`). 32473 is the number
   * RFC 5612 reserves for documentation: set your organisation's own. @default "32473" — `IW_SYSLOG_ENTERPRISE_ID`
   */
  readonly enterpriseId?: string;
  /**
   * Largest message in bytes (the frame's length prefix or trailer not counted). A longer one is
   * shortened by rule and counted `truncated`. @default 2048 over UDP, 8192 over TCP and TLS — `IW_SYSLOG_MAX_MESSAGE_BYTES`
   */
  readonly maxMessageBytes?: number;
  /** CEF/LEEF Device Vendor. @default "InferenceWall" — `IW_SYSLOG_VENDOR` */
  readonly vendor?: string;
  /** CEF/LEEF Device Product. @default "InferenceWall" — `IW_SYSLOG_PRODUCT` */
  readonly product?: string;
  /** CEF/LEEF Device Version: the firewall's version. @default "1.0" — `IW_SYSLOG_PRODUCT_VERSION` */
  readonly productVersion?: string;
  /** TLS of `tls://`. @default verification on, Node's CA roots */
  readonly tls?: SyslogTlsOptions;
  /** TCP (and TLS) connect deadline. @default 5000 — `IW_SYSLOG_CONNECT_TIMEOUT_MS` */
  readonly connectTimeoutMs?: number;
  /** A stream connection idle this long is closed; the next batch opens a new one (0: never). @default 30000 — no variable */
  readonly idleTimeoutMs?: number;
  /** TCP keep-alive probe delay of stream connections. @default 30000 — no variable */
  readonly keepAliveMs?: number;
  /** Sink name in stats and logs. @default "syslog" — no variable */
  readonly name?: string;
  /** The variable prefix named in diagnostics (`IW_SYSLOG_SOC` for a named instance). @default "IW_SYSLOG" — no variable */
  readonly envPrefix?: string;
}

export const DEFAULT_FORMAT: SyslogFormat = "rfc5424";
export const DEFAULT_HEADER: SyslogHeader = "rfc5424";
export const DEFAULT_FRAMING: SyslogFraming = "octet-counting";
/** `local0`: the facilities meant for local use are the ones receivers route on. */
export const DEFAULT_FACILITY = 16;
export const DEFAULT_APP_NAME = "inferwall";
/** The private enterprise number RFC 5612 reserves for documentation: see `enterpriseId`. */
export const DOCUMENTATION_ENTERPRISE_ID = "32473";
/**
 * UDP: RFC 5426 says receivers must take 480 bytes (IPv4) and should take 2048; most do more,
 * but above ~1,400 bytes a datagram is fragmented, and one lost fragment loses the message.
 */
export const DEFAULT_UDP_MAX_MESSAGE_BYTES = 2048;
/** TCP/TLS: rsyslog's default `maxMessageSize` (8 KiB), which RFC 5425 says TLS receivers should take. */
export const DEFAULT_STREAM_MAX_MESSAGE_BYTES = 8192;
/** RFC 5426: the size every IPv4 receiver must accept. */
export const MIN_MESSAGE_BYTES = 480;
/** The largest UDP payload over IPv4. */
export const MAX_UDP_MESSAGE_BYTES = 65_507;
/** A bound for streams, far above any receiver's default. */
export const MAX_STREAM_MESSAGE_BYTES = 1024 * 1024;
export const DEFAULT_VENDOR = "InferenceWall";
export const DEFAULT_PRODUCT = "InferenceWall";
export const DEFAULT_PRODUCT_VERSION = "1.0";
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
export const DEFAULT_KEEPALIVE_MS = 30_000;
export const DEFAULT_SINK_NAME = "syslog";
export const DEFAULT_ENV_PREFIX = "IW_SYSLOG";
/** Conventional ports: 514 for UDP and plain TCP, 6514 for TLS (RFC 5425). */
export const DEFAULT_PORTS = { "udp:": 514, "tcp:": 514, "tls:": 6514 } as const;
