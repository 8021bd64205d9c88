export { plugin } from "./plugin.js";
export { plugin as default } from "./plugin.js";
export { WebhookSink, createWebhookSink } from "./webhook-sink.js";
export {
  resolveWebhookOptions,
  WEBHOOK_METHODS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_WEBHOOK_ATTEMPT_TIMEOUT_MS,
} from "./options.js";
export type { WebhookSinkOptions, ResolvedWebhookOptions, WebhookMethod } from "./options.js";
export { webhookEnvSchema, webhookEnvFields } from "./env-schema.js";
export { encodeBatch, WEBHOOK_FORMATS, CONTENT_TYPES } from "./formats.js";
export type { WebhookFormat, EncodedBatch } from "./formats.js";
export { toCloudEvent, cloudEventType, defaultCloudEventsSource, CLOUDEVENTS_TYPE_PREFIX } from "./cloudevents.js";
export type { IwCloudEvent } from "./cloudevents.js";
export { summaryLine, toSummaryItem } from "./summary.js";
export type { SummaryItem } from "./summary.js";
export {
  parseWebhookSecrets,
  checkWebhookSecrets,
  signatureHeader,
  webhookIdFor,
  WebhookSigningKey,
  SECRET_FORM,
  SECRET_PREFIX,
} from "./signing.js";
