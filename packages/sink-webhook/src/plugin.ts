import { defineSinkPlugin } from "@iw/core";
import { webhookEnvSchema } from "./env-schema.js";
import type { WebhookSinkOptions } from "./options.js";
import { WebhookSink } from "./webhook-sink.js";

/**
 * The webhook sink plugin: activated by `IW_WEBHOOK_URL`; several destinations through named
 * instances (`IW_WEBHOOK_SOC_URL` + `IW_WEBHOOK_SOC_*` → `webhook:soc`), handled by core.
 * Meant to run with a 15 s attempt deadline (`IW_WEBHOOK_TIMEOUT_MS=15000`).
 */
export const plugin = defineSinkPlugin<WebhookSinkOptions>({
  name: "webhook",
  env: "IW_WEBHOOK_URL",
  options: webhookEnvSchema,
  secrets: ["IW_WEBHOOK_SECRET"],
  create(options, deps) {
    return new WebhookSink(options, deps.logger);
  },
});
