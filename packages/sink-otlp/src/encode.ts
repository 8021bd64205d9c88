import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import { JsonLogsSerializer, ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";
import type { IwEvent } from "@iw/core";
import type { LogRecordInput } from "./mapping.js";
import type { OtlpCompression, OtlpProtocol } from "./options.js";

const gzip = promisify(gzipCallback);
/** Same as Beats' Logstash output and this repo's Logstash sink: most of the gain for a fraction of level 6's CPU. */
const GZIP_LEVEL = 3;
/**
 * Records encoded per event-loop turn. A 500-event batch is about 2 ms of encoding; in slices
 * of 100 a host request waits at most about 0.4 ms behind it.
 */
export const SLICE_SIZE = 100;

/** What the transformer's serializers take (the SDK's `ReadableLogRecord`, of which they read what {@link LogRecordInput} has). */
type SerializerInput = Parameters<typeof ProtobufLogsSerializer.serializeRequest>[0];

/** An ExportLogsServiceRequest, encoded and compressed once for every attempt of a batch. */
export interface OtlpPayload {
  readonly body: Uint8Array;
}

/** An encoded batch and what was left out of it. */
export interface EncodedBatch {
  readonly payload: OtlpPayload;
  /** Events in the body. */
  readonly count: number;
  /** The events in the body, when some could not be encoded. */
  readonly events: readonly IwEvent[] | undefined;
  /** Why the first left-out event failed. */
  readonly firstError: Error | undefined;
}

const JSON_HEAD = '{"resourceLogs":[';
const JSON_TAIL = "]}";

function serialize(records: readonly LogRecordInput[], protocol: OtlpProtocol): Uint8Array {
  const input = records as unknown as SerializerInput;
  const bytes = protocol === "http/json" ? JsonLogsSerializer.serializeRequest(input) : ProtobufLogsSerializer.serializeRequest(input);
  if (bytes === undefined) throw new Error("the OTLP serializer returned nothing");
  return bytes;
}

/**
 * Joins the slices of one request. Protobuf: concatenated messages are one message whose
 * repeated fields hold every part's elements (the protobuf merge rule), so each slice's
 * `resource_logs` are simply appended. JSON: the `resourceLogs` arrays are spliced together.
 */
function join(parts: readonly Uint8Array[], protocol: OtlpProtocol): Buffer {
  if (protocol === "http/protobuf" || parts.length === 1) return Buffer.concat(parts);
  const inner = parts.map((p) => {
    const text = Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString("utf8");
    if (!text.startsWith(JSON_HEAD) || !text.endsWith(JSON_TAIL)) throw new Error("unexpected OTLP/JSON serializer output");
    return text.slice(JSON_HEAD.length, -JSON_TAIL.length);
  });
  return Buffer.from(`${JSON_HEAD}${inner.filter((s) => s !== "").join(",")}${JSON_TAIL}`, "utf8");
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Maps and encodes `batch` with the OpenTelemetry project's own serializers, {@link SLICE_SIZE}
 * records per event-loop turn, then compresses it (on libuv's thread pool). An event that cannot
 * be mapped or encoded (a cycle in `details`) is left out alone; the others still go.
 */
export async function encodeBatch(
  batch: readonly IwEvent[],
  map: (event: IwEvent) => LogRecordInput,
  protocol: OtlpProtocol,
  compression: OtlpCompression,
): Promise<EncodedBatch> {
  const parts: Uint8Array[] = [];
  let kept: IwEvent[] | undefined;
  let firstError: Error | undefined;
  for (let start = 0; start < batch.length; start += SLICE_SIZE) {
    if (start > 0) await turn();
    const slice = batch.slice(start, start + SLICE_SIZE);
    try {
      parts.push(serialize(slice.map(map), protocol));
      kept?.push(...slice);
    } catch {
      // Find the events at fault: each alone, the rest together.
      kept ??= batch.slice(0, start);
      const good: LogRecordInput[] = [];
      for (const event of slice) {
        try {
          const record = map(event);
          serialize([record], protocol);
          good.push(record);
          kept.push(event);
        } catch (err) {
          firstError ??= err instanceof Error ? err : new Error(String(err));
        }
      }
      if (good.length > 0) parts.push(serialize(good, protocol));
    }
  }
  const count = kept?.length ?? batch.length;
  const raw = count === 0 ? Buffer.alloc(0) : join(parts, protocol);
  const body = compression === "gzip" && count > 0 ? await gzip(raw, { level: GZIP_LEVEL }) : raw;
  return { payload: { body }, count, events: kept, firstError };
}
