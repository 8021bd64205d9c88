import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Dispatcher, Logger } from "@iw/core";
import { KeyStore, keyPrefix, presentedKey } from "./auth.js";
import { HostEvents, type Actor } from "./host-events.js";
import { parseScanRequest, readBody, sendJson } from "./http-util.js";
import { createMetrics, type FirewallMetrics } from "./metrics.js";
import { RateLimiter } from "./rate-limit.js";
import { POLICIES, scan, type Policy } from "./scanner.js";

/** How long `POST /v1/sinks/test` waits for each sink. */
export const SINK_TEST_TIMEOUT_MS = 5000;

/** Largest accepted scan request body. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/** Options of `createFirewallServer`. */
export interface FirewallServerOptions {
  /** Where scan logs and audit events go (from `activate()`, or a test double). */
  readonly dispatcher: Dispatcher;
  /** Accepted API keys. `IW_DEMO_API_KEYS` */
  readonly keys: readonly string[];
  /** Thresholds. @default POLICIES.default — `IW_DEMO_POLICY` */
  readonly policy?: Policy;
  /** Requests per second per key; 0 disables. @default 0 — `IW_DEMO_RATE_LIMIT` */
  readonly rateLimitPerSec?: number;
  /** Largest request body in bytes (413 above). @default 1_048_576 */
  readonly maxBodyBytes?: number;
  /** Event builder; pass one to share it with `main` (lifecycle events). @default a new one */
  readonly events?: HostEvents;
  /** @default metrics on a private registry with default process metrics */
  readonly metrics?: FirewallMetrics;
  readonly logger?: Logger;
  /** Millisecond clock for the rate limiter. @default performance.now */
  readonly now?: () => number;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && REQUEST_ID.test(given) ? given : `req-${randomUUID()}`;
}

/**
 * The firewall's HTTP service: `POST /v1/scan/input`, `POST /v1/scan/output`, `GET /healthz`,
 * `GET /metrics`. Returns an unstarted `http.Server`; call `listen()` on it. No request ever
 * waits for a sink: events are handed to the dispatcher synchronously.
 */
export function createFirewallServer(options: FirewallServerOptions): Server {
  const { dispatcher, logger } = options;
  const keys = new KeyStore(options.keys);
  const policy = options.policy ?? POLICIES.default;
  const limiter = new RateLimiter(options.rateLimitPerSec ?? 0, options.now);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const events = options.events ?? new HostEvents(dispatcher);
  const metrics = options.metrics ?? createMetrics(dispatcher);

  /** Checks the API key and the rate limit; answers 401/429 itself and returns undefined then. */
  function authorize(req: IncomingMessage, res: ServerResponse): { key: string; actor: Actor } | undefined {
    const sourceIp = req.socket.remoteAddress ?? null;
    const key = presentedKey(req);
    if (key === undefined || !keys.has(key)) {
      metrics.countRejected("auth");
      const prefix = key === undefined ? null : keyPrefix(key);
      events.audit(
        "auth",
        "auth_failed",
        { reason: key === undefined ? "missing_key" : "invalid_key", path: req.url },
        { sourceIp, keyPrefix: prefix },
      );
      sendJson(
        res,
        401,
        { error: "unauthorized", message: "a valid API key is required (Authorization: Bearer iwk_… or X-API-Key)" },
        { "www-authenticate": 'Bearer realm="firewall-host"' },
      );
      return undefined;
    }
    const actor = { sourceIp, keyPrefix: keyPrefix(key) };
    if (!limiter.take(key)) {
      metrics.countRejected("rate_limit");
      const rejected = limiter.reportRejection(key);
      if (rejected !== undefined) {
        events.audit("rate_limit", "rate_limited", { limit_per_sec: limiter.ratePerSec, rejected, path: req.url }, actor);
      }
      sendJson(
        res,
        429,
        { error: "rate_limited", message: `more than ${limiter.ratePerSec} requests per second` },
        { "retry-after": String(limiter.retryAfterSec(key)) },
      );
      return undefined;
    }
    return { key, actor };
  }

  async function handleScan(req: IncomingMessage, res: ServerResponse, direction: "input" | "output"): Promise<void> {
    if (authorize(req, res) === undefined) return;
    const body = await readBody(req, maxBodyBytes);
    if (body === "aborted") return;
    if (body === "too_large") {
      metrics.countRejected("bad_request");
      sendJson(res, 413, { error: "too_large", message: `body larger than ${maxBodyBytes} bytes` }, { connection: "close" });
      return;
    }
    const parsed = parseScanRequest(body);
    if ("error" in parsed) {
      metrics.countRejected("bad_request");
      sendJson(res, 400, { error: "bad_request", message: parsed.error });
      return;
    }
    const requestId = requestIdOf(req);
    const result = scan(parsed.text, direction, policy);
    metrics.countScan(direction, result.decision);
    events.scan(direction, result, requestId);
    // A block is a verdict, not an HTTP error: the caller decides what to do with it.
    sendJson(res, 200, { ...result, request_id: requestId });
  }

  /** Sends one `[Test message]` event of each type through every sink, like a "Test integration" button. */
  async function handleSinkTest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const auth = authorize(req, res);
    if (auth === undefined) return;
    const reports = await dispatcher.test(SINK_TEST_TIMEOUT_MS);
    const ok = reports.every((r) => r.ok);
    events.audit(
      "admin",
      "sinks_tested",
      { ok, sinks: reports.map((r) => ({ sink: r.sink, ok: r.ok, latency_ms: Math.round(r.latencyMs), error: r.error ?? null })) },
      auth.actor,
    );
    sendJson(res, 200, { ok, sinks: reports });
  }

  async function handleMetrics(res: ServerResponse): Promise<void> {
    const text = await metrics.registry.metrics();
    res.writeHead(200, { "content-type": metrics.registry.contentType });
    res.end(text);
  }

  function handleHealth(res: ServerResponse): void {
    const sinks = dispatcher.stats().map((s) => ({
      sink: s.sink,
      state: s.state,
      emitted: s.emitted,
      delivered: s.delivered,
      dropped: s.dropped.total,
      queued: s.queued,
      in_flight: s.inFlight,
      spooled: s.spooled,
      last_error: s.lastError?.message ?? null,
      last_success_at: s.lastSuccessAt,
    }));
    sendJson(res, 200, { status: "ok", policy: policy.name, sinks_enabled: dispatcher.enabled, sinks });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?", 1)[0];
    const scanRoute = path === "/v1/scan/input" ? "input" : path === "/v1/scan/output" ? "output" : undefined;
    if (scanRoute !== undefined) {
      if (req.method !== "POST") return sendJson(res, 405, { error: "method_not_allowed" }, { allow: "POST" });
      return handleScan(req, res, scanRoute);
    }
    if (path === "/v1/sinks/test") {
      if (req.method !== "POST") return sendJson(res, 405, { error: "method_not_allowed" }, { allow: "POST" });
      return handleSinkTest(req, res);
    }
    if (path === "/healthz" || path === "/metrics") {
      if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { error: "method_not_allowed" }, { allow: "GET" });
      return path === "/healthz" ? handleHealth(res) : handleMetrics(res);
    }
    sendJson(res, 404, { error: "not_found" });
  }

  return createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      logger?.error("request failed", { path: req.url, error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) sendJson(res, 500, { error: "internal_error" });
      else res.destroy();
    });
  });
}
