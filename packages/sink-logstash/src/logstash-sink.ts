import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import { IwError, IwHttpError, silentLogger } from "@iw/core";
import type { IwEvent, Logger, SendContext, SendResult, Sink } from "@iw/core";
import { formatMapper } from "./format.js";
import { HttpNode } from "./http-node.js";
import { NodeSet } from "./node-set.js";
import type { NodeStatus } from "./node-set.js";
import type { LogstashSinkOptions } from "./options.js";
import { resolveOptions } from "./resolve-options.js";
import type { ResolvedOptions } from "./resolve-options.js";
import { serializeInSlices } from "./serialize.js";
import type { SerializedBody } from "./serialize.js";

const gzip = promisify(gzipCallback);
/** Same as Beats' Logstash output: most of the gain for a fraction of the CPU of level 6. */
const GZIP_LEVEL = 3;
const MALFORMED_LOG_INTERVAL_MS = 60_000;
/** Events serialized per event-loop turn. */
const SLICE_SIZE = 100;

/**
 * A successful send that had to leave out events which cannot be serialized: `malformed` of them
 * (the queue counts them as dropped with reason `malformed`).
 */
export type LogstashSendResult = SendResult | { readonly status: "success"; readonly malformed: number };

/**
 * Ships batches to one or more Logstash `http` inputs as one JSON array per request. Wire I/O
 * and classification only: batching, retries and deadlines are the delivery queue's. A batch
 * that fails on one node (network or TLS error, 408/429/5xx, credentials refused) is tried on the
 * next node within the same call, each node at most once and never after `ctx.signal` fired, so
 * one node going away costs no retry delay; when no node takes it, the last node's result is
 * returned and the queue's backoff decides when to come back.
 */
export class LogstashSink implements Sink {
  readonly name: string;
  readonly #options: ResolvedOptions;
  readonly #nodes: NodeSet<HttpNode>;
  readonly #logger: Logger;
  readonly #mapperFor: ReturnType<typeof formatMapper>;
  readonly #reported = new Set<string>();
  #malformedTotal = 0;
  #malformedLoggedAt = Number.NEGATIVE_INFINITY;
  #closing: Promise<void> | undefined;

