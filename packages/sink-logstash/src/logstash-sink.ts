import { IwError, IwHttpError, silentLogger } from "@iw/core";
import { classifyNetworkError } from "@iw/core/sink-kit";
import type { IwEvent, Logger } from "@iw/core";
import type { Prepared, SendContext, SendResult, Sink } from "@iw/core/sink-kit";
import { formatMapper } from "./format.js";
import { HttpNode } from "./http-node.js";
import { NodeSet } from "./node-set.js";
import type { NodeStatus } from "./node-set.js";
import type { LogstashSinkOptions } from "./options.js";
import { buildPayload } from "./payload.js";
import type { BuiltPayload, LogstashPayload } from "./payload.js";
import { resolveOptions } from "./resolve-options.js";
import type { ResolvedOptions } from "./resolve-options.js";

const MALFORMED_LOG_INTERVAL_MS = 60_000;

/**
 * A successful send that had to leave out events which cannot be serialized: `malformed` of them
 * (the queue counts them as dropped with reason `malformed`). Only a send that built its own
 * payload says so; with a payload from `prepare`, the queue already knows from `events`.
 */
export type LogstashSendResult = SendResult | { readonly status: "success"; readonly malformed: number };

/**
 * Ships batches to one or more Logstash `http` inputs as one JSON array per request. Wire I/O
 * and classification only: batching, retries and deadlines are the delivery queue's. A batch
 * that fails on one node (network or TLS error, 408/429/5xx, credentials refused) is tried on the
 * next node within the same call, each node at most once and never after `ctx.signal` fired, so
 * one node going away costs no retry delay; when no node takes it, the last node's result is
 * returned and the queue's backoff decides when to come back. The request body is built once per
 * batch (`prepare`) and every attempt and node gets the same bytes.
 */
export class LogstashSink implements Sink<LogstashPayload> {
  readonly name: string;
  readonly #options: ResolvedOptions;
  readonly #nodes: NodeSet<HttpNode>;
  readonly #logger: Logger;
  readonly #mapperFor: ReturnType<typeof formatMapper>;
  readonly #reported = new Set<string>();
  /** Payloads this sink built: `ctx.payload` is trusted only if it is one of them. */
  readonly #built = new WeakSet<LogstashPayload>();
  #malformedTotal = 0;
  #malformedLoggedAt = Number.NEGATIVE_INFINITY;
  #closing: Promise<void> | undefined;

