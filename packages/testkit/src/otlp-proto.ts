import Long from "long";
import protobuf from "protobufjs";
import protojson from "protobufjs/ext/protojson.js";
import type { ReceivedLogRecord } from "./otlp-types.js";

/** Where the vendored definitions sit: `proto/` next to `src/` and `dist/` (see proto/README.md). */
const PROTO_DIR = new URL("../proto/", import.meta.url);

interface OtlpTypes {
  readonly request: protobuf.Type;
  readonly response: protobuf.Type;
  readonly status: protobuf.Type;
}

let types: OtlpTypes | undefined;

// protobufjs finds `long` with a require hidden from bundlers, which fails under some loaders
// (vitest's among them); without it 64-bit times lose their last digits.
if (!protobuf.util.Long) {
  protobuf.util.Long = Long;
  protobuf.configure();
}

/** The official OTLP logs messages and google.rpc.Status, loaded once with protobufjs. */
export function otlpTypes(): OtlpTypes {
  if (types !== undefined) return types;
  const root = new protobuf.Root();
  // google/protobuf/*.proto ship with protobufjs; everything else is vendored.
  root.resolvePath = (_origin, target) => (target.startsWith("google/protobuf/") ? target : new URL(target, PROTO_DIR).pathname);
  root.loadSync(["opentelemetry/proto/collector/logs/v1/logs_service.proto", "google/rpc/status.proto"]);
  types = {
    request: root.lookupType("opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest"),
    response: root.lookupType("opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse"),
    status: root.lookupType("google.rpc.Status"),
  };
  return types;
}

/** A request or response encoding, from its `Content-Type`. */
export type OtlpEncoding = "protobuf" | "json";

/** The encoding a `Content-Type` names, as the Collector reads it; `undefined` for anything else (415). */
export function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const media = contentType?.split(";")[0]?.trim().toLowerCase();
  if (media === "application/x-protobuf") return "protobuf";
  if (media === "application/json") return "json";
  return undefined;
}

type Msg = Record<string, unknown>;
const own = (m: Msg, key: string): boolean => Object.prototype.hasOwnProperty.call(m, key);
/** A string field, or a 64-bit integer (a protobufjs Long) as decimal text. */
const text = (v: unknown, fallback = ""): string =>
  typeof v === "string" ? v : v === null || v === undefined ? fallback : (v as { toString(): string }).toString();

/** A 64-bit integer as protobufjs hands it over: a number when it is safe, else its decimal text. */
function int64(v: unknown): number | string {
  if (typeof v === "number") return v;
  const digits = text(v);
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : digits;
}

/** Which AnyValue field carried a value (`int` and `double` told apart, as on the wire). */
export type AnyValueType = "string" | "bool" | "int" | "double" | "array" | "kvlist" | "bytes" | "empty";

/** Converts an OTLP AnyValue to plain JavaScript: kvlist → object, array → array, bytes → Buffer. */
export function anyValue(v: Msg | null | undefined): { value: unknown; type: AnyValueType } {
  if (v === null || v === undefined) return { value: undefined, type: "empty" };
  if (own(v, "stringValue")) return { value: v["stringValue"], type: "string" };
  if (own(v, "boolValue")) return { value: v["boolValue"], type: "bool" };
  if (own(v, "intValue")) return { value: int64(v["intValue"]), type: "int" };
  if (own(v, "doubleValue")) return { value: v["doubleValue"], type: "double" };
  if (own(v, "bytesValue")) return { value: Buffer.from(v["bytesValue"] as Uint8Array), type: "bytes" };
  if (own(v, "arrayValue")) {
    const values = ((v["arrayValue"] as Msg)["values"] ?? []) as Msg[];
    return { value: values.map((x) => anyValue(x).value), type: "array" };
  }
  if (own(v, "kvlistValue")) return { value: keyValues(((v["kvlistValue"] as Msg)["values"] ?? []) as Msg[]).values, type: "kvlist" };
  return { value: undefined, type: "empty" };
}

