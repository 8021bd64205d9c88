import { defineSinkPlugin } from "@iw/core/sink-kit";
import { webhookEnvSchema } from "./env-schema.js";
import { DEFAULT_WEBHOOK_ATTEMPT_TIMEOUT_MS } from "./options.js";
import { WebhookSink } from "./webhook-sink.js";

/**
 * The webhook sink plugin: activated by `IW_WEBHOOK_URL`; several destinations through named
 * instances (`IW_WEBHOOK_SOC_URL` + `IW_WEBHOOK_SOC_*` → `webhook:soc`), handled by core.
 * Each attempt gets a 15 s deadline by default, as webhook senders use
 * (`IW_WEBHOOK_TIMEOUT_MS` overrides it).
 */
export const plugin = defineSinkPlugin({
  name: "webhook",
  env: "IW_WEBHOOK_URL",
  options: webhookEnvSchema,
  secrets: ["IW_WEBHOOK_SECRET"],
  queueDefaults: { attemptTimeoutMs: DEFAULT_WEBHOOK_ATTEMPT_TIMEOUT_MS },
  create(options, deps) {
    // A named instance (webhook:soc) names itself and its own variables in diagnostics.
    const instance = {
      ...options,
      ...(deps.sinkName === undefined ? {} : { name: deps.sinkName }),
      ...(deps.envPrefix === undefined ? {} : { envPrefix: deps.envPrefix }),
    };
    return new WebhookSink(instance, deps.logger);
  },
});
