import type { IncomingHttpHeaders } from "node:http";
import type { LogstashEvent } from "./logstash-types.js";

/** What the codec needs to know about the request, as logstash-input-http sees it. */
export interface DecodeInput {
  readonly body: Buffer;
  readonly headers: IncomingHttpHeaders;
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly remoteAddress: string;
  /** Codec for non-`application/json` bodies. */
  readonly codec: "plain" | "json" | "json_lines";
  readonly ecs: boolean;
}

/** Events pushed before a failure stay pushed (Logstash queues them one by one). */
export interface DecodeOutput {
  readonly events: LogstashEvent[];
  /** Set when decoding failed part-way: the request is answered 500. */
  readonly error?: Error;
}

/**
 * Decodes a request body the way logstash-input-http 4.x does: the codec is chosen by the MIME
 * type (the Content-Type before any `;`, compared exactly), `application/json` uses the json
 * codec (a top-level array is one event per element; anything unparseable, or not an object or
 * an array of objects, becomes one event tagged `_jsonparsefailure` holding the raw text), the
 * body is read in the Content-Type's charset (UTF-8 by default), then the request metadata is
 * written onto each event.
 */
export function decodeLogstashBody(input: DecodeInput): DecodeOutput {
  const contentType = headerValue(input.headers["content-type"]);
  const mime = contentType === undefined || contentType === "" ? undefined : contentType.split(";", 1)[0];
  const codec = mime === "application/json" ? "json" : input.codec;
  const text = decodeText(input.body, contentType);
  const events: LogstashEvent[] = [];
  const meta = requestMetadata(input);
  try {
    for (const event of runCodec(codec, text, input.ecs)) {
      addRequestFields(event, meta, input);
      events.push(event);
    }
    return { events };
  } catch (err) {
    return { events, error: err instanceof Error ? err : new Error(String(err)) };
  }
}

function runCodec(codec: DecodeInput["codec"], text: string, ecs: boolean): LogstashEvent[] {
  if (codec === "plain") {
    return [finish(ecs ? { message: text, event: { original: text } } : { message: text })];
  }
  if (codec === "json") return fromJson(text);
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .flatMap((line) => fromJson(line));
}

function fromJson(text: string): LogstashEvent[] {
  if (text.trim() === "") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [parseFailure(text)];
  }
  if (isObject(parsed)) return [finish(parsed)];
  if (Array.isArray(parsed) && parsed.every(isObject)) return parsed.map((item: Record<string, unknown>) => finish(item));
  return [parseFailure(text)];
}

function parseFailure(text: string): LogstashEvent {
  return finish({ message: text, tags: ["_jsonparsefailure"] });
}

/** Adds `@timestamp` and `@version` like `new LogStash::Event(map)`. */
function finish(event: LogstashEvent): LogstashEvent {
  const stamp = event["@timestamp"];
  if (stamp === undefined || stamp === null) {
    event["@timestamp"] = new Date().toISOString();
  } else if (typeof stamp !== "string" || Number.isNaN(Date.parse(stamp))) {
    event["_@timestamp"] = stamp;
    event["@timestamp"] = new Date().toISOString();
    event["tags"] = [...(Array.isArray(event["tags"]) ? (event["tags"] as unknown[]) : []), "_timestampparsefailure"];
  }
  event["@version"] ??= "1";
  return event;
}

interface RequestMetadata {
  readonly formatted: Record<string, string>;
  /** ECS fields to write on each event, computed once per request. */
  readonly ecsFields: readonly (readonly [path: readonly string[], value: unknown])[];
}

/** The input's `formatHeaders`: lower-case, `-` → `_`, plus request line fields; no Authorization. */
function requestMetadata(input: DecodeInput): RequestMetadata {
  const formatted: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) {
    if (name === "authorization" || value === undefined) continue;
    formatted[name.toLowerCase().replaceAll("-", "_")] = Array.isArray(value) ? value.join(",") : value;
  }
  for (const [from, to] of [
    ["accept", "http_accept"],
    ["host", "http_host"],
    ["user_agent", "http_user_agent"],
  ] as const) {
    const value = formatted[from];
    delete formatted[from];
    if (value !== undefined) formatted[to] = value;
  }
  formatted["request_method"] = input.method;
  formatted["request_path"] = input.url;
  formatted["http_version"] = `HTTP/${input.httpVersion}`;
  return { formatted, ecsFields: input.ecs ? ecsFields(formatted, input.remoteAddress) : [] };
}

/** The input's `add_ecs_fields`, then the remote host target `[host][ip]`, in its order. */
function ecsFields(h: Record<string, string>, remoteAddress: string): [string[], unknown][] {
  const fields: [string[], unknown][] = [];
  const add = (path: string[], value: unknown): void => {
    if (value !== undefined) fields.push([path, value]);
  };
  add(["http", "version"], h["http_version"]);
  add(["user_agent", "original"], h["http_user_agent"]);
  const hostHeader = h["http_host"];
  if (hostHeader !== undefined) {
    const match = /^(?:([^:]+)|\[(.*)\]):(\d+)$/.exec(hostHeader);
    add(["url", "domain"], match ? (match[1] ?? match[2]) : hostHeader);
    if (match?.[3] !== undefined) add(["url", "port"], Number(match[3]));
  }
  add(["http", "method"], h["request_method"]);
  add(["url", "path"], h["request_path"]);
  add(["http", "request", "body", "bytes"], h["content_length"]);
  add(["http", "request", "mime_type"], h["content_type"]);
  add(["host", "ip"], remoteAddress);
  return fields;
}

function addRequestFields(event: LogstashEvent, meta: RequestMetadata, input: DecodeInput): void {
  if (!input.ecs) {
    event["headers"] = { ...meta.formatted };
    event["host"] = input.remoteAddress;
    return;
  }
  for (const [path, value] of meta.ecsFields) setField(event, path, value);
}

/** `event.set("[a][b]", v)`: creates missing objects; a scalar or array on the path throws. */
function setField(event: LogstashEvent, path: readonly string[], value: unknown): void {
  let target: Record<string, unknown> = event;
  const last = path.length - 1;
  for (let i = 0; i < last; i++) {
    const key = path[i]!;
    const next = target[key];
    if (next === undefined || next === null) {
      const created: Record<string, unknown> = {};
      target[key] = created;
      target = created;
    } else if (isObject(next)) {
      target = next;
    } else {
      const field = path[last] ?? "";
      throw new Error(
        `Could not set field '${field}' on object '${JSON.stringify(next)}' to value '${JSON.stringify(value)}'. This is probably due to trying to set a field like [foo][bar] = someValue when [foo] is not either a map or a string`,
      );
    }
  }
  target[path[last]!] = value;
}

function decodeText(body: Buffer, contentType: string | undefined): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? "")?.[1];
  if (charset !== undefined) {
    try {
      return new TextDecoder(charset).decode(body);
    } catch {
      // Unsupported charset: the input falls back to UTF-8.
    }
  }
  return new TextDecoder("utf-8").decode(body);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