function keyValues(list: readonly Msg[]): { values: Record<string, unknown>; types: Record<string, AnyValueType> } {
  const values: Record<string, unknown> = {};
  const kinds: Record<string, AnyValueType> = {};
  for (const kv of list) {
    const key = text(kv["key"]);
    const { value, type } = anyValue(kv["value"] as Msg | undefined);
    values[key] = value;
    kinds[key] = type;
  }
  return { values, types: kinds };
}

const hexToBase64 = (hex: unknown): unknown =>
  typeof hex === "string" && /^[0-9a-f]*$/i.test(hex) ? Buffer.from(hex, "hex").toString("base64") : hex;

/** OTLP/JSON writes trace and span ids as hex, where ProtoJSON has base64. */
function otlpJsonToProtoJson(json: unknown): unknown {
  for (const rl of ((json as Msg | null)?.["resourceLogs"] ?? []) as Msg[]) {
    for (const sl of (rl?.["scopeLogs"] ?? []) as Msg[]) {
      for (const lr of (sl?.["logRecords"] ?? []) as Msg[]) {
        if (lr === null || typeof lr !== "object") continue;
        if ("traceId" in lr) lr["traceId"] = hexToBase64(lr["traceId"]);
        if ("spanId" in lr) lr["spanId"] = hexToBase64(lr["spanId"]);
      }
    }
  }
  return json;
}

/**
 * Decodes an ExportLogsServiceRequest (binary protobuf, or OTLP/JSON: lowerCamelCase names,
 * 64-bit integers as strings or numbers, enums as numbers, ids as hex, unknown fields ignored)
 * into one flat record per log record. Throws on a body that does not decode.
 */
export function decodeExportLogsRequest(body: Uint8Array, encoding: OtlpEncoding): ReceivedLogRecord[] {
  const { request } = otlpTypes();
  const message = (encoding === "protobuf"
    ? request.decode(body)
    : protojson.fromJson(request, otlpJsonToProtoJson(JSON.parse(Buffer.from(body).toString("utf8"))), {
        ignoreUnknownFields: true,
      })) as unknown as Msg;
  const out: ReceivedLogRecord[] = [];
  for (const rl of (message["resourceLogs"] ?? []) as Msg[]) {
    const resource = keyValues(((rl["resource"] as Msg | undefined)?.["attributes"] ?? []) as Msg[]).values;
    for (const sl of (rl["scopeLogs"] ?? []) as Msg[]) {
      const scopeMsg = (sl["scope"] ?? {}) as Msg;
      const scope = { name: text(scopeMsg["name"]), version: text(scopeMsg["version"]) };
      for (const lr of (sl["logRecords"] ?? []) as Msg[]) {
        const attrs = keyValues((lr["attributes"] ?? []) as Msg[]);
        const uid = attrs.values["log.record.uid"];
        out.push({
          resource,
          scope,
          timeUnixNano: text(lr["timeUnixNano"], "0"),
          observedTimeUnixNano: text(lr["observedTimeUnixNano"], "0"),
          severityNumber: Number(lr["severityNumber"] ?? 0),
          severityText: text(lr["severityText"]),
          body: anyValue(lr["body"] as Msg | undefined).value,
          eventName: text(lr["eventName"]),
          attributes: attrs.values,
          attributeTypes: attrs.types,
          traceId: Buffer.from((lr["traceId"] as Uint8Array | undefined) ?? []).toString("hex"),
          spanId: Buffer.from((lr["spanId"] as Uint8Array | undefined) ?? []).toString("hex"),
          ...(typeof uid === "string" ? { event_id: uid } : {}),
          encoding,
        });
      }
    }
  }
  return out;
}

