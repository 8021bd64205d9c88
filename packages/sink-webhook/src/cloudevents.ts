import { hostname } from "node:os";
import type { IwEvent } from "@iw/core";

/** A CloudEvents 1.0 event in the JSON event format, carrying one @iw event as `data`. */
export interface IwCloudEvent {
  readonly specversion: "1.0";
  /** The event's `event_id`: stable across retries, so CloudEvents consumers de-duplicate on `source` + `id`. */
  readonly id: string;
  readonly source: string;
  /** `com.inferwall.scan.<decision>` or `com.inferwall.audit.<category>`. */
  readonly type: string;
  readonly time: string;
  readonly datacontenttype: "application/json";
  /** The scan's `request_id`, or the audit event's `action`. */
  readonly subject?: string;
  readonly data: IwEvent;
}

/** Type prefix of every CloudEvent the sink emits. */
export const CLOUDEVENTS_TYPE_PREFIX = "com.inferwall";

/** Default `source` attribute: `urn:inferwall:<host name>`. */
export function defaultCloudEventsSource(): string {
  return `urn:inferwall:${encodeURIComponent(hostname() || "localhost")}`;
}

/** The CloudEvents `type` of an event. */
export function cloudEventType(event: IwEvent): string {
  if (event.log_type === "scan") return `${CLOUDEVENTS_TYPE_PREFIX}.scan.${event.decision}`;
  if (event.log_type === "audit") return `${CLOUDEVENTS_TYPE_PREFIX}.audit.${event.category}`;
  // A log type newer than this package.
  return `${CLOUDEVENTS_TYPE_PREFIX}.${String((event as { log_type?: unknown }).log_type)}`;
}

/** Wraps an event as a CloudEvent (JSON format, `data` as a JSON value). */
export function toCloudEvent(event: IwEvent, source: string): IwCloudEvent {
  const subject = event.log_type === "scan" ? event.request_id : event.log_type === "audit" ? event.action : undefined;
  return {
    specversion: "1.0",
    id: event.event_id,
    source,
    type: cloudEventType(event),
    time: event.timestamp,
    datacontenttype: "application/json",
    ...(subject ? { subject } : {}),
    data: event,
  };
}
