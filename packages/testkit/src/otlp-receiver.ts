import { createServer as createHttpServer } from "node:http";
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { gunzip, inflate } from "node:zlib";
import { decodeExportLogsRequest, encodeExportLogsResponse, encodeStatus, encodingOf, otlpTypes, scanRecordIds } from "./otlp-proto.js";
import type { OtlpEncoding } from "./otlp-proto.js";
import type { OtlpFault, OtlpReceiverOptions, ReceivedLogRecord, ReceivedOtlpRequest } from "./otlp-types.js";
import { waitFor } from "./wait.js";

/** A running OTLP/HTTP receiver. Everything it saw stays inspectable until `close()`. */
export interface OtlpReceiver {
  /** The base URL, `http://127.0.0.1:<port>` (a sink appends `/v1/logs`), or `https://`. */
  readonly url: string;
  /** The full logs URL, `<url>/v1/logs`. */
  readonly logsUrl: string;
  readonly port: number;
  /** Every accepted log record, retries included, in arrival order. */
  readonly records: readonly ReceivedLogRecord[];
  /** Every request in arrival order, refused ones included. */
  readonly requests: readonly ReceivedOtlpRequest[];
  /** Accepted records counted, also when `keepRecords` is false. */
  readonly recordCount: number;
  /** The `log.record.uid` of every accepted record that had one, in arrival order. */
  eventIds(): string[];
  /** How many different `log.record.uid` values were accepted. */
  distinctEventIds(): number;
  /** Accepted records whose `log.record.uid` had been accepted before. */
  duplicates(): number;
  /** Switches the failure mode; resolves once the listener is closed (`down`) or open again. */
  setFault(fault: OtlpFault | "none" | "down" | "blackhole"): Promise<void>;
  /** Resolves with the records once at least `count` were accepted; rejects after `timeoutMs`. */
  waitForRecords(count: number, timeoutMs?: number): Promise<readonly ReceivedLogRecord[]>;
  /** Resolves once at least `count` requests arrived; rejects after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<readonly ReceivedOtlpRequest[]>;
  /** Forgets recorded records and requests (not the fault). */
  clear(): void;
  /** Destroys every socket and stops listening. Idempotent. */
  close(): Promise<void>;
}

/** gRPC codes the Collector puts in a Status body for an HTTP status (`GetHTTPStatusCodeFromStatus`, reversed). */
const GRPC_CODE: Readonly<Record<number, number>> = { 400: 3, 401: 16, 403: 7, 404: 12, 429: 8, 503: 14 };
const DEFAULT_MAX_BODY = 20 * 1024 * 1024;

/**
 * Starts an OTLP/HTTP logs receiver on 127.0.0.1, port 0, that behaves like the OpenTelemetry
 * Collector's `otlp` receiver (`http` protocol): `POST /v1/logs` only (405 for other methods,
 * 404 for other paths), `application/x-protobuf` or `application/json` (415 otherwise), gzip or
 * deflate bodies, an ExportLogsServiceResponse in the request's encoding on success and a
 * google.rpc.Status on errors (400 for a body that does not decode). Bodies are decoded with the
 * official OTLP definitions (vendored under `proto/`, loaded with protobufjs). Close it in
 * `afterEach`.
 */
