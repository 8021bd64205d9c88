import { IwConfigError } from "@iw/core";
import { INVALID, defineSinkPlugin, envBool, envEnum, envField, envFile, envMs, envObject, envString } from "@iw/core/sink-kit";
import type { EnvOutput } from "@iw/core/sink-kit";
import {
  DEFAULT_APP_NAME,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_PRODUCT,
  DEFAULT_PRODUCT_VERSION,
  DEFAULT_STREAM_MAX_MESSAGE_BYTES,
  DEFAULT_UDP_MAX_MESSAGE_BYTES,
  DEFAULT_VENDOR,
  DOCUMENTATION_ENTERPRISE_ID,
  MAX_STREAM_MESSAGE_BYTES,
  MAX_UDP_MESSAGE_BYTES,
  MIN_MESSAGE_BYTES,
  type SyslogSinkOptions,
} from "./options.js";
import { parseFacility, parseSyslogUrl, resolveOptions } from "./resolve-options.js";
import { SyslogSink } from "./syslog-sink.js";

const FACILITY_FORM = "a facility name (kern, user, auth, authpriv, audit, alert, local0 … local7, …) or 0 to 23";

/** An optional word from `values`; `undefined` when unset, so the default may depend on other variables. */
function optionalEnum<const T extends readonly string[]>(values: T, form: string) {
  return envField(form, (v): T[number] | undefined => {
    if (v === undefined || v.trim() === "") return undefined;
    const hit = values.find((x) => x === v.trim().toLowerCase());
    if (hit === undefined) throw new Error("not one of the allowed values");
    return hit;
  });
}

function facility(form: string) {
  return envField(form, (v) => {
    if (v === undefined || v.trim() === "") return undefined;
    const n = parseFacility(v);
    if (n === undefined) throw new Error(`not ${FACILITY_FORM}`);
    return n;
  });
}

/**
 * The sink's own variables, each with its expected form and default, in the order of the
 * README table. Queue tuning (`IW_SYSLOG_BATCH_SIZE`, `IW_SYSLOG_TIMEOUT_MS`, …), filters
 * (`IW_SYSLOG_EVENTS`) and redaction (`IW_SYSLOG_REDACT`) are parsed by core for every sink.
 */
export const syslogEnvObject = envObject({
  IW_SYSLOG_URL: envField("udp://host[:514], tcp://host[:514] or tls://host[:6514] (RFC 5425); required, activates the sink", (v) => {
    if (v === undefined) throw new Error("required");
    try {
      return parseSyslogUrl(v, "IW_SYSLOG_URL").url;
    } catch (err) {
      throw new Error((err as Error).message.replace(/^IW_SYSLOG_URL /, ""));
    }
  }),
  IW_SYSLOG_FORMAT: envEnum(["rfc5424", "rfc3164", "cef", "leef"], "rfc5424"),
  IW_SYSLOG_HEADER: optionalEnum(
    ["rfc5424", "rfc3164"],
    "the syslog header of cef and leef messages: one of rfc5424, rfc3164; default rfc5424",
  ),
  IW_SYSLOG_FRAMING: optionalEnum(
    ["octet-counting", "non-transparent"],
    "tcp:// only: octet-counting or non-transparent (a line feed ends each message; line breaks in values become spaces) (RFC 6587); default octet-counting, the only one over tls://",
  ),
  IW_SYSLOG_FACILITY: facility(`${FACILITY_FORM}, of scan logs and summaries; default local0`),
  IW_SYSLOG_AUDIT_FACILITY: facility(`${FACILITY_FORM}, of audit events; default IW_SYSLOG_FACILITY`),
  IW_SYSLOG_APP_NAME: envString("APP-NAME (RFC 5424) and TAG (RFC 3164): 1 to 48 printable ASCII characters", DEFAULT_APP_NAME),
  IW_SYSLOG_HOSTNAME: envString("HOSTNAME of every message whose event has no host of its own (unset: the OS host name)"),
  IW_SYSLOG_ENTERPRISE_ID: envString(
    "private enterprise number of the structured-data ids (iw@<number>); 32473 is the example number RFC 5612 reserves for documentation, set your organisation's",
    DOCUMENTATION_ENTERPRISE_ID,
  ),
  IW_SYSLOG_MAX_MESSAGE_BYTES: envField(
    `largest message in bytes, ${MIN_MESSAGE_BYTES} to ${MAX_UDP_MESSAGE_BYTES} over udp:// (${MAX_STREAM_MESSAGE_BYTES} over tcp:// and tls://); longer ones are shortened by rule and counted truncated; default ${DEFAULT_UDP_MAX_MESSAGE_BYTES} over udp://, ${DEFAULT_STREAM_MAX_MESSAGE_BYTES} over tcp:// and tls://`,
    (v) => {
      if (v === undefined || v.trim() === "") return undefined;
      const n = /^\d+$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
      if (!Number.isSafeInteger(n) || n < MIN_MESSAGE_BYTES || n > MAX_STREAM_MESSAGE_BYTES)
        throw new Error("out of range or not a whole number");
      return n;
    },
  ),
  IW_SYSLOG_VENDOR: envString("CEF/LEEF Device Vendor", DEFAULT_VENDOR),
  IW_SYSLOG_PRODUCT: envString("CEF/LEEF Device Product", DEFAULT_PRODUCT),
  IW_SYSLOG_PRODUCT_VERSION: envString("CEF/LEEF Device Version (the firewall's version)", DEFAULT_PRODUCT_VERSION),
  IW_SYSLOG_CA_FILE: envFile("PEM CA certificate(s) trusted for tls:// instead of the system roots"),
  IW_SYSLOG_CERT_FILE: envFile("PEM client certificate for mutual TLS (with IW_SYSLOG_KEY_FILE)"),
  IW_SYSLOG_KEY_FILE: envFile("PEM private key of IW_SYSLOG_CERT_FILE"),
  IW_SYSLOG_TLS_VERIFY: envBool(true, "false skips certificate and host-name checks and logs a warning"),
  IW_SYSLOG_CONNECT_TIMEOUT_MS: envMs(DEFAULT_CONNECT_TIMEOUT_MS, 1, 600_000),
});

