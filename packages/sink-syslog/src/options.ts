import { hostname as osHostname } from "node:os";
import { defineSinkOptions, option, urlParseProblem } from "@iw/core/sink-kit";
import type { SinkOption, SinkOptionsInput, SinkOptionsOutput } from "@iw/core/sink-kit";
import { printableAscii } from "./text.js";

/** Conventional ports: 514 for UDP and plain TCP, 6514 for TLS (RFC 5425). */
export const DEFAULT_PORTS = { "udp:": 514, "tcp:": 514, "tls:": 6514 } as const;
/**
 * UDP: RFC 5426 says receivers must take 480 bytes (IPv4) and should take 2048; most do more,
 * but above ~1,400 bytes a datagram is fragmented, and one lost fragment loses the message.
 */
export const DEFAULT_UDP_MAX_MESSAGE_BYTES = 2048;
/** TCP/TLS: rsyslog's default `maxMessageSize` (8 KiB), which RFC 5425 says TLS receivers should take. */
export const DEFAULT_STREAM_MAX_MESSAGE_BYTES = 8192;
/** RFC 5426: the size every IPv4 receiver must accept. */
const MIN_MESSAGE_BYTES = 480;
/** The largest UDP payload over IPv4. */
const MAX_UDP_MESSAGE_BYTES = 65_507;
/** A bound for streams, far above any receiver's default. */
const MAX_STREAM_MESSAGE_BYTES = 1024 * 1024;

