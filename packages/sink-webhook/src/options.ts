import { defineSinkOptions, option } from "@iw/core/sink-kit";
import type { OptionContext, SinkOptionsInput, SinkOptionsOutput } from "@iw/core/sink-kit";
import { defaultCloudEventsSource } from "./cloudevents.js";
import { WEBHOOK_FORMATS } from "./formats.js";
import type { WebhookSigningKey } from "./signing.js";
import { SECRET_FORM, checkWebhookSecrets } from "./signing.js";

/** Headers the sink sets on every request; a configured header may not replace them (nor core's reserved ones). */
export const WEBHOOK_MANAGED_HEADERS: readonly string[] = ["webhook-id", "webhook-timestamp", "webhook-signature", "content-type"];

const URL_FORM =
  "one http:// or https:// URL (for several destinations use named instances: IW_WEBHOOK_<NAME>_URL); required, activates the sink";

const oneUrl = option.url({ schemes: ["http", "https"], form: URL_FORM });

/** Whether `text` is several URLs separated by commas (a comma may also sit in one URL's path or query). */
function holdsSeveralUrls(text: string, ctx: OptionContext): boolean {
  return text
    .split(",")
    .slice(1)
    .some((part) => {
      try {
        oneUrl.resolve(part.trim(), ctx);
        return true;
      } catch {
        return false;
      }
    });
}

/**
 * Every option of the webhook sink, once: its type, default, checks and variable
 * (`IW_WEBHOOK_<OPTION>`; the README table is generated from it). Code and variables run the
 * same checks, and an error names the variable (`IW_WEBHOOK_SOC_SECRET` for a named instance).
 * The attempt deadline, retries and batching belong to the delivery queue
 * (`IW_WEBHOOK_TIMEOUT_MS`, `IW_WEBHOOK_BATCH_SIZE`, …), not to the sink.
 */
export const webhookOptions = defineSinkOptions({
  prefix: "IW_WEBHOOK",
  name: "webhook",
  options: {
    /**
     * Destination, `http(s)://`; one per sink (several destinations are named instances,
     * `IW_WEBHOOK_<NAME>_URL`). Credentials in it become a Basic `authorization` header.
     */
    url: option
      .custom<string | URL, URL | undefined>({
        form: URL_FORM,
        fromEnv: (text) => text.trim(),
        resolve: (value, ctx) => {
          // A URL object is one URL; text may hold several, as a variable would.
          if (typeof value === "string" && holdsSeveralUrls(value, ctx)) {
            throw new Error("holds several URLs; give one, and use IW_WEBHOOK_<NAME>_URL for more destinations");
          }
          return oneUrl.resolve(value, ctx);
        },
      })
      .required(),
    /** HTTP method of each request (Wallarm offers the same two). @default "POST" */
    method: option.enum(["POST", "PUT"], "POST"),
    /** Extra headers (CR/LF refused; `webhook-*`, `content-type` and core's reserved names: host, content-length, expect, upgrade, …). @default {} */
    headers: option.headers(WEBHOOK_MANAGED_HEADERS),
    /**
     * `whsec_…` secrets; every one signs each request (rotation). A secret: never printed, and
     * held by the sink only as parsed keys. @default none: requests are unsigned
     */
    secret: option
      .custom<string | readonly string[], string | readonly string[] | undefined>({
        form: `${SECRET_FORM}; unset by default (requests are not signed)`,
        fromEnv: (text) => text,
        resolve: (value) => {
          if (value === undefined) return undefined;
          if (typeof value !== "string" && !(Array.isArray(value) && value.every((s) => typeof s === "string"))) {
            throw new Error("not a string or a list of strings");
          }
          if (value.length === 0) return undefined;
          const keys = checkWebhookSecrets(typeof value === "string" ? value : value.join(" "));
          if (typeof keys === "string") throw new Error(keys);
          return value;
        },
      })
      .secret(),
    /** Payload format. @default "json" */
    format: option.enum(WEBHOOK_FORMATS, "json"),
    /** CloudEvents `source` attribute (format `cloudevents`). @default `urn:inferwall:<host name>` */
    cloudEventsSource: option
      .custom<string, string>({
        form: "the CloudEvents source attribute (format cloudevents), a URI-reference such as urn:inferwall:gateway-1; default urn:inferwall:<host name>",
        fromEnv: (text) => text.trim(),
        resolve: (value) => {
          if (value === undefined || value === "") return defaultCloudEventsSource();
          if (typeof value !== "string") throw new Error("not a string");
          if (!/^\S+$/.test(value))
            throw new Error("contains white space; give a URI-reference without spaces, e.g. urn:inferwall:gateway-1");
          return value;
        },
      })
      .env("CE_SOURCE"),
    ...option.tls("the server"),
    /** TCP + TLS connection timeout, as Wallarm's webhook integration. @default 20000 */
    connectTimeoutMs: option.ms(20_000),
  },
});

/** Options of `createWebhookSink`: only `url` is required; see `webhookOptions` for each default. */
export type WebhookSinkOptions = SinkOptionsInput<typeof webhookOptions>;
/** HTTP methods the sink may use. */
export type WebhookMethod = WebhookSinkOptions["method"] & string;

/** Options checked, defaults applied; the secrets parsed into signing keys (the text is not kept). */
export type ResolvedWebhookOptions = Omit<SinkOptionsOutput<typeof webhookOptions>, "secret"> & {
  readonly keys: readonly WebhookSigningKey[];
};
