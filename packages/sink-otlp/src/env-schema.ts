import { IwConfigError } from "@iw/core";
import {
  HEADER_LIST_FORM,
  INVALID,
  checkConfiguredHeaders,
  envBool,
  envEnum,
  envField,
  envFile,
  envHeaders,
  envMs,
  envObject,
  envString,
  envUrlList,
} from "@iw/core/sink-kit";
import type { EnvOutput } from "@iw/core/sink-kit";
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_PROTOCOL, OTLP_COMPRESSIONS, OTLP_PROTOCOLS } from "./options.js";
import type { OtlpCompression, OtlpSinkOptions } from "./options.js";
import { RESOURCE_ATTRIBUTES_FORM, parseResourceAttributes } from "./resource-attributes.js";
import { OTLP_MANAGED_HEADERS, resolveOtlpOptions } from "./resolve-options.js";

/** What the plugin's schema yields: the sink's options, and notes to log when the sink starts. */
export interface OtlpPluginOptions extends OtlpSinkOptions {
  /** Things worth a warning at start (OpenTelemetry headers left out because they belong to another endpoint). */
  readonly notices?: readonly string[];
}

const OTEL = "OTEL_EXPORTER_OTLP";
const otel = (what: string) => `fallback read only when the IW_OTLP_ variable is unset; never activates the sink (${what})`;
/** A variable read as it is (`undefined` when unset): the transform checks it only if it uses it. */
const raw = (form: string) => envField(form, (v) => v);

const resourceAttributes = envField(`${RESOURCE_ATTRIBUTES_FORM}; default OTEL_RESOURCE_ATTRIBUTES`, (v) =>
  v === undefined || v.trim() === "" ? undefined : parseResourceAttributes(v),
);

const compressionForm = `one of ${OTLP_COMPRESSIONS.join(", ")}`;

/**
 * The sink's variables, in the order of the README table: its own `IW_OTLP_*`, then the
 * standard OpenTelemetry variables it falls back to. Queue tuning (`IW_OTLP_TIMEOUT_MS`,
 * `IW_OTLP_BATCH_SIZE`, …), filters and redaction are parsed by core for every sink.
 */
export const otlpEnvObject = envObject({
  IW_OTLP_URL: envUrlList(["http", "https"])
    .refine((urls) => urls.length === 1, { message: "holds several URLs; give one, and use IW_OTLP_<NAME>_URL for more destinations" })
    .describe(
      "one http(s):// URL of an OTLP/HTTP receiver: http://collector:4318 gets /v1/logs appended, a URL with a path is used as it is; required, activates the sink",
    ),
  IW_OTLP_PROTOCOL: envEnum(OTLP_PROTOCOLS, DEFAULT_PROTOCOL),
  IW_OTLP_HEADERS: envHeaders("IW_OTLP_HEADERS").describe(
    `${HEADER_LIST_FORM}; default OTEL_EXPORTER_OTLP_LOGS_HEADERS merged over OTEL_EXPORTER_OTLP_HEADERS, else none`,
  ),
  IW_OTLP_COMPRESSION: raw(`${compressionForm}; default OTEL_EXPORTER_OTLP_LOGS_COMPRESSION, OTEL_EXPORTER_OTLP_COMPRESSION, else none`),
  IW_OTLP_CA_FILE: envFile(
    "PEM CA certificate(s) trusted for an https:// endpoint instead of the system roots (else OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE or OTEL_EXPORTER_OTLP_CERTIFICATE)",
  ),
  IW_OTLP_CERT_FILE: envFile(
    "PEM client certificate for mutual TLS (with IW_OTLP_KEY_FILE; else OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE or OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE)",
  ),
  IW_OTLP_KEY_FILE: envFile(
    "PEM private key of IW_OTLP_CERT_FILE (else OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY or OTEL_EXPORTER_OTLP_CLIENT_KEY)",
  ),
  IW_OTLP_TLS_VERIFY: envBool(true, "false skips certificate and host-name checks and logs a warning"),
  IW_OTLP_CONNECT_TIMEOUT_MS: envMs(DEFAULT_CONNECT_TIMEOUT_MS, 1, 600_000),
  IW_OTLP_SERVICE_NAME: envString("service.name of every record, over the events' own service (IW_SERVICE_NAME)").describe(
    "service.name of every record, over the events' own service field; default the event's service, else IW_SERVICE_NAME, else OTEL_SERVICE_NAME, else service.name in OTEL_RESOURCE_ATTRIBUTES, else unknown_service:node",
  ),
  IW_OTLP_RESOURCE_ATTRIBUTES: resourceAttributes,
  [`${OTEL}_LOGS_HEADERS`]: raw(
    otel("headers, over OTEL_EXPORTER_OTLP_HEADERS; not sent when OTEL_EXPORTER_OTLP_(LOGS_)ENDPOINT names another host than IW_OTLP_URL"),
  ),
  [`${OTEL}_HEADERS`]: raw(otel("headers")),
  [`${OTEL}_LOGS_ENDPOINT`]: raw(
    "read only to check that the OpenTelemetry headers are meant for IW_OTLP_URL's host; never activates the sink",
  ),
  [`${OTEL}_ENDPOINT`]: raw("read only to check that the OpenTelemetry headers are meant for IW_OTLP_URL's host; never activates the sink"),
  [`${OTEL}_LOGS_TIMEOUT`]: raw(otel("IW_OTLP_TIMEOUT_MS, in ms")),
  [`${OTEL}_TIMEOUT`]: raw(otel("IW_OTLP_TIMEOUT_MS, in ms")),
  [`${OTEL}_LOGS_COMPRESSION`]: raw(otel(compressionForm)),
  [`${OTEL}_COMPRESSION`]: raw(otel(compressionForm)),
  [`${OTEL}_LOGS_CERTIFICATE`]: raw(otel("IW_OTLP_CA_FILE")),
  [`${OTEL}_CERTIFICATE`]: raw(otel("IW_OTLP_CA_FILE")),
  [`${OTEL}_LOGS_CLIENT_CERTIFICATE`]: raw(otel("IW_OTLP_CERT_FILE")),
  [`${OTEL}_CLIENT_CERTIFICATE`]: raw(otel("IW_OTLP_CERT_FILE")),
  [`${OTEL}_LOGS_CLIENT_KEY`]: raw(otel("IW_OTLP_KEY_FILE")),
  [`${OTEL}_CLIENT_KEY`]: raw(otel("IW_OTLP_KEY_FILE")),
  OTEL_SERVICE_NAME: raw(
    "service.name of events that carry no service, when IW_OTLP_SERVICE_NAME and IW_SERVICE_NAME are unset; never activates the sink",
  ),
  OTEL_RESOURCE_ATTRIBUTES: raw(
    `${RESOURCE_ATTRIBUTES_FORM}; used when IW_OTLP_RESOURCE_ATTRIBUTES is unset (its service.name as the default service name); never activates the sink`,
  ),
});

