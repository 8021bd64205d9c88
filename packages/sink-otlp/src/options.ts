import { HEADER_LIST_FORM, defineSinkOptions, envField, option } from "@iw/core/sink-kit";
import type { OptionContext, OptionsInputOf, SinkOptionsInput, SinkOptionsOutput } from "@iw/core/sink-kit";
import { RESOURCE_ATTRIBUTES_FORM, checkResourceAttributes, parseResourceAttributes } from "./resource-attributes.js";

/** Headers the sink sets itself; `IW_OTLP_HEADERS` may not replace them (nor core's reserved ones). */
export const OTLP_MANAGED_HEADERS: readonly string[] = ["content-type", "content-encoding"];
/** The OTLP/HTTP path of logs, appended to a URL that has no path. */
export const LOGS_PATH = "/v1/logs";

const URL_FORM =
  "one http(s):// URL of an OTLP/HTTP receiver: http://collector:4318 gets /v1/logs appended, a URL with a path is used as it is; required, activates the sink";
const httpUrl = option.url({ schemes: ["http", "https"], form: URL_FORM });
const tls = option.tls("an https:// endpoint");

/** The options, each once; `otlpOptions` adds the OpenTelemetry fallbacks of the variables. */
const shape = {
  /**
   * The OTLP/HTTP endpoint, `http://` or `https://`. Without a path (`http://collector:4318`)
   * the logs path `/v1/logs` is appended, as `OTEL_EXPORTER_OTLP_ENDPOINT` does; a URL with a
   * path is used as it is, as `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` is. Credentials in it become a
   * Basic `authorization` header and are never printed.
   */
  url: option
    .custom<string | URL, URL | undefined>({
      form: URL_FORM,
      fromEnv: (text, ctx) => httpUrl.fromEnv(text, ctx),
      resolve: (value, ctx) => {
        // Text given in code may hold several URLs too, as the variable may: refused alike.
        if (typeof value === "string") httpUrl.fromEnv(value, ctx);
        let url: URL | undefined;
        try {
          url = httpUrl.resolve(value, ctx);
        } catch (err) {
          const reason = (err as Error).message;
          throw new Error(/: scheme grpcs?: is not supported$/.test(reason) ? `${reason} (OTLP over gRPC is not supported)` : reason);
        }
        if (url !== undefined && (url.pathname === "" || url.pathname === "/")) url.pathname = LOGS_PATH;
        return url;
      },
    })
    .required(),
  /** How log records are encoded: OTLP's binary protobuf, or its JSON mapping. @default "http/protobuf" (the OTLP default) */
  protocol: option.enum(["http/protobuf", "http/json"], "http/protobuf"),
  /** Extra request headers (an API key); CR/LF in a value is refused. @default {} */
  headers: option
    .headers(OTLP_MANAGED_HEADERS)
    .describe(`${HEADER_LIST_FORM}; default OTEL_EXPORTER_OTLP_LOGS_HEADERS merged over OTEL_EXPORTER_OTLP_HEADERS, else none`),
  /**
   * `gzip` sends `Content-Encoding: gzip` bodies. @default "none", as
   * `OTEL_EXPORTER_OTLP_COMPRESSION`'s own default: the usual collector is a local agent or
   * sidecar, where gzip costs the host CPU and saves nothing; across a slow or metered link set
   * `gzip` (about 15× smaller bodies).
   */
  compression: option
    .enum(["none", "gzip"], "none")
    .describe("one of none, gzip; default OTEL_EXPORTER_OTLP_LOGS_COMPRESSION, OTEL_EXPORTER_OTLP_COMPRESSION, else none"),
  /** PEM CA certificate(s) trusted for an `https://` endpoint instead of the system roots. @default system roots */
  ca: tls.ca.describe(
    "PEM CA certificate(s) trusted for an https:// endpoint instead of the system roots (else OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE or OTEL_EXPORTER_OTLP_CERTIFICATE): path to a readable file; unset by default",
  ),
  /** PEM client certificate for mutual TLS (needs `key`). @default none */
  cert: tls.cert.describe(
    "PEM client certificate for mutual TLS (with <PREFIX>_KEY_FILE; else OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE or OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE): path to a readable file; unset by default",
  ),
  /** PEM private key of `cert`. @default none */
  key: tls.key.describe(
    "PEM private key of <PREFIX>_CERT_FILE (else OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY or OTEL_EXPORTER_OTLP_CLIENT_KEY): path to a readable file; unset by default",
  ),
  /** Verify the server certificate and host name. `false` logs a warning. @default true */
  tlsVerify: tls.tlsVerify,
  /** TCP + TLS connect deadline. @default 10000 */
  connectTimeoutMs: option.ms(10_000, 1, 600_000),
  /** `service.name` of every record, over the event's own `service` field. @default the event's `service`, else `defaultServiceName` */
  serviceName: option
    .string("service.name of every record, over the events' own service field")
    .describe(
      "service.name of every record, over the events' own service field; default the event's service, else IW_SERVICE_NAME, else OTEL_SERVICE_NAME, else service.name in OTEL_RESOURCE_ATTRIBUTES, else unknown_service:node",
    ),
  /**
   * `service.name` of events that carry no `service` (the OpenTelemetry resource convention's
   * default). @default "unknown_service:node"; from the environment `IW_SERVICE_NAME`, else
   * `OTEL_SERVICE_NAME`, else `service.name` in `OTEL_RESOURCE_ATTRIBUTES` (code only: no `IW_OTLP_` variable)
   */
  defaultServiceName: option.string("service.name of events that carry no service", "unknown_service:node").env(null),
  /**
   * More resource attributes (`deployment.environment.name`, …). A `host.name` here wins over
   * the event's `host`; `service.name` is set by the two options above, `telemetry.sdk.*` by
   * the sink. @default {}
   */
  resourceAttributes: option.custom<Readonly<Record<string, string>>, Readonly<Record<string, string>>>({
    form: `${RESOURCE_ATTRIBUTES_FORM}; default OTEL_RESOURCE_ATTRIBUTES`,
    fromEnv: (text) => parseResourceAttributes(text),
    resolve: (value) => (value === undefined ? {} : checkResourceAttributes(value)),
  }),
};

