import { defineSinkPlugin } from "@iw/core/sink-kit";
import { webhookOptions } from "./options.js";
import { WebhookSink } from "./webhook-sink.js";

/**
 * The webhook sink plugin: activated by `IW_WEBHOOK_URL`, configured by the other `IW_WEBHOOK_*`
 * variables (see the README table, generated from `webhookOptions`); several destinations
 * through named instances (`IW_WEBHOOK_SOC_URL` + `IW_WEBHOOK_SOC_*` → `webhook:soc`), handled by
 * core. Each attempt gets a 15 s deadline by default, as webhook senders use (Wallarm and
 * Standard Webhooks; `IW_WEBHOOK_TIMEOUT_MS` overrides it).
 */
export const plugin = defineSinkPlugin({
  name: "webhook",
  env: "IW_WEBHOOK_URL",
  options: webhookOptions.env,
  secrets: webhookOptions.secrets,
  queueDefaults: { attemptTimeoutMs: 15_000 },
  create(options, deps) {
    // A named instance (webhook:soc) names itself and its own variables in diagnostics.
    return new WebhookSink(webhookOptions.forInstance(options, deps), deps.logger);
  },
});
