/** The payload formats a webhook receiver recognises, by content type. */
export type WebhookPayloadFormat = "json" | "ndjson" | "cloudevents" | "cloudevents-batch" | "summary";

/** One event found in a payload. */
export interface ReceivedWebhookEvent {
  /** The identity used for de-duplication: `event_id`, the CloudEvents `id`, or `details.event_id`. */
  readonly id: string;
  /** The @iw event itself (`data` of a CloudEvent, `details` of a summary item). */
  readonly event: Record<string, unknown>;
  /** The wrapper: the CloudEvent or the `{summary, details}` item; the event itself otherwise. */
  readonly envelope: Record<string, unknown>;
}

/** A payload that a strict receiver refuses with 400. */
export class WebhookPayloadError extends Error {
  /** 400, or 415 for a content type the receiver does not take. */
  readonly status: 400 | 415;
  constructor(message: string, status: 400 | 415 = 400) {
    super(message);
    this.status = status;
    this.name = "WebhookPayloadError";
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new WebhookPayloadError("body is not valid JSON");
  }
}

function plain(item: unknown): ReceivedWebhookEvent {
  if (!isObject(item)) throw new WebhookPayloadError("an element is not a JSON object");
  if (typeof item["summary"] === "string" && isObject(item["details"])) {
    const id = item["details"]["event_id"];
    if (typeof id !== "string" || id === "") throw new WebhookPayloadError("a summary item has no details.event_id");
    return { id, event: item["details"], envelope: item };
  }
  const id = item["event_id"];
  if (typeof id !== "string" || id === "") throw new WebhookPayloadError("an event has no event_id");
  return { id, event: item, envelope: item };
}

/** Checks the CloudEvents 1.0 required attributes, as a conformant consumer does. */
function cloudEvent(item: unknown): ReceivedWebhookEvent {
  if (!isObject(item)) throw new WebhookPayloadError("a CloudEvent is not a JSON object");
  for (const attr of ["id", "source", "type"] as const) {
    if (typeof item[attr] !== "string" || item[attr] === "") throw new WebhookPayloadError(`a CloudEvent has no ${attr}`);
  }
  if (item["specversion"] !== "1.0") throw new WebhookPayloadError('a CloudEvent\'s specversion is not "1.0"');
  const time = item["time"];
  if (time !== undefined && (typeof time !== "string" || Number.isNaN(Date.parse(time))))
    throw new WebhookPayloadError("a CloudEvent's time is not RFC 3339");
  const data = item["data"];
  return { id: item["id"] as string, event: isObject(data) ? data : {}, envelope: item };
}

/**
 * Parses a webhook body by its content type: JSON array (plain events or `{summary, details}`
 * items) or one object, NDJSON, CloudEvents structured or batched mode. Throws
 * {@link WebhookPayloadError} for anything a strict receiver would refuse.
 */
export function parseWebhookPayload(
  contentType: string | undefined,
  body: Buffer,
): { format: WebhookPayloadFormat; events: ReceivedWebhookEvent[] } {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  const text = body.toString("utf8");
  switch (type) {
    case "application/cloudevents+json":
      return { format: "cloudevents", events: [cloudEvent(parseJson(text))] };
    case "application/cloudevents-batch+json": {
      const batch = parseJson(text);
      if (!Array.isArray(batch)) throw new WebhookPayloadError("a CloudEvents batch is not a JSON array");
      return { format: "cloudevents-batch", events: batch.map(cloudEvent) };
    }
    case "application/x-ndjson": {
      const lines = text.split("\n").filter((l) => l.trim() !== "");
      return { format: "ndjson", events: lines.map((l) => plain(parseJson(l))) };
    }
    case "application/json": {
      const parsed = parseJson(text);
      const items = Array.isArray(parsed) ? parsed : [parsed];
      const events = items.map(plain);
      const summary = events.length > 0 && events.every((e) => e.envelope !== e.event);
      return { format: summary ? "summary" : "json", events };
    }
    default:
      throw new WebhookPayloadError(`unsupported content type ${JSON.stringify(contentType ?? "")}`, 415);
  }
}