/** Field numbers of the path request → resource_logs → scope_logs → log_records → attributes → value, from the definitions. */
function idPath(): { rl: number; sl: number; lr: number; attrs: number; key: number; value: number; str: number } {
  const { request } = otlpTypes();
  const rl = request.fields["resourceLogs"]!;
  const sl = (rl.resolve().resolvedType as protobuf.Type).fields["scopeLogs"]!;
  const lr = (sl.resolve().resolvedType as protobuf.Type).fields["logRecords"]!;
  const attrs = (lr.resolve().resolvedType as protobuf.Type).fields["attributes"]!;
  const kv = attrs.resolve().resolvedType as protobuf.Type;
  const value = kv.fields["value"]!;
  const str = (value.resolve().resolvedType as protobuf.Type).fields["stringValue"]!;
  return { rl: rl.id, sl: sl.id, lr: lr.id, attrs: attrs.id, key: kv.fields["key"]!.id, value: value.id, str: str.id };
}

let ids: ReturnType<typeof idPath> | undefined;

/**
 * Counts the log records of a binary ExportLogsServiceRequest and collects their
 * `log.record.uid`, skipping every other field unread (field numbers from the definitions):
 * a receiver that keeps up with a fast sender, for benchmarks. Throws on a malformed body.
 */
export function scanRecordIds(body: Uint8Array, uids: string[]): number {
  const f = (ids ??= idPath());
  let count = 0;
  const each = (reader: protobuf.Reader, end: number, field: number, inner: (r: protobuf.Reader, end: number) => void): void => {
    while (reader.pos < end) {
      const tag = reader.uint32();
      if (tag >>> 3 === field && (tag & 7) === 2) {
        const len = reader.uint32();
        inner(reader, reader.pos + len);
      } else reader.skipType(tag & 7);
    }
  };
  const anyString = (r: protobuf.Reader, end: number): string | undefined => {
    let out: string | undefined;
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag >>> 3 === f.str && (tag & 7) === 2) out = r.string();
      else r.skipType(tag & 7);
    }
    return out;
  };
  const keyValue = (r: protobuf.Reader, end: number): void => {
    let key: string | undefined;
    let uid: string | undefined;
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag >>> 3 === f.key && (tag & 7) === 2) key = r.string();
      else if (tag >>> 3 === f.value && (tag & 7) === 2) {
        const len = r.uint32();
        const stop = r.pos + len;
        if (key === "log.record.uid") uid = anyString(r, stop);
        r.pos = stop;
      } else r.skipType(tag & 7);
    }
    if (uid !== undefined) uids.push(uid);
  };
  const reader = protobuf.Reader.create(body);
  each(reader, body.length, f.rl, (r, end) =>
    each(r, end, f.sl, (r2, end2) =>
      each(r2, end2, f.lr, (r3, end3) => {
        count++;
        each(r3, end3, f.attrs, keyValue);
      }),
    ),
  );
  return count;
}

/** An ExportLogsServiceResponse: as the Collector answers, `partialSuccess` is always present. */
export function encodeExportLogsResponse(encoding: OtlpEncoding, partial: { rejected: number; message: string } | undefined): Buffer {
  const { response } = otlpTypes();
  const value = { partialSuccess: partial === undefined ? {} : { rejectedLogRecords: partial.rejected, errorMessage: partial.message } };
  if (encoding === "json") return Buffer.from(protojson.toJsonString(response, value), "utf8");
  return Buffer.from(response.encode(response.fromObject(value)).finish());
}

/** A google.rpc.Status error body (gRPC `code`, message), in the request's encoding. */
export function encodeStatus(encoding: OtlpEncoding, code: number, message: string): Buffer {
  const { status } = otlpTypes();
  if (encoding === "json") return Buffer.from(JSON.stringify({ code, message }), "utf8");
  return Buffer.from(status.encode(status.fromObject({ code, message })).finish());
}

/** Decodes a google.rpc.Status body (for tests of what a client shows). */
export function decodeStatus(body: Uint8Array, encoding: OtlpEncoding): { code: number; message: string } {
  const { status } = otlpTypes();
  const m = (encoding === "json" ? JSON.parse(Buffer.from(body).toString("utf8")) : status.toObject(status.decode(body))) as {
    code?: number;
    message?: string;
  };
  return { code: m.code ?? 0, message: m.message ?? "" };
}
