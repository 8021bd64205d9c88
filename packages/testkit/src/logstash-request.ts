import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { inflateBody, readBody } from "./logstash-body.js";
import { decodeLogstashBody } from "./logstash-codec.js";
import type { ReceiverState } from "./logstash-receiver.js";
import type { LogstashFault, ReceivedRequest } from "./logstash-types.js";

/**
 * Handles one request in the order logstash-input-http's Netty pipeline does: blocked-pipeline
 * rejection (429, connection closed), body aggregation with `max_content_length` (413,
 * connection closed), decompression (400), the pending-request limit (429), Basic auth (401),
 * then decoding and queueing the events (200 `ok`, or 500 when an event cannot take the request
 * fields). Returns the request's record, updated as it progresses.
 */
export function handleLogstashRequest(req: IncomingMessage, res: ServerResponse, state: ReceiverState): ReceivedRequest {
  const fault = state.takeFault();
  const record: ReceivedRequest = {
    method: req.method ?? "GET",
    url: req.url ?? "/",
    headers: req.headers,
    bytes: 0,
    eventCount: 0,
    status: undefined,
    outcome: "pending",
    fault: fault.mode,
    receivedAt: Date.now(),
  };
  req.on("error", () => {});
  res.on("close", () => {
    if (record.outcome === "pending") record.outcome = "client_aborted";
  });
  void process(req, res, state, fault, record);
  return record;
}

async function process(
  req: IncomingMessage,
  res: ServerResponse,
  state: ReceiverState,
  fault: LogstashFault,
  record: ReceivedRequest,
): Promise<void> {
  const countBytes = (n: number): void => {
    record.bytes += n;
  };
  if (fault.mode === "blackhole") {
    record.outcome = "blackholed";
    req.on("data", (chunk: Buffer) => countBytes(chunk.length));
    return;
  }
  if (fault.mode === "reset") return resetMidBody(req, state, fault, record);
  const { options } = state;
  const now = Date.now();
  if ([...state.processing].some((p) => now - p.startedAt > options.blockedThresholdMs)) {
    return answer(res, record, 429, "", {}, true);
  }
  const encoding = req.headers["content-encoding"];
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (encoding === undefined && declared > options.maxContentLength) return answer(res, record, 413, "", {}, true);
  const read = await readBody(req, options.maxContentLength, countBytes);
  if (read.kind === "aborted") {
    record.outcome = "client_aborted";
    return;
  }
  if (read.kind === "too_large") return answer(res, record, 413, "", {}, true);
  const inflated = await inflateBody(read.raw, encoding, options.maxContentLength);
  if (inflated.kind === "too_large") return answer(res, record, 413, "", {}, true);
  if (inflated.kind === "bad") return answer(res, record, 400, inflated.message, { "content-type": "text/plain" });
  if (fault.mode === "status") {
    const headers: OutgoingHttpHeaders = {};
    if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
    if (fault.status === 401) headers["www-authenticate"] = 'Basic realm="Logstash HTTP Input"';
    return answer(res, record, fault.status, fault.body ?? "", headers, fault.status === 413);
  }
  if (state.processing.size >= options.maxPendingRequests) return answer(res, record, 429, "");
  const slot = { startedAt: Date.now() };
  state.processing.add(slot);
  try {
    if (options.user !== undefined && options.password !== undefined) {
      const token = req.headers.authorization;
      if (token === undefined) {
        return answer(res, record, 401, "", { "www-authenticate": 'Basic realm="Logstash HTTP Input"' });
      }
      // The input compares the whole header with "Basic " + base64(user:password).
      if (token !== `Basic ${Buffer.from(`${options.user}:${options.password}`).toString("base64")}`) {
        return answer(res, record, 401, "");
      }
    }
    if (fault.mode === "slow" && !(await sleep(fault.delayMs, state))) return;
    const headers = { ...req.headers };
    if (encoding !== undefined && inflated.body !== read.raw) {
      delete headers["content-encoding"];
      headers["content-length"] = String(inflated.body.length);
    }
    const decoded = decodeLogstashBody({
      body: inflated.body,
      headers,
      method: record.method,
      url: record.url,
      httpVersion: req.httpVersion,
      remoteAddress: req.socket.remoteAddress ?? "127.0.0.1",
      codec: options.codec,
      ecs: options.ecs,
    });
    for (const event of decoded.events) state.events.push(event);
    record.eventCount = decoded.events.length;
    if (decoded.error) return answer(res, record, 500, "");
    if (options.responseCode === 204) return answer(res, record, 204, undefined, {});
    return answer(res, record, options.responseCode, "ok", { "content-type": "text/plain" });
  } finally {
    state.processing.delete(slot);
  }
}

function resetMidBody(
  req: IncomingMessage,
  state: ReceiverState,
  fault: Extract<LogstashFault, { mode: "reset" }>,
  record: ReceivedRequest,
): void {
  const declared = Number(req.headers["content-length"] ?? 0);
  const after = fault.afterBytes ?? Math.max(1, Math.floor(declared / 2));
  const reset = (): void => {
    if (record.outcome !== "pending") return;
    record.outcome = "reset";
    const raw = state.rawSocket(req.socket);
    if (typeof raw.resetAndDestroy === "function") raw.resetAndDestroy();
    else raw.destroy();
    req.socket.destroy();
  };
  req.on("data", (chunk: Buffer) => {
    record.bytes += chunk.length;
    if (record.bytes >= after) reset();
  });
  req.once("end", reset);
}

function answer(
  res: ServerResponse,
  record: ReceivedRequest,
  status: number,
  body: string | undefined,
  headers: OutgoingHttpHeaders = {},
  close = false,
): void {
  if (res.destroyed || res.headersSent || res.socket?.destroyed !== false) {
    record.outcome = "client_aborted";
    return;
  }
  record.status = status;
  record.outcome = "answered";
  const payload = body === undefined ? undefined : Buffer.from(body);
  if (payload !== undefined) headers["content-length"] = payload.length;
  if (close) headers["connection"] = "close";
  res.writeHead(status, headers);
  res.end(payload);
}

/** Waits `ms` unless the receiver closes first (false then: nothing is recorded). */
function sleep(ms: number, state: ReceiverState): Promise<boolean> {
  return new Promise((resolve) => {
    if (state.isClosed()) return resolve(false);
    const wake = (elapsed: boolean): void => {
      clearTimeout(timer);
      state.sleepers.delete(wake);
      resolve(elapsed);
    };
    const timer = setTimeout(() => wake(true), ms);
    state.sleepers.add(wake);
  });
}