  constructor(options: LogstashSinkOptions, deps: { readonly logger?: Logger } = {}) {
    this.#options = resolveOptions(options);
    this.#logger = deps.logger ?? silentLogger;
    this.name = this.#options.name;
    const p = this.#options.envPrefix;
    this.#mapperFor = formatMapper(this.#options.format);
    const nodes = this.#options.nodes.map((target) => new HttpNode(target, this.#logger));
    this.#nodes = new NodeSet(nodes, {
      initialMs: this.#options.nodeRetryInitialMs,
      maxMs: this.#options.nodeRetryMaxMs,
      logger: this.#logger,
    });
    // TLS verification off and credentials over plain http are warned about by core's transport, per node.
    const tlsFiles = this.#options.ca !== undefined || this.#options.cert !== undefined;
    if (tlsFiles && !this.#options.nodes.some((n) => n.https)) {
      this.#logger.warn(`${p}_CA_FILE / ${p}_CERT_FILE are set but no ${p}_URL is https://, so they are not used`);
    }
  }

  /**
   * Serializes and compresses a batch, once: the delivery queue hands the result to every attempt
   * of the batch as `ctx.payload`. Events that cannot be serialized are left out and listed
   * through `events` (the queue counts the rest as dropped `malformed`, and a warning is logged
   * at most once a minute). Throws `IW_SERIALIZE` when no event of the batch can be serialized.
   */
  async prepare(batch: readonly IwEvent[]): Promise<Prepared<LogstashPayload>> {
    const built = await buildPayload(batch, this.#mapperFor, this.#options.compression);
    if (built.malformed > 0) this.#reportMalformed(built);
    if (built.count === 0 && batch.length > 0) {
      throw new IwError("IW_SERIALIZE", `${this.name}: no event of the batch could be serialized as JSON`, { cause: built.firstError });
    }
    this.#built.add(built.payload);
    return built.events === undefined ? { payload: built.payload } : { payload: built.payload, events: built.events };
  }

  async send(batch: readonly IwEvent[], ctx: SendContext): Promise<LogstashSendResult> {
    if (this.#closing !== undefined) {
      return { status: "failure", reason: "closed", error: new IwError("IW_CLOSED", `${this.name}: the sink is closed`) };
    }
    if (batch.length === 0) return { status: "success" };
    let payload = this.#isOwn(ctx.payload) ? ctx.payload : undefined;
    let malformed = 0;
    if (payload === undefined) {
      // No queue prepared it (Dispatcher.test(), a direct caller): build it here and say in the
      // result how many events were left out, since nobody else counted them.
      try {
        const prepared = await this.prepare(batch);
        payload = prepared.payload;
        malformed = batch.length - (prepared.events?.length ?? batch.length);
      } catch (err) {
        const error =
          err instanceof IwError ? err : new IwError("IW_SERIALIZE", `${this.name}: the batch could not be serialized`, { cause: err });
        return { status: "failure", reason: "serialize", error };
      }
    }
    if (ctx.signal.aborted) return classifyNetworkError(ctx.signal.reason, ctx.signal, this.name);
    const tried = new Set<HttpNode>();
    let result: SendResult | undefined;
    for (let node = this.#nodes.pick(tried); node !== undefined; node = this.#nodes.pick(tried)) {
      tried.add(node);
      node.inFlight += 1;
      try {
        result = await node.send(payload.body, ctx.signal);
      } finally {
        node.inFlight -= 1;
      }
      this.#observe(node, result);
      if (ctx.signal.aborted) break;
      // A retryable answer (a node down, or refusing the credentials: it may be the one
      // misconfigured node) fails over to the other nodes within the same send, same bytes.
      if (result.status !== "retryable") break;
    }
    // `pick` always returns a node on the first call, so `result` is set.
    const final: SendResult = result ?? {
      status: "retryable",
      reason: "network",
      error: new IwError("IW_NETWORK", `${this.name}: no Logstash node available`),
    };
    return final.status === "success" && malformed > 0 ? { status: "success", malformed } : final;
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
    if (result.status !== "retryable") {
      // An answer, even a refusal of the batch, means the node is there.
      this.#nodes.up(node);
      if (result.status === "success") {
        this.#reported.delete(`auth ${node.label}`);
        this.#reported.delete(`tls ${node.label}`);
      }
      return;
    }
    const status = result.error instanceof IwHttpError ? `HTTP ${result.error.status}` : undefined;
    if (result.reason === "auth") {
      const others = this.#nodes.all.length > 1 ? "; meanwhile batches go to the other nodes" : "";
      const p = this.#options.envPrefix;
      this.#once(`auth ${node.label}`, `${result.error.message} (check ${p}_USER / ${p}_PASSWORD or the credentials in ${p}_URL)${others}`);
      // Pausing the sink is the queue's call; this only keeps batches off the refusing node.
      this.#nodes.down(node, status ?? "credentials refused", { hold: true, quiet: true });
      return;
    }
    const code = (result.error as IwError).code;
    if (code === "IW_SEND_ABORTED") return this.#nodes.release(node);
    if (result.reason === "tls") this.#once(`tls ${node.label}`, result.error.message);
    const why = status ?? (code === "IW_SEND_TIMEOUT" ? "timed out" : shortReason(result.error));
    this.#nodes.down(node, why, { retryAfterMs: result.retryAfterMs });
  }

  #isOwn(payload: unknown): payload is LogstashPayload {
    return typeof payload === "object" && payload !== null && this.#built.has(payload as LogstashPayload);
  }

  /** One diagnostic per problem and node, repeated only after the node recovered. */
  #once(key: string, message: string): void {
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    this.#logger.error(message);
  }

  #reportMalformed(batch: BuiltPayload): void {
    this.#malformedTotal += batch.malformed;
    const now = Date.now();
    if (now - this.#malformedLoggedAt < MALFORMED_LOG_INTERVAL_MS) return;
    this.#malformedLoggedAt = now;
    this.#logger.warn(
      `${this.name}: left out ${batch.malformed} event(s) that cannot be serialized as JSON (${batch.firstError?.message ?? "unknown"}); ${this.#malformedTotal} so far`,
    );
  }
}

function shortReason(error: Error): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === "string" ? cause.code : error.message;
}

/** Builds a {@link LogstashSink}; throws `IwConfigError` for bad options. */
export function createLogstashSink(options: LogstashSinkOptions, deps: { readonly logger?: Logger } = {}): LogstashSink {
  return new LogstashSink(options, deps);
}
