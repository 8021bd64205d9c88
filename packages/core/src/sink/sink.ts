import type { IwEvent } from "../events/index.js";
import type { Logger } from "../diagnostics/index.js";
import type { QueueOptions } from "../delivery/index.js";
import type { EnvSchema } from "./env-schema.js";

/** Passed to every `Sink.send` call. */
export interface SendContext<Payload = unknown> {
  /** Aborted when the attempt times out or the queue is closing: stop the request at once. */
  readonly signal: AbortSignal;
  /** 1 for the first attempt of this batch, 2 for its first retry, … */
  readonly attempt: number;
  /**
   * Stable across every retry of the same batch (a new one after a split): use it as the
   * idempotency key (Fluentd `chunk`, `webhook-id`).
   */
  readonly batchId: string;
  /**
   * What `Sink.prepare` built for this batch, the same object on every attempt; `undefined`
   * when the sink has no `prepare`.
   */
  readonly payload?: Payload;
}

/**
 * Passed to `Sink.prepare`.
 *
 * @experimental Preparing a payload once per batch is new; it may change in a minor release.
 */
export interface PrepareContext {
  /** The batch's id, as `SendContext.batchId` will be. */
  readonly batchId: string;
}

/**
 * What `Sink.prepare` returns: the wire payload of a batch, built once and reused.
 *
 * @experimental Preparing a payload once per batch is new; it may change in a minor release.
 */
export interface Prepared<Payload> {
  readonly payload: Payload;
  /**
   * The events the payload carries, when some of the batch could not be encoded (each one left
   * out is counted as dropped `malformed`). Omitted: all of them.
   */
  readonly events?: readonly IwEvent[];
}

/**
 * Why an attempt failed, as the sink saw it. Core alone turns reasons into policy: `auth` and
 * `tls` pause the sink (a person has to fix something), `network`, `timeout`, `throttled` and
 * `server` back off, and a batch that keeps failing while other batches get through is split to
 * find the events the collector refuses.
 */
export type FailureReason =
  /** Connection refused or reset, DNS, socket closed: the destination looks down. */
  | "network"
  /** No answer within the attempt deadline. */
  | "timeout"
  /** Credentials refused (401/403, a Fluentd shared key or password). */
  | "auth"
  /** The TLS handshake or certificate verification failed. */
  | "tls"
  /** The collector asks us to slow down (429, 408). */
  | "throttled"
  /** The collector failed on this request (5xx other than 501). */
  | "server"
  /** The payload is too large (413): the queue splits the batch. */
  | "too_large"
  /** Refused for good (other 4xx, a protocol refusal): not worth sending again as it is. */
  | "rejected"
  /** The batch cannot be encoded. */
  | "serialize"
  /** The destination is gone for good (410): the sink is disabled. */
  | "gone"
  /** The sink was closed. */
  | "closed";

/** How one `send` ended. Delivery problems are values, never exceptions. */
export type SendResult =
  /**
   * Delivered. `malformed` counts events the sink had to leave out because they could not be
   * serialized (counted as dropped `malformed`; the rest as delivered). `truncated` counts
   * delivered events the sink had to shorten to fit the destination's size limit (syslog over
   * UDP): they count as delivered, and in `SinkStats.truncated`. `rejected` is a partial
   * success (OTLP's `partial_success`): the collector took the batch but refused `count` of its
   * events without saying which, so none is sent again; they are counted as dropped `rejected`
   * and `error` (the collector's reason) is logged.
   */
  | {
      readonly status: "success";
      readonly malformed?: number;
      readonly truncated?: number;
      readonly rejected?: { readonly count: number; readonly error: Error };
    }
  /**
   * Worth another try. `retryAfterMs` is what the collector asked for (`Retry-After`): a floor
   * on the next attempt, never a reason to retry sooner.
   */
  | { readonly status: "retryable"; readonly error: Error; readonly reason?: FailureReason; readonly retryAfterMs?: number }
  /**
   * Permanent for this payload: the queue isolates the events the collector refuses and drops
   * them (reason `rejected`, or `malformed` for `serialize`). With `disable: true` (410 Gone) the
   * destination is switched off for good and later events are dropped `disabled`.
   */
  | { readonly status: "failure"; readonly error: Error; readonly reason?: FailureReason; readonly disable?: boolean }
  /** The collector refused the batch as too large (413): the queue splits it and retries. */
  | { readonly status: "too_large"; readonly error: Error; readonly reason?: FailureReason };

