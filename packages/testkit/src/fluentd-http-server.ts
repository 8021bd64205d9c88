import type { IncomingMessage, ServerResponse } from "node:http";
import { gunzipSync, inflateSync } from "node:zlib";
import { decodeMulti } from "@msgpack/msgpack";
import { createEventTimeDecoderCodec } from "./fluentd-decode.js";
import type { FluentdFault, FluentdFlavour, ReceivedHttpRequest } from "./fluentd-types.js";

/** What the in_http handler needs from its receiver. */
export interface HttpHost {
  readonly flavour: FluentdFlavour;
  readonly maxBodyBytes: number;
  /** The fault that applies to the next request (consumes one of its `times`). */
  takeFault(tag: string): FluentdFault | undefined;
  /** Called once per request, before its status is known (the object is updated in place). */
  request(request: ReceivedHttpRequest): void;
  store(tag: string, records: { time: number | undefined; record: Record<string, unknown> }[]): void;
}

class BadRequest extends Error {}
const codec = createEventTimeDecoderCodec();

/**
 * in_http: `POST /<tag>` (path segments joined by dots); JSON, NDJSON, msgpack or form bodies,
 * gzip/deflate; a JSON array is a batch. 413 above the body limit, 400 on a body that fails to
 * inflate or parse, and 400 for the whole request when a record's top-level `time` is not
 * numeric. Malformed JSON: Fluentd answers 200 and drops it, Fluent Bit answers 400.
 */
export function createInHttpHandler(host: HttpHost): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const tag = path
      .split("/")
      .filter((s) => s !== "")
      .map(decodeURIComponent)
      .join(".");
    const request: ReceivedHttpRequest = {
      path,
      tag,
      contentType: String(req.headers["content-type"] ?? ""),
      contentEncoding: String(req.headers["content-encoding"] ?? ""),
      status: 0,
      records: 0,
    };
    const answer = (status: number, headers: Record<string, string> = {}): void => {
      request.status = status;
      res.writeHead(status, { "content-length": "0", ...headers }).end();
    };
    const fault = host.takeFault(tag);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers["content-length"] ?? 0) > host.maxBodyBytes;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > host.maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("error", () => {});
    req.on("end", () => {
      host.request(request);
      if (fault?.kind === "blackhole") return;
      if (fault?.kind === "http_status") return answer(fault.status, fault.retryAfter ? { "retry-after": fault.retryAfter } : {});
      if (req.method !== "POST") return answer(405);
      if (tooLarge) return answer(413);
      if (tag === "") return answer(400);
      let records: { time: number | undefined; record: Record<string, unknown> }[];
      try {
        records = parseBody(Buffer.concat(chunks), request.contentType, request.contentEncoding);
      } catch (err) {
        const swallow = err instanceof SyntaxError && host.flavour === "fluentd";
        return answer(swallow ? 200 : 400);
      }
      request.records = records.length;
      host.store(tag, records);
      answer(host.flavour === "fluentd" ? 200 : 201);
    });
  };
}

function parseBody(raw: Buffer, contentType: string, encoding: string): { time: number | undefined; record: Record<string, unknown> }[] {
  let body: Buffer;
  try {
    body = /gzip/i.test(encoding) ? gunzipSync(raw) : /deflate/i.test(encoding) ? inflateSync(raw) : raw;
  } catch {
    throw new BadRequest("body does not inflate");
  }
  const type = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  let values: unknown[];
  if (type === "application/x-ndjson") {
    values = body
      .toString("utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as unknown);
  } else if (type === "application/msgpack" || type === "application/x-msgpack") {
    try {
      values = [...decodeMulti(body, { extensionCodec: codec })];
    } catch {
      throw new BadRequest("not msgpack");
    }
  } else if (type === "application/x-www-form-urlencoded") {
    const form = new URLSearchParams(body.toString("utf8"));
    const json = form.get("json");
    const packed = form.get("msgpack");
    if (json !== null) values = [JSON.parse(json) as unknown];
    else if (packed !== null) values = [...decodeMulti(Buffer.from(packed, "latin1"), { extensionCodec: codec })];
    else throw new BadRequest("no json= or msgpack= field");
  } else {
    values = [JSON.parse(body.toString("utf8")) as unknown];
  }
  const flat = values.flatMap((v) => (Array.isArray(v) ? (v as unknown[]) : [v]));
  return flat.map((value) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new BadRequest("a record is not an object");
    const record = { ...(value as Record<string, unknown>) };
    let time: number | undefined;
    if (Object.hasOwn(record, "time")) {
      const t: unknown = record["time"];
      time = typeof t === "number" ? t : typeof t === "string" && t.trim() !== "" && Number.isFinite(Number(t)) ? Number(t) : Number.NaN;
      if (Number.isNaN(time)) throw new BadRequest("time field is not numeric");
      delete record["time"];
    }
    return { time, record };
  });
}