export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  otlpTypes(); // fail at start, not at the first request, if the definitions cannot be loaded
  const path = options.path ?? "/v1/logs";
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const keep = options.keepRecords ?? true;
  const records: ReceivedLogRecord[] = [];
  const requests: ReceivedOtlpRequest[] = [];
  const ids: string[] = [];
  let accepted = 0;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let fault: Exclude<OtlpFault, { mode: "none" | "down" }> | null = null;
  let faultLeft = 0;
  let closing: Promise<void> | undefined;

  const takeFault = (): typeof fault => {
    const f = fault;
    if (f !== null && --faultLeft <= 0) fault = null;
    return f;
  };

  const write = (
    res: ServerResponse,
    rec: ReceivedOtlpRequest,
    status: number,
    body: Buffer | string,
    headers: OutgoingHttpHeaders,
  ): void => {
    if (res.destroyed || res.headersSent) return;
    rec.status = status;
    const bytes = typeof body === "string" ? Buffer.from(body) : body;
    res.writeHead(status, { ...headers, "content-length": bytes.length }).end(bytes);
  };
  const refuse = (
    res: ServerResponse,
    rec: ReceivedOtlpRequest,
    enc: OtlpEncoding,
    status: number,
    message: string,
    extra: OutgoingHttpHeaders = {},
  ): void => {
    rec.reason = message;
    const type = enc === "json" ? "application/json" : "application/x-protobuf";
    write(res, rec, status, encodeStatus(enc, GRPC_CODE[status] ?? 13, message), { "content-type": type, ...extra });
  };

  const process = async (
    req: IncomingMessage,
    res: ServerResponse,
    rec: ReceivedOtlpRequest,
    raw: Buffer,
    current: typeof fault,
  ): Promise<void> => {
    if (rec.path !== path) return write(res, rec, 404, "404 page not found\n", { "content-type": "text/plain; charset=utf-8" });
    if (req.method !== "POST") return write(res, rec, 405, "405 method not allowed, supported: [POST]", { "content-type": "text/plain" });
    const enc = encodingOf(req.headers["content-type"]);
    if (enc === undefined)
      return write(res, rec, 415, "415 unsupported media type, supported: [application/json, application/x-protobuf]", {
        "content-type": "text/plain",
      });
    if (rec.bytes > maxBody) return refuse(res, rec, enc, 413, `request body too large (limit ${maxBody} bytes)`);
    for (const [name, value] of Object.entries(options.requiredHeaders ?? {})) {
      if (req.headers[name.toLowerCase()] !== value) return refuse(res, rec, enc, 401, "missing or invalid credentials");
    }
    const inflated = await inflateBody(raw, req.headers["content-encoding"], maxBody);
    if (typeof inflated === "string") return refuse(res, rec, enc, inflated === "too large" ? 413 : 400, inflated);
    let decoded: ReceivedLogRecord[];
    try {
      decoded = !keep && enc === "protobuf" ? idsOnly(inflated) : decodeExportLogsRequest(inflated, enc);
    } catch (err) {
      return refuse(res, rec, enc, 400, `failed to unmarshal request: ${(err as Error).message}`);
    }
    rec.records = decoded.length;
    if (current?.mode === "status") {
      const extra = current.retryAfter === undefined ? {} : { "retry-after": String(current.retryAfter) };
      return refuse(res, rec, enc, current.status, current.message ?? `fault ${current.status}`, extra);
    }
    const rejected = current?.mode === "partial" ? Math.min(decoded.length, Math.max(0, current.rejected)) : 0;
    for (const record of decoded.slice(0, decoded.length - rejected)) {
      accepted++;
      if (record.event_id !== undefined) ids.push(record.event_id);
      if (keep) records.push(record);
    }
    const partial = current?.mode === "partial" ? { rejected, message: current.message ?? "" } : undefined;
    const type = enc === "json" ? "application/json" : "application/x-protobuf";
    write(res, rec, 200, encodeExportLogsResponse(enc, partial), { "content-type": type });
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const current = takeFault();
    const rec: ReceivedOtlpRequest = {
      method: req.method ?? "",
      path: (req.url ?? "/").split("?")[0]!,
      headers: req.headers,
      bytes: 0,
      records: 0,
      status: 0,
      fault: current?.mode ?? "none",
      receivedAt: Date.now(),
    };
    requests.push(rec);
    const chunks: Buffer[] = [];
    req.on("error", () => {});
    if (current?.mode === "reset") {
      const limit = current.afterBytes ?? 1;
      const reset = (): void => {
        const s = req.socket;
        if (s.destroyed) return;
        if (typeof s.resetAndDestroy === "function" && !("encrypted" in s)) s.resetAndDestroy();
        else s.destroy();
      };
      req.on("data", (c: Buffer) => {
        rec.bytes += c.length;
        if (rec.bytes >= limit) reset();
      });
      req.on("end", reset);
      return;
    }
    req.on("data", (c: Buffer) => {
      rec.bytes += c.length;
      // Past the limit, keep counting but stop holding the bytes.
      if (rec.bytes <= maxBody + 1) chunks.push(c);
    });
    req.on("end", () => {
      if (current?.mode === "blackhole") return;
      const raw = Buffer.concat(chunks);
      const go = (): void => void process(req, res, rec, raw, current);
      if (current?.mode !== "slow") return go();
      const t = setTimeout(() => {
        timers.delete(t);
        // Processed even when the client gave up meanwhile: its retry then duplicates.
        go();
      }, current.delayMs);
      timers.add(t);
    });
  };

  const tls = options.tls;
  const server: Server = tls
    ? createHttpsServer(
        {
          key: tls.key,
          cert: tls.cert,
          ...(tls.ca ? { ca: tls.ca } : {}),
          requestCert: tls.requestCert ?? false,
          rejectUnauthorized: tls.requestCert ?? false,
        },
        handle,
      )
    : createHttpServer(handle);
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.on("tlsClientError", () => {});
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  const listen = async (port: number): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen(port, "127.0.0.1", () => {
            server.off("error", reject);
            resolve();
          });
        });
        return;
      } catch (err) {
        // Coming back up on the same port can race with the OS releasing it.
        if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE" || attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  };
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });

  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const base = `${tls ? "https" : "http"}://127.0.0.1:${port}`;
  const what = (): string => `(${accepted} records accepted in ${requests.length} requests)`;

  return {
    url: base,
    logsUrl: `${base}${path}`,
    port,
    records,
    requests,
    get recordCount() {
      return accepted;
    },
    eventIds: () => [...ids],
    distinctEventIds: () => new Set(ids).size,
    duplicates: () => ids.length - new Set(ids).size,
    async setFault(next) {
      const f: OtlpFault = typeof next === "string" ? { mode: next } : next;
      if (f.mode === "down") {
        fault = null;
        return stop();
      }
      fault = f.mode === "none" ? null : f;
      faultLeft = f.mode === "none" ? 0 : (f.count ?? Number.POSITIVE_INFINITY);
      if (!server.listening && closing === undefined) await listen(port);
    },
    waitForRecords: (count, timeoutMs = 5000) =>
      waitFor(() => accepted >= count && records, { timeoutMs, what: `${count} log records at the OTLP receiver ${what()}` }),
    waitForRequests: (count, timeoutMs = 5000) =>
      waitFor(() => requests.length >= count && requests, { timeoutMs, what: `${count} requests at the OTLP receiver ${what()}` }),
    clear() {
      records.length = 0;
      requests.length = 0;
      ids.length = 0;
      accepted = 0;
    },
    close() {
      closing ??= stop();
      return closing;
    },
  };
}

