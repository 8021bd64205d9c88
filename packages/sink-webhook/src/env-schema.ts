import { envBool, envEnum, envField, envFile, envHeaders, envMs, envObject, envString, envUrlList } from "@iw/core/sink-kit";
import { WEBHOOK_FORMATS } from "./formats.js";
import type { WebhookSinkOptions } from "./options.js";
import { DEFAULT_CONNECT_TIMEOUT_MS, WEBHOOK_METHODS, reservedHeaderProblem } from "./options.js";
import { SECRET_FORM, checkWebhookSecrets } from "./signing.js";

const secretField = envField(`${SECRET_FORM}; unset by default (requests are not signed)`, (v) => {
  if (v === undefined || v.trim() === "") return undefined;
  const result = checkWebhookSecrets(v);
  if (typeof result === "string") throw new Error(result);
  // Keep the text: createWebhookSink parses it again into keys held in #private fields.
  return v;
});

const urlField = envUrlList(
  ["http", "https"],
  "one http:// or https:// URL (for several destinations use named instances: IW_WEBHOOK_<NAME>_URL)",
)
  .refine((urls) => urls.length === 1, { message: "holds several URLs; give one, and use IW_WEBHOOK_<NAME>_URL for more destinations" })
  .describe("one http:// or https:// URL (for several destinations use named instances: IW_WEBHOOK_<NAME>_URL)");

const baseHeaders = envHeaders("IW_WEBHOOK_HEADERS");
const headersField = baseHeaders
  .superRefine((headers, ctx) => {
    const problem = reservedHeaderProblem(headers);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  })
  .describe(baseHeaders.description ?? "");

/** The webhook sink's variables, each described (the README table is generated from it). */
export const webhookEnvFields = envObject({
  IW_WEBHOOK_URL: urlField,
  IW_WEBHOOK_METHOD: envEnum(WEBHOOK_METHODS, "POST"),
  IW_WEBHOOK_HEADERS: headersField,
  IW_WEBHOOK_SECRET: secretField,
  IW_WEBHOOK_FORMAT: envEnum(WEBHOOK_FORMATS, "json"),
  IW_WEBHOOK_CE_SOURCE: envString("CloudEvents source").describe(
    "the CloudEvents source attribute (format cloudevents), a URI-reference such as urn:inferwall:gateway-1; default urn:inferwall:<host name>",
  ),
  IW_WEBHOOK_CA_FILE: envFile("PEM CA certificate(s) trusted for the server instead of the system store"),
  IW_WEBHOOK_CERT_FILE: envFile("PEM client certificate for mutual TLS (with IW_WEBHOOK_KEY_FILE)"),
  IW_WEBHOOK_KEY_FILE: envFile("PEM private key of IW_WEBHOOK_CERT_FILE"),
  IW_WEBHOOK_TLS_VERIFY: envBool(true, "false disables certificate verification and logs a warning"),
  IW_WEBHOOK_CONNECT_TIMEOUT_MS: envMs(DEFAULT_CONNECT_TIMEOUT_MS),
});

/**
 * The webhook sink's variables, over the environment object (base names: core maps
 * `IW_WEBHOOK_<NAME>_*` onto them for named instances), transformed into
 * {@link WebhookSinkOptions}. Queue tuning, filters and redaction variables are core's.
 */
export const webhookEnvSchema = webhookEnvFields
  .superRefine((env, ctx) => {
    if ((env.IW_WEBHOOK_CERT_FILE === undefined) !== (env.IW_WEBHOOK_KEY_FILE === undefined)) {
      const missing = env.IW_WEBHOOK_CERT_FILE === undefined ? "IW_WEBHOOK_CERT_FILE" : "IW_WEBHOOK_KEY_FILE";
      ctx.addIssue({
        code: "custom",
        path: [missing],
        message: "is missing: a client certificate needs both IW_WEBHOOK_CERT_FILE and IW_WEBHOOK_KEY_FILE",
      });
    }
  })
  .transform((env): WebhookSinkOptions => ({
    url: env.IW_WEBHOOK_URL[0]!,
    method: env.IW_WEBHOOK_METHOD,
    headers: env.IW_WEBHOOK_HEADERS,
    format: env.IW_WEBHOOK_FORMAT,
    tlsVerify: env.IW_WEBHOOK_TLS_VERIFY,
    connectTimeoutMs: env.IW_WEBHOOK_CONNECT_TIMEOUT_MS,
    ...(env.IW_WEBHOOK_SECRET === undefined ? {} : { secret: env.IW_WEBHOOK_SECRET }),
    ...(env.IW_WEBHOOK_CE_SOURCE === undefined ? {} : { cloudEventsSource: env.IW_WEBHOOK_CE_SOURCE }),
    ...(env.IW_WEBHOOK_CA_FILE === undefined ? {} : { ca: env.IW_WEBHOOK_CA_FILE.contents }),
    ...(env.IW_WEBHOOK_CERT_FILE === undefined ? {} : { cert: env.IW_WEBHOOK_CERT_FILE.contents }),
    ...(env.IW_WEBHOOK_KEY_FILE === undefined ? {} : { key: env.IW_WEBHOOK_KEY_FILE.contents }),
  }));
