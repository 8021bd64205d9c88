import { hostname as osHostname } from "node:os";
import {
  defineSinkPlugin,
  envBool,
  envEnum,
  envField,
  envFile,
  envHeaders,
  envObject,
  envString,
  reservedHeaderProblem,
  urlParseProblem,
} from "@iw/core/sink-kit";
import { createFluentdSink } from "./create.js";
import { IN_HTTP_MANAGED_HEADERS } from "./http-sink.js";
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_CONCURRENCY,
  DEFAULT_TAG,
  FORWARD_QUERY,
  HTTP_FRAGMENT,
  UNIX_GZIP,
  type FluentdSinkOptions,
} from "./options.js";

const SCHEMES = ["tcp:", "tls:", "unix:", "http:", "https:"];
const TAG = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

const url = envField(
  "tcp://host:24224 or tls://host:24224 (forward protocol), unix:///path/to.sock, or http(s)://host:9880[/path][?query] (in_http: POST <path>/<tag>?<query>; no #fragment); required",
  (value): URL => {
    if (value === undefined) throw new Error("required");
    let parsed: URL;
    try {
      parsed = new URL(value.trim());
    } catch {
      throw new Error(urlParseProblem(value));
    }
    if (!SCHEMES.includes(parsed.protocol)) throw new Error(`scheme ${parsed.protocol} is not supported`);
    if (parsed.protocol === "unix:" ? parsed.pathname.length <= 1 : parsed.hostname === "") {
      throw new Error(parsed.protocol === "unix:" ? "no socket path" : "no host");
    }
    const http = parsed.protocol === "http:" || parsed.protocol === "https:";
    if (!http && (parsed.username !== "" || parsed.password !== "")) {
      // in_forward has no URL credentials: they would be silently unused, the <security> login never made.
      throw new Error(
        "a forward URL carries no credentials; set IW_FLUENTD_USERNAME and IW_FLUENTD_PASSWORD (with IW_FLUENTD_SHARED_KEY) for in_forward's <security><user>",
      );
    }
    if (parsed.hash !== "" || (!http && parsed.search !== "")) throw new Error(http ? HTTP_FRAGMENT : FORWARD_QUERY);
    return parsed;
  },
);

const tag = envField(`dot-separated Fluentd tag; .scan / .audit are appended; default ${DEFAULT_TAG}`, (value) => {
  if (value === undefined || value.trim() === "") return DEFAULT_TAG;
  if (!TAG.test(value.trim())) throw new Error("not a dot-separated tag of letters, digits, _ and -");
  return value.trim();
});

const bool = envBool(true);

/**
 * `IW_FLUENTD_ACK`, left undefined when unset: its default depends on the URL (Fluentd's in_unix,
 * behind `unix://`, never acks, so waiting for acks there would time out and resend every batch).
 */
const ack = envField(
  "true or false (forward mode: wait for Fluentd's ack of every batch); default true, but false for unix:// (Fluentd's in_unix never acks)",
  (value) => {
    if (value === undefined || value.trim() === "") return undefined;
    const parsed = bool.safeParse(value);
    if (parsed.success) return parsed.data;
    throw new Error("not a boolean");
  },
);