type OtlpInput = OptionsInputOf<typeof shape>;
type Completed = { -readonly [K in keyof OtlpInput]: OtlpInput[K] } & { notices?: readonly string[] };

const OTEL = "OTEL_EXPORTER_OTLP";
const otel = (what: string) => `fallback read only when the IW_OTLP_ variable is unset; never activates the sink (${what})`;
/** A variable read as it is (`undefined` when unset): `applyOpenTelemetry` checks it only if it uses it. */
const raw = (form: string) => envField(form, (v) => v);
const ENDPOINT_FORM = "read only to check that the OpenTelemetry headers are meant for IW_OTLP_URL's host; never activates the sink";

/**
 * Variables the fallbacks read that other tables document: core's `IW_SERVICE_NAME` (it names
 * the default service) and the queue's `IW_OTLP_TIMEOUT_MS` (when set, `OTEL_EXPORTER_OTLP_TIMEOUT`
 * is not used, so not checked). Read here, left out of this sink's README table.
 */
export const READ_NOT_LISTED: readonly string[] = ["IW_SERVICE_NAME", "IW_OTLP_TIMEOUT_MS"];

/** The OpenTelemetry variables the sink falls back to, in the order of the README table (after its own). */
const otelFields = {
  [`${OTEL}_LOGS_HEADERS`]: raw(
    otel("headers, over OTEL_EXPORTER_OTLP_HEADERS; not sent when OTEL_EXPORTER_OTLP_(LOGS_)ENDPOINT names another host than IW_OTLP_URL"),
  ),
  [`${OTEL}_HEADERS`]: raw(otel("headers")),
  [`${OTEL}_LOGS_ENDPOINT`]: raw(ENDPOINT_FORM),
  [`${OTEL}_ENDPOINT`]: raw(ENDPOINT_FORM),
  [`${OTEL}_LOGS_TIMEOUT`]: raw(otel("IW_OTLP_TIMEOUT_MS, in ms")),
  [`${OTEL}_TIMEOUT`]: raw(otel("IW_OTLP_TIMEOUT_MS, in ms")),
  [`${OTEL}_LOGS_COMPRESSION`]: raw(otel("one of none, gzip")),
  [`${OTEL}_COMPRESSION`]: raw(otel("one of none, gzip")),
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
  IW_SERVICE_NAME: raw("core's service name (see @iw/core); here also the service.name of events that carry none"),
  IW_OTLP_TIMEOUT_MS: raw("the attempt deadline (core's queue variable); when set, OTEL_EXPORTER_OTLP_(LOGS_)TIMEOUT is not read"),
};