/** `keepRecords: false` over protobuf: each record's uid only (see `scanRecordIds`), as stand-in records. */
function idsOnly(body: Uint8Array): ReceivedLogRecord[] {
  const uids: string[] = [];
  const count = scanRecordIds(body, uids);
  const out = uids.map((event_id) => ({ event_id }) as ReceivedLogRecord);
  for (let i = uids.length; i < count; i++) out.push({} as ReceivedLogRecord);
  return out;
}

type Zlib = (buf: Buffer, options: { maxOutputLength: number }, cb: (err: Error | null, out: Buffer) => void) => void;

/** Undoes `Content-Encoding` (gzip, deflate, identity); a string says why not (400 or 413). */
function inflateBody(raw: Buffer, encoding: string | string[] | undefined, limit: number): Promise<Buffer | string> {
  const name = (Array.isArray(encoding) ? encoding[0] : encoding)?.trim().toLowerCase() ?? "";
  if (name === "" || name === "identity") return Promise.resolve(raw);
  const fn: Zlib | undefined = name === "gzip" ? gunzip : name === "deflate" ? inflate : undefined;
  if (fn === undefined) return Promise.resolve(`unsupported Content-Encoding: ${name}`);
  return new Promise((resolve) => {
    fn(raw, { maxOutputLength: Math.max(1, limit) }, (err, out) => {
      if (!err) return resolve(out);
      resolve(
        (err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" ? "too large" : `failed to decompress the body: ${err.message}`,
      );
    });
  });
}