/** `IW_FLUENTD_*` variables → `FluentdSinkOptions`. */
export const fluentdEnvSchema = envObject({
  IW_FLUENTD_URL: url,
  IW_FLUENTD_TAG: tag,
  IW_FLUENTD_ACK: ack,
  IW_FLUENTD_COMPRESSION: envEnum(["none", "gzip"], "none"),
  IW_FLUENTD_FORMAT: envEnum(["iw", "ecs"], "iw"),
  IW_FLUENTD_SHARED_KEY: envString("the <security> shared_key of in_forward (secret)"),
  IW_FLUENTD_USERNAME: envString("a <security><user> username; needs IW_FLUENTD_SHARED_KEY"),
  IW_FLUENTD_PASSWORD: envString("that user's password (secret)"),
  IW_FLUENTD_HOSTNAME: envString("our hostname in the handshake", "os.hostname()"),
  IW_FLUENTD_CA_FILE: envFile("PEM CA certificate(s) that sign the server certificate (tls:// or https://)"),
  IW_FLUENTD_CERT_FILE: envFile("PEM client certificate for mutual TLS; with IW_FLUENTD_KEY_FILE"),
  IW_FLUENTD_KEY_FILE: envFile("PEM client key for mutual TLS; with IW_FLUENTD_CERT_FILE"),
  IW_FLUENTD_TLS_VERIFY: envBool(true, "verify the server certificate"),
  IW_FLUENTD_HEADERS: envHeaders("IW_FLUENTD_HEADERS").describe(`in_http only: ${envHeaders("IW_FLUENTD_HEADERS").description ?? ""}`),
})
  .superRefine((env, ctx) => {
    const scheme = env.IW_FLUENTD_URL.protocol;
    const forward = scheme === "tcp:" || scheme === "tls:" || scheme === "unix:";
    const tls = scheme === "tls:" || scheme === "https:";
    const issue = (variable: string, message: string): void => ctx.addIssue({ code: "custom", path: [variable], message });
    if (env.IW_FLUENTD_USERNAME !== undefined && env.IW_FLUENTD_PASSWORD === undefined)
      issue("IW_FLUENTD_PASSWORD", "required with IW_FLUENTD_USERNAME");
    if (env.IW_FLUENTD_PASSWORD !== undefined && env.IW_FLUENTD_USERNAME === undefined)
      issue("IW_FLUENTD_USERNAME", "required with IW_FLUENTD_PASSWORD");
    if (env.IW_FLUENTD_USERNAME !== undefined && env.IW_FLUENTD_SHARED_KEY === undefined)
      issue("IW_FLUENTD_SHARED_KEY", "required with IW_FLUENTD_USERNAME (users are part of the <security> handshake)");
    if (forward && Object.keys(env.IW_FLUENTD_HEADERS).length > 0)
      issue("IW_FLUENTD_HEADERS", "only applies to http:// and https:// (in_http)");
    const reserved = forward ? undefined : reservedHeaderProblem(env.IW_FLUENTD_HEADERS, IN_HTTP_MANAGED_HEADERS);
    if (reserved !== undefined) issue("IW_FLUENTD_HEADERS", reserved);
    if (scheme === "unix:" && env.IW_FLUENTD_COMPRESSION === "gzip") issue("IW_FLUENTD_COMPRESSION", `gzip ${UNIX_GZIP}`);
    if (!forward && env.IW_FLUENTD_SHARED_KEY !== undefined)
      issue("IW_FLUENTD_SHARED_KEY", "only applies to tcp://, tls:// and unix:// (in_http has no handshake)");
    if (!tls && (env.IW_FLUENTD_CA_FILE || env.IW_FLUENTD_CERT_FILE || env.IW_FLUENTD_KEY_FILE)) {
      issue("IW_FLUENTD_URL", `is ${scheme}// but TLS files are set; use tls:// or https://`);
    }
    if ((env.IW_FLUENTD_CERT_FILE === undefined) !== (env.IW_FLUENTD_KEY_FILE === undefined)) {
      issue(
        env.IW_FLUENTD_CERT_FILE === undefined ? "IW_FLUENTD_CERT_FILE" : "IW_FLUENTD_KEY_FILE",
        "client certificate and key go together",
      );
    }
  })
  .transform((env): FluentdSinkOptions => ({
    url: env.IW_FLUENTD_URL,
    tag: env.IW_FLUENTD_TAG,
    ack: env.IW_FLUENTD_ACK ?? env.IW_FLUENTD_URL.protocol !== "unix:",
    compression: env.IW_FLUENTD_COMPRESSION,
    format: env.IW_FLUENTD_FORMAT,
    sharedKey: env.IW_FLUENTD_SHARED_KEY,
    username: env.IW_FLUENTD_USERNAME,
    password: env.IW_FLUENTD_PASSWORD,
    hostname: env.IW_FLUENTD_HOSTNAME === "os.hostname()" ? osHostname() : (env.IW_FLUENTD_HOSTNAME ?? osHostname()),
    tls: {
      ca: env.IW_FLUENTD_CA_FILE?.contents,
      cert: env.IW_FLUENTD_CERT_FILE?.contents,
      key: env.IW_FLUENTD_KEY_FILE?.contents,
      verify: env.IW_FLUENTD_TLS_VERIFY,
    },
    headers: env.IW_FLUENTD_HEADERS,
  }));

/** The Fluentd sink plugin, activated by `IW_FLUENTD_URL`. */
export const plugin = defineSinkPlugin({
  name: "fluentd",
  env: "IW_FLUENTD_URL",
  options: fluentdEnvSchema,
  secrets: ["IW_FLUENTD_SHARED_KEY", "IW_FLUENTD_PASSWORD"],
  /** Core's defaults but 4 batches in flight (`DEFAULT_CONCURRENCY`: ack latency). */
  queueDefaults: { maxConcurrency: DEFAULT_CONCURRENCY, maxBatchSize: DEFAULT_BATCH_SIZE },
  create(options, deps) {
    // A named instance (fluentd:eu) names itself and its own variables in diagnostics.
    const instance = {
      ...options,
      ...(deps.sinkName === undefined ? {} : { name: deps.sinkName }),
      ...(deps.envPrefix === undefined ? {} : { envPrefix: deps.envPrefix }),
    };
    return createFluentdSink(instance, deps);
  },
});
