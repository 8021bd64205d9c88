import type { ZodType } from "zod";
import type { IwEvent } from "./events.js";
import type { Logger } from "./logger.js";
import type { QueueOptions } from "./queue-options.js";

/** Passed to every `Sink.send` call. */
export interface SendContext {
  /** Aborted when the attempt times out or the queue is closing: stop the request at once. */
  readonly signal: AbortSignal;
  /** 1 for the first attempt of this batch, 2 for its first retry, … */
  readonly attempt: number;
  /**
   * Stable across every retry of the same batch (a new one after a 413 split): use it as the
   * idempotency key (Fluentd `chunk`, `webhook-id`).
   */
  readonly batchId: string;
}

/** How one `send` ended. Delivery problems are values, never exceptions. */
export type SendResult =
  /**
   * Delivered. `malformed` counts events the sink had to leave out because they could not be
   * serialized (counted as dropped `malformed`; the rest as delivered).
   */
  | { readonly status: "success"; readonly malformed?: number }
  | { readonly status: "retryable"; readonly error: Error; readonly retryAfterMs?: number }
  /**
   * Permanent: the batch is counted as dropped (reason `rejected`, or `malformed` when the
   * error's code is `IW_SERIALIZE`). With `disable: true` the
   * destination is switched off for good (410 Gone, credentials refused) and later events are
   * dropped with reason `disabled`.
   */
  | { readonly status: "failure"; readonly error: Error; readonly disable?: boolean }
  /** The collector refused the batch as too large (413): the queue splits it and retries. */
  | { readonly status: "too_large"; readonly error: Error };

/** A destination: wire I/O and classification only. All policy lives in the delivery queue. */
export interface Sink {
  readonly name: string;
  /** Deliver one batch. Classify problems; never throw for them. Honour `ctx.signal`. */
  send(batch: readonly IwEvent[], ctx: SendContext): Promise<SendResult>;
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
   * Parses this sink's variables. Input: the environment object (only its `IW_<PREFIX>_*`
   * keys matter). Each field's `.describe()` text is the expected form shown in errors and in
   * the README's generated table.
   */
  readonly options: ZodType<Options>;
  /** Variable names whose values are secrets: masked in every error and log line. */
  readonly secrets?: readonly string[];
  /**
   * Queue defaults that suit this destination (e.g. a webhook's 15 s attempt timeout); the
   * `IW_<PREFIX>_*` tuning variables still override them. @default core's DEFAULT_QUEUE_OPTIONS
   */
  readonly queueDefaults?: Partial<QueueOptions>;
  create(options: Options, deps: SinkDeps): Sink;
}

/** Identity helper that keeps a plugin's option type. */
export function defineSinkPlugin<Options>(plugin: SinkPlugin<Options>): SinkPlugin<Options> {
  return plugin;
}
