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
export { startSyslogReceiver } from "./syslog-receiver.js";
export type { SyslogReceiver } from "./syslog-receiver.js";
export type { SyslogReceiverOptions, SyslogFault, ReceivedSyslogMessage, SyslogViolation, SyslogPayloadKind } from "./syslog-types.js";
export { parseSyslogMessage } from "./syslog-message.js";
export { parseRfc5424, checkTimestamp, SyslogParseError, REGISTERED_SD_IDS } from "./syslog-rfc5424.js";
export type { Rfc5424Message, SdElement } from "./syslog-rfc5424.js";
export { parseRfc3164 } from "./syslog-rfc3164.js";
export type { Rfc3164Message } from "./syslog-rfc3164.js";
export { parseCef, parseLeef, SiemFormatError } from "./syslog-cef.js";
export type { CefEvent, LeefEvent } from "./syslog-cef.js";
export { SyslogDeframer, SyslogFramingError } from "./syslog-deframe.js";
export type { SyslogFramingKind } from "./syslog-deframe.js";