/** Facility names as syslog.h and rsyslog spell them; 13 and 14 are RFC 5424's "log audit" and "log alert". */
const FACILITIES: Readonly<Record<string, number>> = Object.freeze({
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

/** `local0`: the facilities meant for local use are the ones receivers route on. */
const DEFAULT_FACILITY = 16;

const URL_FORM = "udp://host[:514], tcp://host[:514] or tls://host[:6514] (RFC 5425); required, activates the sink";
const FACILITY_FORM = "a facility name (kern, user, auth, authpriv, audit, alert, local0 … local7, …) or 0 to 23";

/** Checks `udp://`, `tcp://` or `tls://host[:port]`; throws the reason (the pipeline names the variable). */
function checkSyslogUrl(input: string | URL): URL {
  let url: URL;
  const text = String(input).trim();
  try {
    url = new URL(text);
  } catch {
    throw new Error(urlParseProblem(text));
  }
  if (!(url.protocol in DEFAULT_PORTS)) throw new Error(`has scheme ${url.protocol}, not udp://, tcp:// or tls://`);
  if (url.username !== "" || url.password !== "") throw new Error("carries credentials, which syslog has no use for; remove them");
  if (url.hostname === "") throw new Error("has no host");
  if ((url.pathname !== "" && url.pathname !== "/") || url.search !== "" || url.hash !== "") {
    throw new Error("has a path, query or fragment, which syslog has no use for");
  }
  return url;
}

function isSyslogUrl(text: string): boolean {
  try {
    checkSyslogUrl(text);
    return true;
  } catch {
    return false;
  }
}

/** A facility number: code passes 0–23; the variable also takes a name (`local0`). Without a default, unset is `undefined`. */
function facility(form: string, defaultValue: number): SinkOption<number, number, false>;
function facility(form: string): SinkOption<number, number | undefined, false>;
function facility(form: string, defaultValue?: number): SinkOption<number, number | undefined, false> {
  const number = option.int(0, 0, 23);
  return option.custom<number, number | undefined>({
    form,
    fromEnv: (text, ctx) => {
      const named = FACILITIES[text.trim().toLowerCase()];
      if (named !== undefined) return named;
      try {
        return number.fromEnv(text, ctx);
      } catch {
        throw new Error("not a facility name or a whole number from 0 to 23");
      }
    },
    resolve: (value, ctx) => {
      if (value === undefined) return defaultValue;
      try {
        return number.resolve(value, ctx);
      } catch {
        throw new Error("not a whole number from 0 to 23 (in code a facility is its number: local0 is 16)");
      }
    },
  });
}

/** A CEF/LEEF header field: LEEF has no escapes at all, so a `|` would shift its header; none of these needs one. */
function deviceField(form: string, defaultValue: string) {
  return option.string(form, defaultValue).check((value) =>
    value.trim() === ""
      ? "is blank (it goes into the CEF and LEEF headers)"
      : // eslint-disable-next-line no-control-regex -- control characters are what is refused
        /[|\\\x00-\x1f\x7f]/.test(value)
        ? "contains |, \\ or a control character, which the CEF and LEEF headers cannot carry"
        : undefined,
  );
}

/** The private enterprise number RFC 5612 reserves for documentation: see `enterpriseId`. */
const DOCUMENTATION_ENTERPRISE_ID = "32473";
/** The private enterprise number and its sub-identifiers (RFC 5424 §7.2.2): `32473`, `32473.1`. */
const ENTERPRISE_ID = /^[1-9]\d*(?:\.\d+)*$/;
/** The longest SD-ID we write is `iwDetails@<number>`; an SD-ID has at most 32 characters. */
const MAX_ENTERPRISE_ID_LENGTH = 32 - "iwDetails@".length;

/** A line of text (CR, LF and NUL refused), in the words of every sink's text options. */
const plainLine = option.string("");
/** `ca`, `cert`, `key` and `tlsVerify`, as every sink names them (`<PREFIX>_CA_FILE`, …). */
const tls = option.tls("tls:// (RFC 5425)");
/** The bounds of every transport; the tighter UDP one is a rule, as it depends on the URL. */
const wholeBytes = option.int(DEFAULT_STREAM_MAX_MESSAGE_BYTES, MIN_MESSAGE_BYTES, MAX_STREAM_MESSAGE_BYTES);

/**
 * Every option of the syslog sink, once: its type, default, checks and variable
 * (`IW_SYSLOG_<OPTION>`; the README table is generated from it). Code and variables run the same
 * checks, and an error names the variable (`IW_SYSLOG_SOC_FRAMING` for a named instance). Queue
 * tuning (`IW_SYSLOG_BATCH_SIZE`, `IW_SYSLOG_TIMEOUT_MS`, …), filters (`IW_SYSLOG_EVENTS`) and
 * redaction (`IW_SYSLOG_REDACT`) are core's, for every sink.
 */
export const syslogOptions = defineSinkOptions({
  prefix: "IW_SYSLOG",
  name: "syslog",
  options: {
    /** `udp://host[:514]`, `tcp://host[:514]` or `tls://host[:6514]`. */
    url: option
      .custom<string | URL, URL | undefined>({
        form: URL_FORM,
        fromEnv: (text) => text.trim(),
        resolve: (value) => {
          if (value === undefined) return undefined;
          if (typeof value !== "string" && !(value instanceof URL)) throw new Error("not a URL or a string");
          if (typeof value === "string" && value.split(",").slice(1).some(isSyslogUrl)) {
            throw new Error("holds several URLs; give one (use a named instance, <PREFIX>_<NAME>_URL, for another destination)");
          }
          return checkSyslogUrl(value);
        },
      })
      .required(),
    /** What each message carries: RFC 5424 with structured data, old BSD syslog, or a SIEM format. @default "rfc5424" */
    format: option.enum(["rfc5424", "rfc3164", "cef", "leef"], "rfc5424"),
    /** The syslog header in front of a CEF or LEEF payload. @default "rfc5424" */
    header: option
      .enum(["rfc5424", "rfc3164"])
      .describe("the syslog header of cef and leef messages: one of rfc5424, rfc3164; default rfc5424"),
    /** How messages are delimited on a TCP or TLS stream (RFC 6587). @default "octet-counting" (the only one over TLS) */
    framing: option
      .enum(["octet-counting", "non-transparent"])
      .describe(
        "tcp:// only: octet-counting or non-transparent (a line feed ends each message; line breaks in values become spaces) (RFC 6587); default octet-counting, the only one over tls://",
      ),
    /** Facility of scan logs and summaries, 0–23 (`local0` is 16; the variable also takes the name). @default 16 */
    facility: facility(`${FACILITY_FORM}, of scan logs and summaries; default local0`, DEFAULT_FACILITY),
    /** Facility of audit events. @default `facility` */
    auditFacility: facility(`${FACILITY_FORM}, of audit events; default <PREFIX>_FACILITY`),
    /** APP-NAME (RFC 5424) or TAG (RFC 3164). @default "inferwall" */
    appName: option
      .string("APP-NAME (RFC 5424) and TAG (RFC 3164): 1 to 48 printable ASCII characters", "inferwall")
      .check((value) =>
        value === "-" || printableAscii(value, 48) !== value
          ? "not 1 to 48 printable ASCII characters without spaces (RFC 5424 APP-NAME)"
          : undefined,
      ),
    /** HOSTNAME of every message unless the event has its own `host` (printable ASCII; anything else becomes `_`). @default os.hostname() */
    hostname: option.custom<string, string>({
      form: "HOSTNAME of every message whose event has no host of its own; default the OS host name",
      fromEnv: (text, ctx) => plainLine.fromEnv(text, ctx),
      resolve: (value, ctx) => printableAscii(plainLine.resolve(value, ctx) ?? osHostname(), 255),
    }),
    /**
     * Private enterprise number of our structured-data ids (`iw@<number>`). 32473 is the number
     * RFC 5612 reserves for documentation: set your organisation's own. @default "32473"
     */
    enterpriseId: option.custom<string, string>({
      form: `private enterprise number of the structured-data ids (iw@<number>); 32473 is the example number RFC 5612 reserves for documentation, set your organisation's; default ${DOCUMENTATION_ENTERPRISE_ID}`,
      fromEnv: (text) => text.trim(),
      resolve: (value) => {
        if (value === undefined || value === "") return DOCUMENTATION_ENTERPRISE_ID;
        if (typeof value !== "string") throw new Error("not a string");
        const id = value.trim();
        if (!ENTERPRISE_ID.test(id) || id.length > MAX_ENTERPRISE_ID_LENGTH) {
          throw new Error(`not a private enterprise number such as 32473 or 32473.1 (at most ${MAX_ENTERPRISE_ID_LENGTH} characters)`);
        }
        return id;
      },
    }),
    /**
     * Largest message in bytes (the frame's length prefix or trailer not counted). A longer one is
     * shortened by rule and counted `truncated`. @default 2048 over UDP, 8192 over TCP and TLS
     */
    maxMessageBytes: option.custom<number, number | undefined>({
      form: `largest message in bytes, ${MIN_MESSAGE_BYTES} to ${MAX_UDP_MESSAGE_BYTES} over udp:// (${MAX_STREAM_MESSAGE_BYTES} over tcp:// and tls://); longer ones are shortened by rule and counted truncated; default ${DEFAULT_UDP_MAX_MESSAGE_BYTES} over udp://, ${DEFAULT_STREAM_MAX_MESSAGE_BYTES} over tcp:// and tls://`,
      fromEnv: (text, ctx) => wholeBytes.fromEnv(text, ctx),
      // The default and the UDP bound depend on the URL: see the rules, and resolveOptions.
      resolve: (value, ctx) => (value === undefined ? undefined : wholeBytes.resolve(value, ctx)),
    }),
    /** CEF/LEEF Device Vendor. @default "InferenceWall" */
    vendor: deviceField("CEF/LEEF Device Vendor", "InferenceWall"),
    /** CEF/LEEF Device Product. @default "InferenceWall" */
    product: deviceField("CEF/LEEF Device Product", "InferenceWall"),
    /** CEF/LEEF Device Version: the firewall's version. @default "1.0" */
    productVersion: deviceField("CEF/LEEF Device Version (the firewall's version)", "1.0"),
    ...tls,
    /** TCP (and TLS) connect deadline. @default 5000 */
    connectTimeoutMs: option.ms(5000, 1, 600_000),
    /** A stream connection idle this long is closed; the next batch opens a new one (0: never). @default 30000 (code only) */
    idleTimeoutMs: option.ms(30_000, 0).env(null).describe("a whole number from 0 (never) to 3600000 ms; default 30000 ms"),
    /** TCP keep-alive probe delay of stream connections. @default 30000 (code only) */
    keepAliveMs: option.ms(30_000).env(null),
  },
  rules(o, problem) {
    const scheme = o.url.protocol;
    const p = o.envPrefix;
    if (scheme !== "tls:") {
      const set = (["ca", "cert", "key"] as const).filter((name) => o[name] !== undefined);
      if (set.length > 0) {
        const variables = set.map((name) => `${p}_${String(tls[name].variable)}`).join(", ");
        problem("url", `${scheme}// while TLS files are set (${variables}); use tls://`);
      }
    }
    if (scheme === "udp:" && o.framing !== undefined) {
      problem("framing", "only applies to tcp:// and tls:// (over UDP every datagram is one message)");
    }
    if (scheme === "tls:" && o.framing === "non-transparent") {
      problem("framing", "must be octet-counting over tls:// (RFC 5425 requires it)");
    }
    if (o.header !== undefined && o.format !== "cef" && o.format !== "leef" && o.header !== o.format) {
      problem("header", `only applies to ${p}_FORMAT=cef or leef (the ${o.format} format is its own header)`);
    }
    if (scheme === "udp:" && o.maxMessageBytes !== undefined && o.maxMessageBytes > MAX_UDP_MESSAGE_BYTES) {
      problem(
        "maxMessageBytes",
        `too large for udp://: ${MIN_MESSAGE_BYTES} to ${MAX_UDP_MESSAGE_BYTES} over udp:// (the largest IPv4 datagram); use tcp:// or tls:// for longer messages`,
      );
    }
  },
});

/**
 * Options of the syslog sink. `plugin` reads them from `IW_SYSLOG_*`; code may pass them to
 * `createSyslogSink` directly, and they run the same checks. Only `url` is required; see
 * `syslogOptions` for each default.
 */
export type SyslogSinkOptions = SinkOptionsInput<typeof syslogOptions>;
/** The options checked, every default that depends on no other option applied. */
export type CheckedSyslogOptions = SinkOptionsOutput<typeof syslogOptions>;
/** What each message carries: RFC 5424 with structured data, old BSD syslog, or a SIEM format. */
export type SyslogFormat = SyslogSinkOptions["format"] & string;
/** The syslog header in front of a CEF or LEEF payload. */
export type SyslogHeader = SyslogSinkOptions["header"] & string;
/** How messages are delimited on a TCP or TLS stream (RFC 6587). */
export type SyslogFraming = SyslogSinkOptions["framing"] & string;
