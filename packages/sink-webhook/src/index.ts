/*
 * @iw/sink-webhook: what a host or a user of the sink needs. `IW_WEBHOOK_URL` (and named
 * instances, `IW_WEBHOOK_<NAME>_URL`) activate the plugin through `activate()`;
 * `createWebhookSink` builds the sink in code. Formats, CloudEvents, signing and the options
 * definition (`webhookOptions`) are internal: tests import them by relative path.
 */
export { plugin } from "./plugin.js";
export { plugin as default } from "./plugin.js";
export { WebhookSink, createWebhookSink } from "./webhook-sink.js";
export type { WebhookSinkOptions, WebhookMethod } from "./options.js";
export type { WebhookFormat } from "./formats.js";
