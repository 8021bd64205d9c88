// One place for the test helpers taken from @iw/testkit.
export { startWebhookReceiver, computeWebhookSignature, generateTestCertificates } from "@iw/testkit";
export type { WebhookReceiver, WebhookFault } from "@iw/testkit";
