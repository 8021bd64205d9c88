import { IwConfigError } from "@iw/core";
import { envBool, envEnum, envFile, envHeaders, envMs, envObject, envString, envUrlList } from "@iw/core/sink-kit";
import type { EnvOutput } from "@iw/core/sink-kit";
import { DEFAULT_CONNECT_TIMEOUT_MS } from "./options.js";
import type { LogstashSinkOptions } from "./options.js";
import { resolveOptions } from "./resolve-options.js";

/**
 * The sink's own variables, each with its expected form and default (`.describe()`), in the
 * order of the README table. Queue tuning (`IW_ELK_BATCH_SIZE`, `IW_ELK_TIMEOUT_MS`, …), filters
 * (`IW_ELK_EVENTS`) and redaction (`IW_ELK_REDACT`) are parsed by core for every sink.
 */
export const logstashEnvObject = envObject({
  IW_ELK_URL: envUrlList(
    ["http", "https"],
    "one or more http(s)://[user:password@]host:port[/path] URLs of Logstash http inputs, comma-separated (several = nodes load-balanced with failover); required, activates the sink",
  ),
  IW_ELK_METHOD: envEnum(["POST", "PUT"], "POST"),
  IW_ELK_HEADERS: envHeaders("IW_ELK_HEADERS"),
  IW_ELK_USER: envString("basic-auth user for every node (wins over credentials in IW_ELK_URL)"),
  IW_ELK_PASSWORD: envString("basic-auth password (a secret: masked everywhere)"),
  IW_ELK_CA_FILE: envFile("PEM CA certificate(s) trusted for https:// nodes instead of the system roots"),
  IW_ELK_CERT_FILE: envFile("PEM client certificate for mutual TLS (with IW_ELK_KEY_FILE)"),
  IW_ELK_KEY_FILE: envFile("PEM private key of IW_ELK_CERT_FILE"),
  IW_ELK_TLS_VERIFY: envBool(true, "false skips certificate and host-name checks and logs a warning"),
  IW_ELK_CONNECT_TIMEOUT_MS: envMs(DEFAULT_CONNECT_TIMEOUT_MS, 1, 600_000),
  IW_ELK_COMPRESSION: envEnum(["none", "gzip"], "none"),
  IW_ELK_FORMAT: envEnum(["iw", "ecs"], "iw"),
});

/** The parsed variables, before they become {@link LogstashSinkOptions}. */
export type LogstashEnv = EnvOutput<typeof logstashEnvObject>;

/** Maps parsed variables onto sink options. */
export function optionsFromEnv(env: LogstashEnv): LogstashSinkOptions {
  return {
    urls: env.IW_ELK_URL,
    method: env.IW_ELK_METHOD,
    headers: env.IW_ELK_HEADERS,
    ...(env.IW_ELK_USER === undefined ? {} : { user: env.IW_ELK_USER }),
    ...(env.IW_ELK_PASSWORD === undefined ? {} : { password: env.IW_ELK_PASSWORD }),
    ...(env.IW_ELK_CA_FILE === undefined ? {} : { ca: env.IW_ELK_CA_FILE.contents }),
    ...(env.IW_ELK_CERT_FILE === undefined ? {} : { cert: env.IW_ELK_CERT_FILE.contents }),
    ...(env.IW_ELK_KEY_FILE === undefined ? {} : { key: env.IW_ELK_KEY_FILE.contents }),
    tlsVerify: env.IW_ELK_TLS_VERIFY,
    connectTimeoutMs: env.IW_ELK_CONNECT_TIMEOUT_MS,
    compression: env.IW_ELK_COMPRESSION,
    format: env.IW_ELK_FORMAT,
  };
}

/**
 * The plugin's options schema: the environment object in, {@link LogstashSinkOptions} out.
 * Rules that involve several variables (user without password, certificate without key,
 * Authorization header plus basic auth) are checked here too, with the variable as the issue path.
 */
export const logstashEnvSchema = logstashEnvObject
  .superRefine((env, ctx) => {
    try {
      resolveOptions(optionsFromEnv(env));
    } catch (err) {
      if (!(err instanceof IwConfigError)) throw err;
      ctx.addIssue({ code: "custom", message: err.message, path: err.variable === undefined ? [] : [err.variable] });
    }
  })
  .transform(optionsFromEnv);