  constructor(options: LogstashSinkOptions, deps: { readonly logger?: Logger } = {}) {
    this.#options = resolveOptions(options);
    this.#logger = deps.logger ?? silentLogger;
    this.name = this.#options.name;
    const p = this.#options.envPrefix;
    this.#mapperFor = formatMapper(this.#options.format);
    const nodes = this.#options.nodes.map((target) => new HttpNode(target, this.#options));
    this.#nodes = new NodeSet(nodes, {
      initialMs: this.#options.nodeRetryInitialMs,
      maxMs: this.#options.nodeRetryMaxMs,
      logger: this.#logger,
    });
    if (!this.#options.tlsVerify && this.#options.nodes.some((n) => n.https)) {
      this.#logger.warn(`${p}_TLS_VERIFY=false: Logstash's TLS certificate is not verified; anyone on the path can read and alter the events`);
    }
    const tlsFiles = this.#options.ca !== undefined || this.#options.cert !== undefined;
    if (tlsFiles && !this.#options.nodes.some((n) => n.https)) {
      this.#logger.warn(`${p}_CA_FILE / ${p}_CERT_FILE are set but no ${p}_URL is https://, so they are not used`);
    }
    if (this.#options.cleartextAuth.length > 0) {
      this.#logger.warn(`Basic auth is sent over plain http to ${this.#options.cleartextAuth.join(", ")}; use https:// to keep the password private`);
    }
  }

  async send(batch: readonly IwEvent[], ctx: SendContext): Promise<LogstashSendResult> {
    if (this.#closing !== undefined) return { status: "failure", error: new IwError("IW_CLOSED", `${this.name}: the sink is closed`) };
    if (batch.length === 0) return { status: "success" };
    const serialized = await serializeInSlices(batch, this.#mapperFor, SLICE_SIZE);
    if (serialized.malformed > 0) this.#reportMalformed(serialized);
    if (serialized.count === 0) {
      return { status: "failure", error: new IwError("IW_SERIALIZE", `${this.name}: no event of the batch could be serialized as JSON`, { cause: serialized.firstError }) };
    }
    if (ctx.signal.aborted) return { status: "retryable", error: new IwError("IW_SEND_ABORTED", `${this.name}: aborted before sending`) };
    const body = this.#options.compression === "gzip" ? await gzip(serialized.body, { level: GZIP_LEVEL }) : serialized.body;
    const tried = new Set<HttpNode>();
    let result: SendResult | undefined;
    for (let node = this.#nodes.pick(tried); node !== undefined; node = this.#nodes.pick(tried)) {
      tried.add(node);
      node.inFlight += 1;
      try {
        result = await node.send(body, ctx.signal);
      } finally {
        node.inFlight -= 1;
      }
      this.#observe(node, result);
      if (ctx.signal.aborted) break;
      // A retryable answer (a node down, or refusing the credentials: it may be the one
      // misconfigured node) fails over to the other nodes within the same send.
      if (result.status !== "retryable") break;
    }
    // `pick` always returns a node on the first call, so `result` is set.
    const final = result ?? { status: "retryable", error: new IwError("IW_NETWORK", `${this.name}: no Logstash node available`) };
    return final.status === "success" && serialized.malformed > 0 ? { status: "success", malformed: serialized.malformed } : final;
  }

  /** Each node's health: `up`, or `down` until `retryAt`. */
  nodes(): NodeStatus[] {
    return this.#nodes.status();
  }

  close(): Promise<void> {
    this.#closing ??= Promise.all(this.#nodes.all.map((n) => n.destroy())).then(() => undefined);
    return this.#closing;
  }

  #observe(node: HttpNode, result: SendResult): void {
    if (isAuthRefusal(result)) {
      const others = this.#nodes.all.length > 1 ? "; meanwhile batches go to the other nodes" : "";
      const p = this.#options.envPrefix;
      this.#once(`auth ${node.label}`, `${result.error.message} (check ${p}_USER / ${p}_PASSWORD or the credentials in ${p}_URL)${others}`);
      this.#nodes.down(node, `HTTP ${result.error.status}`, result.retryAfterMs, true);
      return;
    }
    if (result.status === "retryable") {
      const code = (result.error as IwError).code;
      if (code === "IW_SEND_ABORTED") return this.#nodes.release(node);
      if (code === "IW_TLS") this.#once(`tls ${node.label}`, result.error.message);
      const reason = result.error instanceof IwHttpError ? `HTTP ${result.error.status}` : code === "IW_SEND_TIMEOUT" ? "timed out" : shortReason(result.error);
      this.#nodes.down(node, reason, result.retryAfterMs);
      return;
    }
    this.#nodes.up(node);
    if (result.status === "success") {
      this.#reported.delete(`auth ${node.label}`);
      this.#reported.delete(`tls ${node.label}`);
    }
  }

  /** One diagnostic per problem and node, repeated only after the node recovered. */
  #once(key: string, message: string): void {
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    this.#logger.error(message);
  }

  #reportMalformed(batch: SerializedBody): void {
    this.#malformedTotal += batch.malformed;
    const now = Date.now();
    if (now - this.#malformedLoggedAt < MALFORMED_LOG_INTERVAL_MS) return;
    this.#malformedLoggedAt = now;
    this.#logger.warn(
      `${this.name}: left out ${batch.malformed} event(s) that cannot be serialized as JSON (${batch.firstError?.message ?? "unknown"}); ${this.#malformedTotal} so far`,
    );
  }
}

function isAuthRefusal(result: SendResult): result is { status: "retryable"; error: IwHttpError; retryAfterMs?: number } {
  return result.status === "retryable" && result.error instanceof IwHttpError && (result.error.status === 401 || result.error.status === 403);
}

function shortReason(error: Error): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === "string" ? cause.code : error.message;
}

/** Builds a {@link LogstashSink}; throws `IwConfigError` for bad options. */
export function createLogstashSink(options: LogstashSinkOptions, deps: { readonly logger?: Logger } = {}): LogstashSink {
  return new LogstashSink(options, deps);
}
