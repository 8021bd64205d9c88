import type { AuditEvent, IwEvent, ScanLog, SummaryEvent } from "@iw/core";
import type { OtlpResource, ResourceCache } from "./resource.js";
import { SCOPE } from "./resource.js";
import { severityOf } from "./severity.js";

/** Seconds and nanoseconds since the epoch, as the OTLP serializer takes times. */
export type HrTime = [number, number];

/** An attribute value: what OTLP's AnyValue carries. */
export type AttributeValue =
  string | number | boolean | readonly AttributeValue[] | { readonly [key: string]: AttributeValue } | null | undefined;

/**
 * One log record, in the shape `@opentelemetry/otlp-transformer` serializes (the fields of the
 * SDK's `ReadableLogRecord` that its serializers read).
 */
export interface LogRecordInput {
  readonly hrTime: HrTime;
  readonly hrTimeObserved: HrTime;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body: string;
  readonly eventName: string;
  readonly attributes: Record<string, AttributeValue>;
  readonly droppedAttributesCount: 0;
  readonly resource: OtlpResource;
  readonly instrumentationScope: typeof SCOPE;
}

/** `EventName` of each kind of event (and the deprecated `event.name` attribute). */
export const EVENT_NAMES = Object.freeze({ scan: "inferwall.scan", audit: "inferwall.audit", summary: "inferwall.summary" });

/**
 * An ISO 8601 timestamp as [seconds, nanoseconds], keeping digits below the millisecond that
 * `Date.parse` drops. An unreadable timestamp is 0 (OTLP's "unknown").
 */
export function hrTimeOf(timestamp: unknown): HrTime {
  if (typeof timestamp !== "string") return [0, 0];
  // Events of a batch mostly share their second: `Date.parse` once per second, not per event.
  const head = timestamp.slice(0, 19);
  let seconds: number;
  let ms = Number.NaN;
  if (head === lastHead && timestamp.length > 19 && (timestamp.charCodeAt(19) === 46 || timestamp[19] === "Z") && timestamp.endsWith("Z")) {
    seconds = lastSeconds;
  } else {
    ms = Date.parse(timestamp);
    if (!Number.isFinite(ms) || ms < 0) return [0, 0];
    seconds = Math.floor(ms / 1000);
    if (timestamp.endsWith("Z")) {
      lastHead = head;
      lastSeconds = seconds;
    }
  }
  const dot = timestamp.indexOf(".", 19);
  if (dot === 19) {
    let nanos = 0;
    let i = 20;
    for (; i < 29 && i < timestamp.length; i++) {
      const d = timestamp.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      nanos = nanos * 10 + d;
    }
    if (i > 20) return [seconds, nanos * 10 ** (29 - i)];
  }
  return [seconds, Number.isNaN(ms) ? 0 : (ms - seconds * 1000) * 1_000_000];
}

let lastHead = "";
let lastSeconds = 0;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function scanAttributes(e: ScanLog, a: Record<string, AttributeValue>): string {
  a["inferwall.direction"] = e.direction;
  a["inferwall.decision"] = e.decision;
  a["inferwall.anomaly_score"] = e.anomaly_score;
  a["inferwall.threshold"] = e.threshold;
  a["inferwall.policy"] = e.policy;
  a["inferwall.request_id"] = e.request_id;
  a["inferwall.signature_count"] = e.signature_count;
  const matches = Array.isArray(e.matches) ? e.matches : [];
  a["inferwall.signature_ids"] = matches.map((m) => m.signature_id);
  a["inferwall.matches"] = matches;
  return `${e.direction} scan ${e.decision}: anomaly score ${e.anomaly_score} (threshold ${e.threshold}), ${plural(e.signature_count, "signature")}`;
}

function auditAttributes(e: AuditEvent, a: Record<string, AttributeValue>): string {
  a["inferwall.category"] = e.category;
  a["inferwall.action"] = e.action;
  a["inferwall.details"] = e.details as AttributeValue;
  if (e.source_ip != null) a["client.address"] = e.source_ip;
  if (e.key_prefix != null) a["inferwall.key_prefix"] = e.key_prefix;
  return `audit ${e.category}: ${e.action}`;
}

function summaryAttributes(e: SummaryEvent, a: Record<string, AttributeValue>): string {
  a["inferwall.interval_start"] = e.interval_start;
  a["inferwall.interval_end"] = e.interval_end;
  a["inferwall.scans"] = e.scans;
  a["inferwall.top_signatures"] = e.top_signatures;
  return `traffic summary: ${plural(e.scans?.total ?? 0, "scan")}`;
}

const COMMON = new Set(["log_type", "timestamp", "event_id", "service", "host", "test"]);

/** A `log_type` this version does not know (a newer core): every field under `inferwall.*`. */
function otherAttributes(e: Record<string, unknown>, a: Record<string, AttributeValue>): string {
  for (const key of Object.keys(e)) if (!COMMON.has(key)) a[`inferwall.${key}`] = e[key] as AttributeValue;
  return `${String(e["log_type"])} event`;
}

/**
 * Maps one event to an OpenTelemetry log record (the README's mapping table): `EventName`
 * `inferwall.<log_type>`, severity from the decision or the audit category and action, a
 * one-line body for log viewers, the InferenceWall fields as `inferwall.*` attributes, the
 * `event_id` as `log.record.uid` and an audit event's `source_ip` as `client.address`
 * (semantic conventions). Pure: the event is not modified.
 */
export function toLogRecord(event: IwEvent, resources: ResourceCache): LogRecordInput {
  const type = event.log_type;
  const eventName = (EVENT_NAMES as Record<string, string>)[type] ?? `inferwall.${String(type)}`;
  const attributes: Record<string, AttributeValue> = { "event.name": eventName, "log.record.uid": event.event_id };
  const body =
    type === "scan"
      ? scanAttributes(event, attributes)
      : type === "audit"
        ? auditAttributes(event, attributes)
        : type === "summary"
          ? summaryAttributes(event, attributes)
          : otherAttributes(event, attributes);
  if (event.test === true) attributes["inferwall.test"] = true;
  const severity = severityOf(event);
  const time = hrTimeOf(event.timestamp);
  return {
    hrTime: time,
    // The event is made by the host at the moment it happens, as an SDK's log record is.
    hrTimeObserved: time,
    severityNumber: severity.number,
    severityText: severity.text,
    body,
    eventName,
    attributes,
    droppedAttributesCount: 0,
    resource: resources.get(event.service, event.host),
    instrumentationScope: SCOPE,
  };
}
