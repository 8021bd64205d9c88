import { createServer as createHttpServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { ReceivedWebhookEvent, WebhookPayloadFormat } from "./webhook-payload.js";
import { WebhookPayloadError, parseWebhookPayload } from "./webhook-payload.js";
import { verifyStandardWebhook } from "./webhook-verify.js";
import { DEFAULT_RECEIVER_HOST, urlHost } from "./listen-address.js";

/**
 * A failure mode of the webhook receiver (same shape as the Logstash receiver's faults),
 * switchable at any time with `setFault`. `count` (default: until changed) limits a fault to
 * the next N requests, after which the receiver answers normally again.
 * - `none`: a healthy receiver.
 * - `down`: the listener is closed and connections destroyed (ECONNREFUSED); switching to
 *   another mode listens on the same port again.
 * - `blackhole`: reads the request, never answers.
 * - `slow`: answers normally after `delayMs` (the events are recorded even if the client gave
 *   up, as a real receiver that finished processing would).
 * - `status`: answers `status` (with `Retry-After: retryAfter` when given); 410, 413, 429, 503…
 *   Nothing is recorded.
 * - `redirect`: answers a 3xx with `Location` pointing at {@link WebhookReceiver.redirectTargetUrl},
 *   a path that would accept the delivery (a sink must not follow it).
 * - `reset`: after `afterBytes` body bytes (default: the first chunk), resets the connection
 *   (TCP RST) without answering.
 */
export type WebhookFault =
  | { readonly mode: "none" }
  | { readonly mode: "down" }
  | { readonly mode: "blackhole"; readonly count?: number }
  | { readonly mode: "slow"; readonly delayMs: number; readonly count?: number }
  | { readonly mode: "status"; readonly status: number; readonly retryAfter?: string | number; readonly count?: number }
  | { readonly mode: "redirect"; readonly status: 301 | 302 | 303 | 307 | 308; readonly count?: number }
  | { readonly mode: "reset"; readonly afterBytes?: number; readonly count?: number };

/** Options of {@link startWebhookReceiver}. */
export interface WebhookReceiverOptions {
  /** `whsec_…` secrets accepted; when set, every request must carry a valid signature. @default none (signatures recorded, not checked) */
  readonly secrets?: readonly string[];
  /** Replay window. @default 300 */
  readonly toleranceSeconds?: number;
  /** Serve HTTPS with this PEM key pair; `requestCert` + `ca` demand a client certificate. @default plain HTTP */
  readonly tls?: {
    readonly key: string | Buffer;
    readonly cert: string | Buffer;
    readonly ca?: string | Buffer;
    readonly requestCert?: boolean;
  };
  /** The path that accepts deliveries. @default "/hook" */
  readonly path?: string;
  /** Status of an accepted delivery. @default 200 */
  readonly acceptStatus?: number;
  /** Bodies above this many bytes get 413. @default 10 MiB */
  readonly maxBodyBytes?: number;
  /** The receiver's clock in Unix seconds, for replay tests. @default the system clock */
  readonly nowSeconds?: () => number;
  /** Address to listen on (`0.0.0.0` for every interface). @default "127.0.0.1" */
  readonly host?: string;
  /** Port to listen on. @default 0: a free port */
  readonly port?: number;
}

/** One request as the receiver saw it. */
export interface ReceivedWebhookRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body (what was signed). */
  body: Buffer;
  /** The status answered; 0 when none was (blackhole, reset). */
  status: number;
  /** Why it was refused, when it was. */
  reason?: string;
  readonly webhookId: string | undefined;
  readonly timestamp: string | undefined;
  /** The client's port: equal ports on two requests mean a reused keep-alive connection. */
  readonly remotePort: number | undefined;
  format?: WebhookPayloadFormat;
  events: ReceivedWebhookEvent[];
}

/** A running receiver. Everything it saw stays inspectable until `close()`. */
export interface WebhookReceiver {
  /** The accepting URL, e.g. `http://127.0.0.1:40123/hook`. */
  readonly url: string;
  /** Where redirects point; it would accept a delivery. */
  readonly redirectTargetUrl: string;
  readonly port: number;
  /** Every request in arrival order, refused ones included. */
  readonly requests: readonly ReceivedWebhookRequest[];
  /** Events of accepted deliveries, duplicates (retries) included. */
  readonly events: readonly ReceivedWebhookEvent[];
  /** Distinct accepted events, by `event_id` / CloudEvents `id` / `details.event_id`. */
  readonly distinctEvents: number;
  /** The `webhook-id` of every request that carried one, per attempt, in order. */
  webhookIds(): string[];
  /** Switches the failure mode; resolves once the listener is closed (`down`) or open again. */
  setFault(fault: WebhookFault): Promise<void>;
  /** Resolves once `n` distinct events were accepted; rejects after `timeoutMs` (default 5000). */
  waitForEvents(n: number, timeoutMs?: number): Promise<void>;
  /** Resolves once `n` requests arrived; rejects after `timeoutMs` (default 5000). */
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  /** Destroys every socket and stops the server. Idempotent. */
  close(): Promise<void>;
}

const REDIRECT_TARGET = "/redirected";