/** A destination: wire format, I/O and classification only. All policy lives in the delivery queue. */
export interface Sink<Payload = unknown> {
  readonly name: string;
  /**
   * Optional: builds a batch's wire payload (serialize, compress) once. The queue calls it before
   * the first attempt and passes the result as `ctx.payload` to every attempt of that batch;
   * halves of a split batch are prepared anew. Throwing (or rejecting) counts as `serialize`.
   *
   * @experimental Preparing a payload once per batch is new; it may change in a minor release.
   */
  prepare?(batch: readonly IwEvent[], ctx: PrepareContext): Prepared<Payload> | Promise<Prepared<Payload>>;
  /** Deliver one batch. Classify problems; never throw for them. Honour `ctx.signal`. */
  send(batch: readonly IwEvent[], ctx: SendContext<Payload>): Promise<SendResult>;
  /** Idempotent. Releases sockets and timers. */
  close(): Promise<void>;
}

/** What `create` gets besides its options. */
export interface SinkDeps {
  readonly logger: Logger;
  /** The environment the plugin was activated from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The sink's name as users see it: `"webhook"`, or `"webhook:soc"` for a named instance. */
  readonly sinkName?: string;
  /** The real variable prefix of this instance (`IW_WEBHOOK_SOC`), for error messages. */
  readonly envPrefix?: string;
}

/** A sink package's entry point: how `activate()` finds, configures and builds the sink. */
export interface SinkPlugin<Options = unknown> {
  /** Short name, e.g. `"logstash"`. */
  readonly name: string;
  /** The variable whose presence activates the sink, e.g. `"IW_ELK_URL"`. */
  readonly env: string;
  /**
   * Parses this sink's variables: any Standard Schema v1 whose input is the environment object
   * (only its `IW_<PREFIX>_*` keys matter) and whose output is `Options`. Build it with
   * `envObject` and the env field builders of `@iw/core/sink-kit` (no schema library to
   * install), or with your own zod (>= 3.24), valibot, … Each field's description is the
   * expected form shown in errors and in the README's generated table.
   */
  readonly options: EnvSchema<Options>;
  /** Variable names whose values are secrets: masked in every error and log line. */
  readonly secrets?: readonly string[];
  /**
   * Queue defaults that suit this destination (e.g. a webhook's 15 s attempt timeout); the
   * `IW_<PREFIX>_*` tuning variables still override them. @default core's DEFAULT_QUEUE_OPTIONS
   */
  readonly queueDefaults?: Partial<QueueOptions>;
  /**
   * Queue defaults read from the instance's environment, over `queueDefaults`: defaults another
   * convention sets (`OTEL_EXPORTER_OTLP_TIMEOUT`). The `IW_<PREFIX>_*` variables still override
   * them. Must not throw: the `options` schema reports bad values. @default none
   * @experimental New for OTLP's `OTEL_EXPORTER_OTLP_TIMEOUT`; may change in a minor release.
   */
  readonly queueDefaultsFromEnv?: (env: Readonly<Record<string, string | undefined>>) => Partial<QueueOptions>;
  create(options: Options, deps: SinkDeps): Sink;
}

/**
 * Identity helper that keeps a plugin's option type, and the type of its `options` schema (so
 * `plugin.options.safeParse(env)` stays available when the schema has it, as the sink-kit
 * builders' schemas do).
 */
export function defineSinkPlugin<Options, Schema extends EnvSchema<Options> = EnvSchema<Options>>(
  plugin: SinkPlugin<Options> & { readonly options: Schema },
): SinkPlugin<Options> & { readonly options: Schema } {
  return plugin;
}
