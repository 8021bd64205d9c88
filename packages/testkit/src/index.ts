export { InMemorySink } from "./in-memory-sink.js";
export type { InMemorySinkOptions } from "./in-memory-sink.js";
export { ScriptedSink } from "./scripted-sink.js";
export type { ScriptedSinkCall, ScriptedSinkOptions, ScriptedStep } from "./scripted-sink.js";
export { makeTestEvents } from "./sample-events.js";
export type { TestEventOptions } from "./sample-events.js";
export { waitFor, delay } from "./wait.js";
export type { WaitForOptions } from "./wait.js";
export { generateTestCertificates, writeTestCertificates } from "./certificates.js";
export type { PemPair, TestCertificates, TestCertificateFiles } from "./certificates.js";
export { startLogstashReceiver, DEFAULT_LOGSTASH_RECEIVER_OPTIONS } from "./logstash-receiver.js";
export type { LogstashReceiver } from "./logstash-receiver.js";
export type {
  LogstashEvent,
  LogstashFault,
  LogstashReceiverOptions,
  LogstashReceiverTls,
  ReceivedRequest,
  RequestOutcome,
} from "./logstash-types.js";
export { decodeLogstashBody } from "./logstash-codec.js";
export {
  SINK_CONTRACT_CHECKS,
  runSinkContract,
  checkSinkName,
  checkDeliversBatch,
  checkEmptyBatch,
  checkConcurrentSends,
  checkUnavailableDestination,
  checkAlreadyAborted,
  checkAbortMidRequest,
  checkCloseReleasesHandles,
  checkSendAfterClose,
  checkEventsNotMutated,
} from "./contract-checks.js";
export type { SinkContractReport } from "./contract-checks.js";
export { SinkContractViolation } from "./contract-types.js";
export type {
  SinkContractCheck,
  SinkContractFactory,
  SinkContractHarness,
  SinkContractOptions,
  SinkContractOutcome,
} from "./contract-types.js";
export { defaultEventIdOf } from "./contract-helpers.js";
export { describeSinkContract } from "./contract-suite.js";
export { startWebhookReceiver } from "./webhook-receiver.js";
export type { WebhookReceiver, WebhookReceiverOptions, WebhookFault, ReceivedWebhookRequest } from "./webhook-receiver.js";
export { verifyStandardWebhook, computeWebhookSignature, webhookSecretKey, WEBHOOK_TOLERANCE_SECONDS } from "./webhook-verify.js";
export type { WebhookVerification } from "./webhook-verify.js";
export { parseWebhookPayload, WebhookPayloadError } from "./webhook-payload.js";
export type { ReceivedWebhookEvent, WebhookPayloadFormat } from "./webhook-payload.js";
export { startFluentdReceiver } from "./fluentd-receiver.js";
export type { FluentdReceiver } from "./fluentd-receiver.js";
export type {
  FluentdFault,
  FluentdFlavour,
  FluentdMode,
  FluentdReceiverOptions,
  FluentdSecurity,
  ReceivedEventTime,
  ReceivedFluentdRecord,
  ReceivedForwardMessage,
  ReceivedHandshake,
  ReceivedHttpRequest,
} from "./fluentd-types.js";
export { startOtlpReceiver } from "./otlp-receiver.js";
export type { OtlpReceiver } from "./otlp-receiver.js";
export type { OtlpFault, OtlpReceiverOptions, ReceivedLogRecord, ReceivedOtlpRequest } from "./otlp-types.js";
export { decodeExportLogsRequest, encodeExportLogsResponse, encodeStatus, decodeStatus, encodingOf } from "./otlp-proto.js";
export type { AnyValueType, OtlpEncoding } from "./otlp-proto.js";