const isSet = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";

/** `OTEL_EXPORTER_OTLP_LOGS_TIMEOUT`, else `OTEL_EXPORTER_OTLP_TIMEOUT`, as a queue attempt deadline (ms); `undefined` when unset or unusable. */
export function otelTimeoutMs(env: Readonly<Record<string, unknown>>): number | undefined {
  for (const name of [`${OTEL}_LOGS_TIMEOUT`, `${OTEL}_TIMEOUT`]) {
    const v = env[name];
    if (!isSet(v)) continue;
    const n = /^\d+$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
    return Number.isSafeInteger(n) && n >= 100 && n <= 600_000 ? n : undefined;
  }
  return undefined;
}

function originOf(url: string | URL | undefined): string | undefined {
  try {
    return url === undefined ? undefined : new URL(String(url)).origin;
  } catch {
    return undefined;
  }
}

/**
 * Completes the options read from `IW_OTLP_*` with the OpenTelemetry variables. Each is read
 * only where the `IW_OTLP_*` variable it stands in for is unset, and checked only then (by the
 * option's own checks, under its own name): a value meant for another exporter never turns the
 * sink off. Adds `notices` for what the sink should say at start.
 */
function applyOpenTelemetry(
  input: OtlpInput,
  values: Readonly<Record<string, unknown>>,
  problem: (variable: string, reason: string) => void,
): OtlpInput {
  const text = (name: string): string | undefined => {
    const v = values[name];
    return isSet(v) ? v.trim() : undefined;
  };
  const first = (...names: string[]): string | undefined => names.find((n) => text(n) !== undefined);
  /** `variable` read and checked as option `name` reads its own; `undefined` (and a problem) when refused. */
  function read<K extends keyof typeof shape>(name: K, variable: string): OtlpInput[K] | undefined {
    const opt = shape[name];
    const ctx: OptionContext = { variable };
    try {
      const value = opt.fromEnv(text(variable)!, ctx) as never;
      opt.resolve(value, ctx);
      return value;
    } catch (err) {
      problem(variable, (err as Error).message.replaceAll("<PREFIX>", "IW_OTLP"));
      return undefined;
    }
  }
  const out: Completed = { ...input };
  const notices: string[] = [];

  if (Object.keys(input.headers ?? {}).length === 0) {
    const merged: Record<string, string> = {};
    for (const variable of [`${OTEL}_HEADERS`, `${OTEL}_LOGS_HEADERS`]) {
      if (text(variable) === undefined) continue;
      try {
        Object.assign(merged, shape.headers.fromEnv(text(variable)!, { variable }));
      } catch (err) {
        problem(variable, (err as Error).message);
      }
    }
    const endpointVar = first(`${OTEL}_LOGS_ENDPOINT`, `${OTEL}_ENDPOINT`);
    const endpoint = endpointVar === undefined ? undefined : originOf(text(endpointVar));
    const own = originOf(input.url);
    if (Object.keys(merged).length > 0 && endpointVar !== undefined && endpoint !== own) {
      notices.push(
        `OTEL_EXPORTER_OTLP_(LOGS_)HEADERS are not sent: ${endpointVar} names ${endpoint ?? "an unreadable URL"}, not IW_OTLP_URL's ${own ?? "endpoint"}, and its credentials must not go elsewhere; set IW_OTLP_HEADERS for this endpoint`,
      );
    } else if (Object.keys(merged).length > 0) {
      try {
        out.headers = shape.headers.resolve(merged, { variable: `${OTEL}_HEADERS` });
      } catch (err) {
        problem(`${OTEL}_HEADERS`, (err as Error).message);
      }
    }
  }

  if (input.compression === undefined) {
    const variable = first(`${OTEL}_LOGS_COMPRESSION`, `${OTEL}_COMPRESSION`);
    const compression = variable === undefined ? undefined : read("compression", variable);
    if (compression !== undefined) out.compression = compression;
  }

  // The TLS files: each from its IW_OTLP_ variable, else the logs, else the generic OpenTelemetry one.
  const files = {
    cert: { own: "IW_OTLP_CERT_FILE", otel: [`${OTEL}_LOGS_CLIENT_CERTIFICATE`, `${OTEL}_CLIENT_CERTIFICATE`] },
    key: { own: "IW_OTLP_KEY_FILE", otel: [`${OTEL}_LOGS_CLIENT_KEY`, `${OTEL}_CLIENT_KEY`] },
    ca: { own: "IW_OTLP_CA_FILE", otel: [`${OTEL}_LOGS_CERTIFICATE`, `${OTEL}_CERTIFICATE`] },
  } as const;
  const from: Partial<Record<keyof typeof files, string>> = {};
  for (const name of ["ca", "cert", "key"] as const) {
    if (input[name] !== undefined) {
      from[name] = files[name].own;
      continue;
    }
    const variable = first(...files[name].otel);
    if (variable === undefined) continue;
    const contents = read(name, variable);
    if (contents !== undefined) [out[name], from[name]] = [contents, variable];
  }
  // A certificate without its key (or the reverse) that came from an OpenTelemetry variable is
  // named as such, once (the options' own check would name IW_OTLP_CERT_FILE, which is unset).
  for (const [have, missing] of [
    ["cert", "key"],
    ["key", "cert"],
  ] as const) {
    const source = from[have];
    if (source !== undefined && from[missing] === undefined && source !== files[have].own) {
      problem(files[missing].own, `is unset while ${source} is set, which needs it`);
      delete out[have];
    }
  }

  const timeoutVar = first(`${OTEL}_LOGS_TIMEOUT`, `${OTEL}_TIMEOUT`);
  if (timeoutVar !== undefined && text("IW_OTLP_TIMEOUT_MS") === undefined && otelTimeoutMs(values) === undefined) {
    problem(timeoutVar, "not a whole number of milliseconds from 100 to 600000");
  }

  // IW_SERVICE_NAME is core's, for the events core makes; here it names the host's events too.
  const serviceVar = first("IW_SERVICE_NAME", "OTEL_SERVICE_NAME");
  const needsOtelAttributes =
    input.resourceAttributes === undefined || (serviceVar === undefined && input.defaultServiceName === undefined);
  const otelAttributes =
    needsOtelAttributes && text("OTEL_RESOURCE_ATTRIBUTES") !== undefined
      ? read("resourceAttributes", "OTEL_RESOURCE_ATTRIBUTES")
      : undefined;
  if (input.resourceAttributes === undefined && otelAttributes !== undefined) out.resourceAttributes = otelAttributes;
  // A service.name in IW_OTLP_RESOURCE_ATTRIBUTES names the service as IW_OTLP_SERVICE_NAME does.
  const serviceName = input.serviceName ?? input.resourceAttributes?.["service.name"];
  if (serviceName !== undefined) out.serviceName = serviceName;
  if (input.defaultServiceName === undefined) {
    const name = serviceVar === undefined ? otelAttributes?.["service.name"] : read("defaultServiceName", serviceVar);
    if (name !== undefined) out.defaultServiceName = name;
  }

  if (notices.length > 0) out.notices = notices;
  return out;
}