/** The parsed variables, before they become {@link OtlpPluginOptions}. */
export type OtlpEnv = EnvOutput<typeof otlpEnvObject>;

const isSet = (v: string | undefined): v is string => v !== undefined && v.trim() !== "";

/** `OTEL_EXPORTER_OTLP_LOGS_TIMEOUT`, else `OTEL_EXPORTER_OTLP_TIMEOUT`, as a queue attempt deadline (ms); `undefined` when unset or unusable. */
export function otelTimeoutMs(env: Readonly<Record<string, string | undefined>>): number | undefined {
  for (const name of [`${OTEL}_LOGS_TIMEOUT`, `${OTEL}_TIMEOUT`]) {
    const v = env[name];
    if (!isSet(v)) continue;
    const n = /^\d+$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
    return Number.isSafeInteger(n) && n >= 100 && n <= 600_000 ? n : undefined;
  }
  return undefined;
}

/**
 * The plugin's options schema: the environment object in, {@link OtlpPluginOptions} out. An
 * OpenTelemetry variable is read only where the matching `IW_OTLP_*` one is unset, and checked
 * only then: a bad value it would not use never turns the sink off.
 */
export const otlpEnvSchema = otlpEnvObject.loose().transform((env, ctx): OtlpPluginOptions => {
  const e = env;
  const str = (name: string): string | undefined => (isSet(e[name] as string | undefined) ? (e[name] as string).trim() : undefined);
  const issue = (variable: string, message: string): undefined => {
    ctx.addIssue({ code: "custom", path: [variable], message });
    return undefined;
  };
  const first = (...names: string[]): string | undefined => names.find((n) => str(n) !== undefined);
  const notices: string[] = [];
  const url = e.IW_OTLP_URL[0]!;

  let headers = e.IW_OTLP_HEADERS;
  if (Object.keys(headers).length === 0) {
    const parsed: Record<string, string>[] = [];
    for (const name of [`${OTEL}_HEADERS`, `${OTEL}_LOGS_HEADERS`]) {
      if (str(name) === undefined) continue;
      const r = envHeaders(name).safeParse(str(name));
      if (r.success) parsed.push(r.data);
      else issue(name, r.error.issues[0]?.message ?? "is invalid");
    }
    const merged = Object.assign({}, ...parsed) as Record<string, string>;
    const endpointVar = first(`${OTEL}_LOGS_ENDPOINT`, `${OTEL}_ENDPOINT`);
    const origin = endpointVar === undefined ? undefined : originOf(str(endpointVar)!);
    if (Object.keys(merged).length > 0 && endpointVar !== undefined && origin !== url.origin) {
      notices.push(
        `OTEL_EXPORTER_OTLP_(LOGS_)HEADERS are not sent: ${endpointVar} names ${origin ?? "an unreadable URL"}, not IW_OTLP_URL's ${url.origin}, and its credentials must not go elsewhere; set IW_OTLP_HEADERS for this endpoint`,
      );
    } else if (Object.keys(merged).length > 0) {
      try {
        headers = checkConfiguredHeaders(merged, `${OTEL}_HEADERS`, OTLP_MANAGED_HEADERS);
      } catch (err) {
        issue(`${OTEL}_HEADERS`, (err as Error).message.replace(/^OTEL_EXPORTER_OTLP_HEADERS /, ""));
      }
    }
  }

  let compression: OtlpCompression | undefined;
  const compressionVar = first("IW_OTLP_COMPRESSION", `${OTEL}_LOGS_COMPRESSION`, `${OTEL}_COMPRESSION`);
  if (compressionVar !== undefined) {
    const v = str(compressionVar)!.toLowerCase();
    if ((OTLP_COMPRESSIONS as readonly string[]).includes(v)) compression = v as OtlpCompression;
    else issue(compressionVar, `not one of the allowed values (${compressionForm})`);
  }

  const file = (iw: keyof OtlpEnv, logsVar: string, genericVar: string): { variable: string; contents: Uint8Array } | undefined => {
    const own = e[iw] as { contents: Uint8Array } | undefined;
    if (own !== undefined) return { variable: iw, contents: own.contents };
    const variable = first(logsVar, genericVar);
    if (variable === undefined) return undefined;
    const r = envFile(variable).safeParse(str(variable));
    if (!r.success) return issue(variable, r.error.issues[0]?.message ?? "is invalid");
    return r.data === undefined ? undefined : { variable, contents: r.data.contents };
  };
  const ca = file("IW_OTLP_CA_FILE", `${OTEL}_LOGS_CERTIFICATE`, `${OTEL}_CERTIFICATE`);
  const cert = file("IW_OTLP_CERT_FILE", `${OTEL}_LOGS_CLIENT_CERTIFICATE`, `${OTEL}_CLIENT_CERTIFICATE`);
  const key = file("IW_OTLP_KEY_FILE", `${OTEL}_LOGS_CLIENT_KEY`, `${OTEL}_CLIENT_KEY`);

  const timeoutVar = first(`${OTEL}_LOGS_TIMEOUT`, `${OTEL}_TIMEOUT`);
  if (
    timeoutVar !== undefined &&
    !isSet(e["IW_OTLP_TIMEOUT_MS"] as string | undefined) &&
    otelTimeoutMs(e as Record<string, string | undefined>) === undefined
  ) {
    issue(timeoutVar, "not a whole number of milliseconds from 100 to 600000");
  }

  let otelAttributes: Record<string, string> | undefined;
  if (str("OTEL_RESOURCE_ATTRIBUTES") !== undefined) {
    try {
      otelAttributes = parseResourceAttributes(str("OTEL_RESOURCE_ATTRIBUTES")!);
    } catch (err) {
      issue("OTEL_RESOURCE_ATTRIBUTES", (err as Error).message);
    }
  }
  const ownAttributes = e.IW_OTLP_RESOURCE_ATTRIBUTES;
  const serviceName = e.IW_OTLP_SERVICE_NAME ?? ownAttributes?.["service.name"];
  // IW_SERVICE_NAME is core's, for the events core makes; here it names the host's events too.
  const defaultServiceName = str("IW_SERVICE_NAME") ?? str("OTEL_SERVICE_NAME") ?? otelAttributes?.["service.name"];

  const options: OtlpPluginOptions = {
    url,
    protocol: e.IW_OTLP_PROTOCOL,
    headers,
    tlsVerify: e.IW_OTLP_TLS_VERIFY,
    connectTimeoutMs: e.IW_OTLP_CONNECT_TIMEOUT_MS,
    resourceAttributes: ownAttributes ?? otelAttributes ?? {},
    ...(compression === undefined ? {} : { compression }),
    ...(ca === undefined ? {} : { ca: ca.contents }),
    ...(cert === undefined ? {} : { cert: cert.contents }),
    ...(key === undefined ? {} : { key: key.contents }),
    ...(serviceName === undefined ? {} : { serviceName }),
    ...(defaultServiceName === undefined ? {} : { defaultServiceName }),
    ...(notices.length === 0 ? {} : { notices }),
  };
  if ((cert === undefined) !== (key === undefined)) {
    const [have, missing] = cert === undefined ? [key!.variable, "IW_OTLP_CERT_FILE"] : [cert.variable, "IW_OTLP_KEY_FILE"];
    return issue(missing, `is unset while ${have} is set; mutual TLS needs a certificate and its key`) ?? INVALID;
  }
  try {
    resolveOtlpOptions(options);
  } catch (err) {
    if (!(err instanceof IwConfigError)) throw err;
    ctx.addIssue({ code: "custom", message: err.message, path: err.variable === undefined ? [] : [err.variable] });
    return INVALID;
  }
  return options;
});

function originOf(text: string): string | undefined {
  try {
    return new URL(text).origin;
  } catch {
    return undefined;
  }
}
