import { defineSinkOptions, option, urlParseProblem } from "@iw/core/sink-kit";
import type { SinkOptionsInput, SinkOptionsOutput } from "@iw/core/sink-kit";

/**
 * Batches in flight at once, each on its own connection: 4 rather than core's 2. With acks a
 * batch holds its connection for a round trip plus Fluentd's buffer write, so more slots hide
 * ack latency (measured in BENCHMARKS.md, "Fluentd", with BENCH_ACK_DELAY_MS) while bounding
 * what is in flight to 4 connections. Without acks a send ends once written, so the extra slots
 * are rarely used.
 * `IW_FLUENTD_CONCURRENCY` overrides it.
 */
export const DEFAULT_CONCURRENCY = 4;

/**
 * Events per batch (core's default is 500). Each batch costs a message per tag and, with acks,
 * a round trip and a buffer write in Fluentd: 1,000 amortize that better (BENCHMARKS.md,
 * "Fluentd"). A batch stays far below Fluentd's 8 MB chunks, and core's `maxBatchBytes` still
 * closes a batch of large events early.
 * `IW_FLUENTD_BATCH_SIZE` overrides it.
 */
export const DEFAULT_BATCH_SIZE = 1000;

/** Headers in_http mode sets itself; `IW_FLUENTD_HEADERS` may not replace them (nor core's reserved ones). */
export const IN_HTTP_MANAGED_HEADERS: readonly string[] = ["content-type", "content-encoding"];

/** Why gzip is refused over `unix://` (the reason after `<PREFIX>_COMPRESSION`). */
const UNIX_GZIP =
  "is gzip, which is refused for unix://: Fluentd's in_unix reads PackedForward entries without decompressing them, so every event would be lost without an error, and a local socket gains nothing from compression; remove it";

/** Why a forward URL with `?…` or `#…` is refused: the forward protocol has no use for either, and silently dropping them hides a typo (a `#` in a socket path must be percent-encoded). */
const FORWARD_QUERY =
  "has a query or fragment (?… or #…), which tcp://, tls:// and unix:// have no use for; remove it (percent-encode a ? or # in a socket path)";

/** Why an in_http URL with a fragment is refused: it is never sent, so in_http would get `POST /` and lose the tag. */
const HTTP_FRAGMENT =
  "has a fragment (#…), which is never sent: in_http would get POST / and lose the tag; remove it (a query is kept, after the tag)";

/** Why a forward URL with `user:password@` is refused: in_forward has no URL credentials, so the `<security>` login would silently never be made. */
const FORWARD_CREDENTIALS =
  "carries credentials, which a forward URL has no use for; set <PREFIX>_USERNAME and <PREFIX>_PASSWORD (with <PREFIX>_SHARED_KEY) for in_forward's <security><user>";

const SCHEMES = ["tcp:", "tls:", "unix:", "http:", "https:"];
const TAG = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
/** The tag's default (its form and its value). */
const BASE_TAG = "inferwall";

const URL_FORM =
  "tcp://host:24224 or tls://host:24224 (forward protocol), unix:///path/to.sock, or http(s)://host:9880[/path][?query] (in_http: POST <path>/<tag>?<query>; no #fragment); required";

/** Whether `url` speaks the forward protocol (`tcp:`, `tls:`, `unix:`) rather than in_http. */
export function isForward(url: URL): boolean {
  return url.protocol === "tcp:" || url.protocol === "tls:" || url.protocol === "unix:";
}

/** Checks one Fluentd URL; throws the reason (the pipeline names the variable). Never prints credentials. */
function checkFluentdUrl(input: string | URL): URL {
  if (typeof input !== "string" && !(input instanceof URL)) throw new Error("not a URL or a string");
  const text = String(input).trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(urlParseProblem(text));
  }
  if (!SCHEMES.includes(url.protocol)) throw new Error(`scheme ${url.protocol} is not supported`);
  if (url.protocol === "unix:" ? url.pathname.length <= 1 : url.hostname === "") {
    throw new Error(url.protocol === "unix:" ? "no socket path" : "no host");
  }
  const forward = isForward(url);
  // in_forward has no URL credentials: they would be silently unused, the <security> login never made.
  if (forward && (url.username !== "" || url.password !== "")) throw new Error(FORWARD_CREDENTIALS);
  if (url.hash !== "" || (forward && url.search !== "")) throw new Error(forward ? FORWARD_QUERY : HTTP_FRAGMENT);
  return url;
}

function isFluentdUrl(text: string): boolean {
  try {
    checkFluentdUrl(text);
    return true;
  } catch {
    return false;
  }
}

const boolText = option.bool(true);
const headers = option.headers(IN_HTTP_MANAGED_HEADERS);
/** `ca`, `cert`, `key` and `tlsVerify`, as every sink names them (`<PREFIX>_CA_FILE`, …). */
const tls = option.tls("tls:// and https://");

/**
 * Every option of the Fluentd sink, once: its type, default, checks and variable
 * (`IW_FLUENTD_<OPTION>`; the README table is generated from it). Code and variables run the
 * same checks, and an error names the variable (`IW_FLUENTD_EU_SHARED_KEY` for a named
 * instance). Two defaults depend on more than the option itself and are applied by
 * `resolveOptions`: `ack` (false for `unix://`) and `hostname` (the OS host name). Queue tuning
 * (`IW_FLUENTD_BATCH_SIZE`, `IW_FLUENTD_TIMEOUT_MS`, …), filters and redaction are core's.
 */
