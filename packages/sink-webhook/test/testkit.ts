// The webhook receiver lives in @iw/testkit; imported from its source files until the
// testkit index exports them.
export { startWebhookReceiver } from "../../testkit/src/webhook-receiver.js";
export type { WebhookReceiver, WebhookFault } from "../../testkit/src/webhook-receiver.js";
export { computeWebhookSignature } from "../../testkit/src/webhook-verify.js";
export { generateTestCertificates } from "../../testkit/src/certificates.js";
