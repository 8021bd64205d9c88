import { IwConfigError } from "@iw/core";
import { checkConfiguredHeaders, reservedHeaderProblem as coreReservedHeaderProblem } from "@iw/core/sink-kit";
import { defaultCloudEventsSource } from "./cloudevents.js";
import type { WebhookFormat } from "./formats.js";
import { WEBHOOK_FORMATS } from "./formats.js";
import type { WebhookSigningKey } from "./signing.js";
import { parseWebhookSecrets } from "./signing.js";

/** HTTP methods the sink may use (Wallarm offers the same two). */
export const WEBHOOK_METHODS = ["POST", "PUT"] as const;
/** One of {@link WEBHOOK_METHODS}. */
export type WebhookMethod = (typeof WEBHOOK_METHODS)[number];

/** Default connection timeout, as Wallarm's webhook integration: 20 s. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;
/**
 * The attempt deadline this sink is meant to run with (Wallarm and Standard Webhooks: 15 s).
 * The deadline itself belongs to the delivery queue (`IW_WEBHOOK_TIMEOUT_MS`); hosts building a
 * queue by hand should pass it as `attemptTimeoutMs`.
 */
export const DEFAULT_WEBHOOK_ATTEMPT_TIMEOUT_MS = 15_000;

/** Headers the sink sets on every request; a configured header may not replace them (nor core's reserved ones). */
export const WEBHOOK_MANAGED_HEADERS: readonly string[] = ["webhook-id", "webhook-timestamp", "webhook-signature", "content-type"];

/** Why a custom header list is refused (it replaces one the sink or the HTTP client sets), or `undefined`. */
export function reservedHeaderProblem(headers: Readonly<Record<string, string>>): string | undefined {
  return coreReservedHeaderProblem(headers, WEBHOOK_MANAGED_HEADERS);
}

/** Options of {@link createWebhookSink}. Every one but `url` has a default. */
export interface WebhookSinkOptions {
  /** Destination, `http(s)://`. Credentials in it become a Basic `authorization` header. — `IW_WEBHOOK_URL` */
  readonly url: string | URL;
  /** @default "POST" — `IW_WEBHOOK_METHOD` */
  readonly method?: WebhookMethod;
  /** Extra headers (CR/LF refused; `webhook-*`, `content-type` and core's reserved names: host, content-length, expect, upgrade, …). @default {} — `IW_WEBHOOK_HEADERS` */
  readonly headers?: Readonly<Record<string, string>>;
  /** `whsec_…` secrets; every one signs each request (rotation). @default none: requests are unsigned — `IW_WEBHOOK_SECRET` */
  readonly secret?: string | readonly string[];
  /** @default "json" — `IW_WEBHOOK_FORMAT` */
  readonly format?: WebhookFormat;
  /** CloudEvents `source` attribute. @default `urn:inferwall:<host name>` — `IW_WEBHOOK_CE_SOURCE` */
  readonly cloudEventsSource?: string;
  /** PEM CA certificate(s) to trust instead of the system store. @default system CAs — `IW_WEBHOOK_CA_FILE` */
  readonly ca?: string | Uint8Array;
  /** PEM client certificate (mutual TLS); needs `key`. @default none — `IW_WEBHOOK_CERT_FILE` */
  readonly cert?: string | Uint8Array;
  /** PEM private key of `cert`. @default none — `IW_WEBHOOK_KEY_FILE` */
  readonly key?: string | Uint8Array;
  /** Verify the server certificate. Turning it off logs a warning. @default true — `IW_WEBHOOK_TLS_VERIFY` */
  readonly tlsVerify?: boolean;
  /** TCP + TLS connection timeout. @default 20_000 — `IW_WEBHOOK_CONNECT_TIMEOUT_MS` */
  readonly connectTimeoutMs?: number;
  /** Sink name in stats and logs. @default "webhook" */
  readonly name?: string;
  /** The variable prefix named in diagnostics (`IW_WEBHOOK_SOC` for a named instance). @default "IW_WEBHOOK" */
  readonly envPrefix?: string;
}

/** {@link WebhookSinkOptions} with defaults applied and values checked. */
export interface ResolvedWebhookOptions {
  readonly name: string;
  readonly envPrefix: string;
  readonly url: URL;
  readonly method: WebhookMethod;
  readonly headers: Readonly<Record<string, string>>;
  readonly keys: readonly WebhookSigningKey[];
  readonly format: WebhookFormat;
  readonly cloudEventsSource: string;
  readonly tls: {
    readonly ca?: string | Uint8Array;
    readonly cert?: string | Uint8Array;
    readonly key?: string | Uint8Array;
    readonly verify: boolean;
  };
  readonly connectTimeoutMs: number;
}

function fail(variable: string, message: string): never {
  throw new IwConfigError(`${variable} ${message}`, { variable });
}

/** Applies defaults and checks every value; throws {@link IwConfigError} naming the variable. */
export function resolveWebhookOptions(options: WebhookSinkOptions): ResolvedWebhookOptions {
  const p = options.envPrefix ?? "IW_WEBHOOK";
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    return fail(`${p}_URL`, "is not an absolute URL; expected an http:// or https:// URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") fail(`${p}_URL`, `has scheme ${url.protocol}; expected http:// or https://`);
  const method = options.method ?? "POST";
  if (!WEBHOOK_METHODS.includes(method)) fail(`${p}_METHOD`, `is ${String(method)}; expected one of ${WEBHOOK_METHODS.join(", ")}`);
  const format = options.format ?? "json";
  if (!WEBHOOK_FORMATS.includes(format)) fail(`${p}_FORMAT`, `is ${String(format)}; expected one of ${WEBHOOK_FORMATS.join(", ")}`);
  // URL credentials become a Basic authorization header in core's transport, unless these have one.
  const headers = checkConfiguredHeaders(options.headers, `${p}_HEADERS`, WEBHOOK_MANAGED_HEADERS);
  const secret = options.secret;
  const keys = secret === undefined || secret.length === 0 ? [] : parseWebhookSecrets(secret, `${p}_SECRET`);
  if ((options.cert === undefined) !== (options.key === undefined)) {
    fail(
      options.cert === undefined ? `${p}_CERT_FILE` : `${p}_KEY_FILE`,
      `is missing: a client certificate needs both ${p}_CERT_FILE and ${p}_KEY_FILE`,
    );
  }
  if (options.cloudEventsSource !== undefined && !/^\S+$/.test(options.cloudEventsSource)) {
    fail(`${p}_CE_SOURCE`, "must be a non-empty URI-reference without spaces, e.g. urn:inferwall:gateway-1");
  }
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  if (!Number.isFinite(connectTimeoutMs) || connectTimeoutMs <= 0)
    fail(`${p}_CONNECT_TIMEOUT_MS`, "must be a positive number of milliseconds");
  return {
    name: options.name ?? "webhook",
    envPrefix: options.envPrefix ?? "IW_WEBHOOK",
    url,
    method,
    headers,
    keys,
    format,
    cloudEventsSource: options.cloudEventsSource ?? defaultCloudEventsSource(),
    tls: { ca: options.ca, cert: options.cert, key: options.key, verify: options.tlsVerify ?? true },
    connectTimeoutMs,
  };
}