export const fluentdOptions = defineSinkOptions({
  prefix: "IW_FLUENTD",
  name: "fluentd",
  options: {
    /**
     * `tcp://host:24224` or `tls://host:24224` (forward protocol), `unix:///path/to.sock`, or
     * `http(s)://host:9880` (in_http; a base path and a query are kept, the tag goes between them).
     */
    url: option
      .custom<string | URL, URL | undefined>({
        form: URL_FORM,
        fromEnv: (text) => text.trim(),
        resolve: (value) => {
          if (value === undefined) return undefined;
          // A URL object is one URL; text may hold several, as a variable would.
          if (typeof value === "string" && value.split(",").slice(1).some(isFluentdUrl)) {
            throw new Error("holds several URLs; give one (use a named instance, <PREFIX>_<NAME>_URL, for another destination)");
          }
          return checkFluentdUrl(value);
        },
      })
      .required(),
    /** Base tag; `.scan`, `.audit` (the event's `log_type`) are appended. @default "inferwall" */
    tag: option.custom<string, string>({
      form: `dot-separated Fluentd tag; .scan / .audit are appended; default ${BASE_TAG}`,
      fromEnv: (text) => text.trim(),
      resolve: (value) => {
        if (value === undefined || value === "") return BASE_TAG;
        if (typeof value !== "string") throw new Error("not a string");
        const tag = value.trim();
        if (!TAG.test(tag)) throw new Error("not a dot-separated tag of letters, digits, _ and -");
        return tag;
      },
    }),
    /**
     * Forward mode: send `chunk` and count a batch delivered only once acked. @default true, but
     * false for `unix://` (Fluentd's in_unix never acks)
     */
    ack: option.custom<boolean, boolean | undefined>({
      form: "true or false (forward mode: wait for Fluentd's ack of every batch); default true, but false for unix:// (Fluentd's in_unix never acks)",
      fromEnv: (text, ctx) => boolText.fromEnv(text, ctx),
      // Unset stays undefined: its default depends on the URL (see resolveOptions).
      resolve: (value, ctx) => (value === undefined ? undefined : boolText.resolve(value, ctx)),
    }),
    /** `gzip`: CompressedPackedForward, or a gzip request body in in_http mode (never over `unix://`). @default "none" */
    compression: option.enum(["none", "gzip"], "none"),
    /** `iw`: InferenceWall's fields as they are; `ecs`: Elastic Common Schema via core's `toEcs()`. @default "iw" */
    format: option.enum(["iw", "ecs"], "iw"),
    /** Enables the `<security>` handshake (forward mode only); a secret, never printed. @default unset */
    sharedKey: option.string("the <security> shared_key of in_forward (secret)").secret(),
    /** User of `<security><user>`; needs `password` and `sharedKey`. @default unset */
    username: option.string("a <security><user> username; needs <PREFIX>_SHARED_KEY").requires("password", "sharedKey"),
    /** Password of that user; a secret, never printed. @default unset */
    password: option.string("that user's password (secret)").secret().requires("username"),
    /** Our hostname in the handshake. @default os.hostname() */
    hostname: option.string("our hostname in the handshake").describe("our hostname in the handshake; default os.hostname()"),
    // `ca` (trusted for tls:// and https:// instead of the system roots), `cert` and `key` (mutual
    // TLS, together) and `tlsVerify` (on by default): named and read as in every sink.
    ...tls,
    /** Extra request headers in in_http mode (refused for forward URLs). @default none */
    headers: headers.describe(`in_http only: ${headers.form}`),
    /** TCP keep-alive probe delay of forward connections. @default 30000 (code only) */
    keepAliveMs: option.ms(30_000).env(null),
    /**
     * Forward mode: a pooled connection idle this long is closed (0: never), so no peer holds one
     * open forever; the next batch opens a fresh one. As Fluent Bit's `net.keepalive_idle_timeout`:
     * longer than the 1 s flush, so busy pools stay warm. @default 30000 (code only)
     */
    idleTimeoutMs: option.ms(30_000, 0).env(null).describe("a whole number from 0 (never) to 3600000 ms; default 30000 ms"),
  },
  rules(o, problem) {
    const scheme = o.url.protocol;
    const p = o.envPrefix;
    const forward = isForward(o.url);
    if (scheme === "unix:" && o.compression === "gzip") problem("compression", UNIX_GZIP);
    if (forward && Object.keys(o.headers).length > 0) problem("headers", "only applies to http:// and https:// (in_http)");
    if (!forward && o.sharedKey !== undefined) {
      problem("sharedKey", "only applies to tcp://, tls:// and unix:// (in_http has no handshake)");
    }
    if (scheme !== "tls:" && scheme !== "https:") {
      const set = (["ca", "cert", "key"] as const).filter((name) => o[name] !== undefined);
      if (set.length > 0) {
        const variables = set.map((name) => `${p}_${String(tls[name].variable)}`).join(", ");
        problem("url", `is ${scheme}// but TLS files are set (${variables}); use tls:// or https://`);
      }
    }
  },
});

/**
 * Options of the Fluentd sink. `plugin` reads them from `IW_FLUENTD_*`; code may pass them to
 * `createFluentdSink` directly, and they run the same checks. Only `url` is required; see
 * `fluentdOptions` for each default.
 */
export type FluentdSinkOptions = SinkOptionsInput<typeof fluentdOptions>;
/** The options checked, every default that depends on no other option applied. */
export type CheckedFluentdOptions = SinkOptionsOutput<typeof fluentdOptions>;