/**
 * Every option of the OTLP sink, once: its type, default, checks and variable (`IW_OTLP_<OPTION>`;
 * the README table is generated from it), then the OpenTelemetry variables it falls back to.
 * Code and variables run the same checks, and an error names the variable (`IW_OTLP_PROD_URL`
 * for a named instance). Batching, retries and the attempt deadline belong to the delivery queue
 * (`IW_OTLP_BATCH_SIZE`, `IW_OTLP_TIMEOUT_MS`, …), not to the sink.
 */
export const otlpOptions = defineSinkOptions({
  prefix: "IW_OTLP",
  name: "otlp",
  options: shape,
  extraEnv: { fields: otelFields, apply: applyOpenTelemetry },
});

/** How to reach the OTLP endpoint and what to say about the service. Only `url` is required; see `otlpOptions` for each default. */
export type OtlpSinkOptions = SinkOptionsInput<typeof otlpOptions>;
/** The options checked, with every default applied. */
export type OtlpResolvedOptions = SinkOptionsOutput<typeof otlpOptions>;
/** How log records are encoded: OTLP's binary protobuf, or its JSON mapping. */
export type OtlpProtocol = OtlpSinkOptions["protocol"] & string;
/** Request body encoding. */
export type OtlpCompression = OtlpSinkOptions["compression"] & string;

/**
 * What the plugin's options schema yields: the options as the variables give them, and what to
 * say when the sink starts (OpenTelemetry headers left out because they belong to another
 * endpoint). Internal: `create` logs the notices and builds the sink from the rest.
 */
export type OtlpPluginOptions = OtlpSinkOptions & { readonly notices?: readonly string[] };
