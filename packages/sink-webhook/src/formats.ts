import type { IwEvent } from "@iw/core";
import { toCloudEvent } from "./cloudevents.js";
import { toSummaryItem } from "./summary.js";

/** Payload formats of the webhook sink (`IW_WEBHOOK_FORMAT`). */
export const WEBHOOK_FORMATS = ["json", "ndjson", "cloudevents", "summary"] as const;
/** One of {@link WEBHOOK_FORMATS}. */
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** A serialized batch: the exact bytes that are signed and sent. */
export interface EncodedBatch {
  readonly body: Uint8Array;
  readonly contentType: string;
}

/** Content types, per format (CloudEvents: structured for one event, batched for more). */
export const CONTENT_TYPES = {
  json: "application/json",
  ndjson: "application/x-ndjson",
  cloudevents: "application/cloudevents+json; charset=utf-8",
  cloudeventsBatch: "application/cloudevents-batch+json; charset=utf-8",
  summary: "application/json",
} as const;

/**
 * Serializes a batch. Throws only when an event cannot be serialized (a `BigInt` or a cycle in
 * `details`); the sink turns that into a failure result.
 */
export function encodeBatch(batch: readonly IwEvent[], format: WebhookFormat, ceSource: string): EncodedBatch {
  switch (format) {
    case "json":
      return { body: Buffer.from(JSON.stringify(batch)), contentType: CONTENT_TYPES.json };
    case "ndjson": {
      let text = "";
      for (const event of batch) text += JSON.stringify(event) + "\n";
      return { body: Buffer.from(text), contentType: CONTENT_TYPES.ndjson };
    }
    case "cloudevents":
      if (batch.length === 1) {
        return { body: Buffer.from(JSON.stringify(toCloudEvent(batch[0]!, ceSource))), contentType: CONTENT_TYPES.cloudevents };
      }
      return {
        body: Buffer.from(JSON.stringify(batch.map((e) => toCloudEvent(e, ceSource)))),
        contentType: CONTENT_TYPES.cloudeventsBatch,
      };
    case "summary":
      return { body: Buffer.from(JSON.stringify(batch.map(toSummaryItem))), contentType: CONTENT_TYPES.summary };
  }
}