/** The parsed variables, before they become {@link SyslogSinkOptions}. */
export type SyslogEnv = EnvOutput<typeof syslogEnvObject>;

/** Maps parsed variables onto sink options. */
export function optionsFromEnv(env: SyslogEnv): SyslogSinkOptions {
  const tls = {
    ...(env.IW_SYSLOG_CA_FILE === undefined ? {} : { ca: Buffer.from(env.IW_SYSLOG_CA_FILE.contents) }),
    ...(env.IW_SYSLOG_CERT_FILE === undefined ? {} : { cert: Buffer.from(env.IW_SYSLOG_CERT_FILE.contents) }),
    ...(env.IW_SYSLOG_KEY_FILE === undefined ? {} : { key: Buffer.from(env.IW_SYSLOG_KEY_FILE.contents) }),
    verify: env.IW_SYSLOG_TLS_VERIFY,
  };
  return {
    url: env.IW_SYSLOG_URL,
    format: env.IW_SYSLOG_FORMAT,
    ...(env.IW_SYSLOG_HEADER === undefined ? {} : { header: env.IW_SYSLOG_HEADER }),
    ...(env.IW_SYSLOG_FRAMING === undefined ? {} : { framing: env.IW_SYSLOG_FRAMING }),
    ...(env.IW_SYSLOG_FACILITY === undefined ? {} : { facility: env.IW_SYSLOG_FACILITY }),
    ...(env.IW_SYSLOG_AUDIT_FACILITY === undefined ? {} : { auditFacility: env.IW_SYSLOG_AUDIT_FACILITY }),
    appName: env.IW_SYSLOG_APP_NAME ?? DEFAULT_APP_NAME,
    ...(env.IW_SYSLOG_HOSTNAME === undefined ? {} : { hostname: env.IW_SYSLOG_HOSTNAME }),
    enterpriseId: env.IW_SYSLOG_ENTERPRISE_ID ?? DOCUMENTATION_ENTERPRISE_ID,
    ...(env.IW_SYSLOG_MAX_MESSAGE_BYTES === undefined ? {} : { maxMessageBytes: env.IW_SYSLOG_MAX_MESSAGE_BYTES }),
    vendor: env.IW_SYSLOG_VENDOR ?? DEFAULT_VENDOR,
    product: env.IW_SYSLOG_PRODUCT ?? DEFAULT_PRODUCT,
    productVersion: env.IW_SYSLOG_PRODUCT_VERSION ?? DEFAULT_PRODUCT_VERSION,
    tls,
    connectTimeoutMs: env.IW_SYSLOG_CONNECT_TIMEOUT_MS,
  };
}

/**
 * The plugin's options schema: the environment in, {@link SyslogSinkOptions} out. Rules that
 * involve several variables (TLS files with udp://, framing over UDP, a certificate without its
 * key) are checked here too, with the variable as the issue path.
 */
export const syslogEnvSchema = syslogEnvObject.transform((env, ctx): SyslogSinkOptions => {
  const options = optionsFromEnv(env);
  try {
    resolveOptions(options);
  } catch (err) {
    if (!(err instanceof IwConfigError)) throw err;
    ctx.addIssue({
      code: "custom",
      message: err.message.replace(`${err.variable ?? ""} `, ""),
      path: err.variable === undefined ? [] : [err.variable],
    });
    return INVALID;
  }
  return options;
});

/** The syslog sink plugin, activated by `IW_SYSLOG_URL`. */
export const plugin = defineSinkPlugin({
  name: "syslog",
  env: "IW_SYSLOG_URL",
  options: syslogEnvSchema,
  create(options, deps) {
    // A named instance (syslog:soc) names itself and its own variables in diagnostics.
    const instance = {
      ...options,
      ...(deps.sinkName === undefined ? {} : { name: deps.sinkName }),
      ...(deps.envPrefix === undefined ? {} : { envPrefix: deps.envPrefix }),
    };
    return new SyslogSink(instance, { logger: deps.logger });
  },
});