/** Starts a strict Standard Webhooks receiver on 127.0.0.1, port 0 (or `options.host` and `options.port`). */
export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const path = options.path ?? "/hook";
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const requests: ReceivedWebhookRequest[] = [];
  const events: ReceivedWebhookEvent[] = [];
  const ids = new Set<string>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();
  let fault: Exclude<WebhookFault, { mode: "none" | "down" }> | null = null;
  let faultLeft = Number.POSITIVE_INFINITY;
  let closed: Promise<void> | undefined;

  const changed = (): void => {
    for (const w of [...waiters]) w();
  };
  const takeFault = (): typeof fault => {
    if (fault === null) return null;
    const f = fault;
    if (--faultLeft <= 0) fault = null;
    return f;
  };

  const accept = (req: IncomingMessage, res: ServerResponse, rec: ReceivedWebhookRequest): void => {
    const answer = (status: number, reason?: string): void => {
      rec.status = status;
      if (reason !== undefined) rec.reason = reason;
      res.writeHead(status, { "content-type": "text/plain" }).end(reason ?? "ok");
      changed();
    };
    if (rec.path !== path && rec.path !== REDIRECT_TARGET) return answer(404, "no such path");
    if (req.method !== "POST" && req.method !== "PUT") return answer(405, "method not allowed");
    if (rec.body.length > maxBody) return answer(413, "payload too large");
    if (options.secrets !== undefined && options.secrets.length > 0) {
      const v = verifyStandardWebhook({
        headers: req.headers,
        body: rec.body,
        secrets: options.secrets,
        ...(options.toleranceSeconds === undefined ? {} : { toleranceSeconds: options.toleranceSeconds }),
        ...(options.nowSeconds ? { nowSeconds: options.nowSeconds() } : {}),
      });
      if (!v.ok) return answer(v.status, v.reason);
    }
    try {
      const parsed = parseWebhookPayload(req.headers["content-type"], rec.body);
      rec.format = parsed.format;
      rec.events = parsed.events;
    } catch (err) {
      if (err instanceof WebhookPayloadError) return answer(err.status, err.message);
      throw err;
    }
    for (const e of rec.events) {
      events.push(e);
      ids.add(e.id);
    }
    answer(options.acceptStatus ?? 200);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const current = takeFault();
    const one = (h: string | string[] | undefined): string | undefined => (Array.isArray(h) ? h[0] : h);
    const chunks: Buffer[] = [];
    const rec: ReceivedWebhookRequest = {
      method: req.method ?? "",
      path: (req.url ?? "/").split("?")[0]!,
      headers: req.headers,
      body: Buffer.alloc(0),
      status: 0,
      webhookId: one(req.headers["webhook-id"]),
      timestamp: one(req.headers["webhook-timestamp"]),
      remotePort: req.socket.remotePort,
      events: [],
    };
    requests.push(rec);
    if (current?.mode === "reset") {
      const limit = current.afterBytes ?? 1;
      let got = 0;
      const reset = (): void => {
        if (req.socket.destroyed) return;
        rec.body = Buffer.concat(chunks);
        const s = req.socket;
        if (typeof s.resetAndDestroy === "function" && !("encrypted" in s)) s.resetAndDestroy();
        else s.destroy();
        changed();
      };
      req.on("data", (c: Buffer) => {
        chunks.push(c);
        got += c.length;
        if (got < limit || req.socket.destroyed) return;
        reset();
      });
      // A body shorter than afterBytes: reset once it is all in, still without answering.
      req.on("end", reset);
      return;
    }
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      rec.body = Buffer.concat(chunks);
      changed();
      if (current === null) return accept(req, res, rec);
      switch (current.mode) {
        case "blackhole":
          return;
        case "slow": {
          const t = setTimeout(() => {
            timers.delete(t);
            // Processed even when the client gave up meanwhile: its retry then duplicates.
            accept(req, res, rec);
          }, current.delayMs);
          timers.add(t);
          return;
        }
        case "status":
          rec.status = current.status;
          res
            .writeHead(current.status, current.retryAfter === undefined ? {} : { "retry-after": String(current.retryAfter) })
            .end(`fault ${current.status}`);
          return changed();
        case "redirect":
          rec.status = current.status;
          res.writeHead(current.status, { location: `${base}${REDIRECT_TARGET}` }).end();
          return changed();
      }
    });
  };

  const server: Server = options.tls
    ? createHttpsServer(
        {
          key: options.tls.key,
          cert: options.tls.cert,
          ...(options.tls.ca ? { ca: options.tls.ca } : {}),
          requestCert: options.tls.requestCert ?? false,
          rejectUnauthorized: options.tls.requestCert ?? false,
        },
        handle,
      )
    : createHttpServer(handle);
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });

  const host = options.host ?? DEFAULT_RECEIVER_HOST;
  await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  const base = `${options.tls ? "https" : "http"}://${urlHost(host)}:${port}`;

  const waitFor = (done: () => boolean, what: string, timeoutMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      if (done()) return resolve();
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(
            `webhook receiver: timed out after ${timeoutMs} ms waiting for ${what} (${ids.size} distinct events, ${requests.length} requests)`,
          ),
        );
      }, timeoutMs);
      waiters.add(check);
    });

  return {
    url: `${base}${path}`,
    redirectTargetUrl: `${base}${REDIRECT_TARGET}`,
    port,
    requests,
    events,
    get distinctEvents() {
      return ids.size;
    },
    webhookIds: () => requests.flatMap((r) => (r.webhookId === undefined ? [] : [r.webhookId])),
    async setFault(next) {
      if (next.mode === "down") {
        fault = null;
        return stop();
      }
      fault = next.mode === "none" ? null : next;
      faultLeft = next.mode === "none" ? 0 : (next.count ?? Number.POSITIVE_INFINITY);
      if (!server.listening && closed === undefined) await listen(port);
    },
    waitForEvents: (n, timeoutMs = 5000) => waitFor(() => ids.size >= n, `${n} distinct events`, timeoutMs),
    waitForRequests: (n, timeoutMs = 5000) => waitFor(() => requests.length >= n, `${n} requests`, timeoutMs),
    close() {
      closed ??= stop();
      return closed;
    },
  };
}
