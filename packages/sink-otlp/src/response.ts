import { JsonLogsSerializer, ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";
import type { HeaderBag } from "@iw/core/sink-kit";

/**
 * What an OTLP/HTTP 200 says beyond "accepted": records it refused (`rejected`, a partial
 * success) and a message, which with nothing refused is a warning from the collector.
 */
export interface PartialSuccess {
  readonly rejected: number;
  readonly message: string;
}

/** The OTLP spec's response size limit: a body past it is not read (the 200 still counts). */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

// eslint-disable-next-line no-control-regex -- what a hostile collector may put in its message
const CONTROL_CHARACTERS = /[\x00-\x1f\x7f]+/g;

/**
 * Reads an ExportLogsServiceResponse with the OpenTelemetry project's own deserializers, in the
 * encoding the response's `Content-Type` names (`application/x-protobuf` or `application/json`,
 * as the specification requires of servers). `undefined` for any other type, an empty or
 * unreadable body, and a response with nothing to say (the Collector answers JSON requests with
 * `{"partialSuccess":{}}`).
 */
export function readPartialSuccess(body: Uint8Array, headers: HeaderBag): PartialSuccess | undefined {
  if (body.length === 0) return undefined;
  const type = headers["content-type"];
  const contentType = (Array.isArray(type) ? type[0] : type)?.toLowerCase() ?? "";
  // A proxy's HTML or text page is no ExportLogsServiceResponse: only the two OTLP encodings are read.
  const json = contentType.startsWith("application/json");
  if (!json && !contentType.startsWith("application/x-protobuf")) return undefined;
  let partial: { rejectedLogRecords?: unknown; errorMessage?: unknown } | undefined;
  try {
    partial = (json ? JsonLogsSerializer : ProtobufLogsSerializer).deserializeResponse(body).partialSuccess;
  } catch {
    return undefined;
  }
  if (partial === undefined || partial === null) return undefined;
  // int64 arrives as a number (protobuf) or, in JSON, as a decimal string.
  const count = Number(partial.rejectedLogRecords ?? 0);
  const rejected = Number.isSafeInteger(count) && count > 0 ? count : 0;
  const message =
    typeof partial.errorMessage === "string" ? partial.errorMessage.replace(CONTROL_CHARACTERS, " ").trim().slice(0, 500) : "";
  return rejected === 0 && message === "" ? undefined : { rejected, message };
}
