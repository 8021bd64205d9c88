import { z } from "zod";
import {
  EVENT_FILTER_FORM,
  compileEventFilter,
  REDACT_FIELDS_FORM,
  REDACT_MODE_FORM,
  parseRedactFields,
  parseRedactMode,
  closest,
} from "../activation/index.js";
import type { EventFilter, RedactMode } from "../activation/index.js";
import { DEFAULT_QUEUE_OPTIONS } from "../delivery/index.js";
import type { QueueOptions } from "../delivery/index.js";
import { envBool, envBytes, envEnum, envField, envInt, envMs } from "./env-fields.js";
import { AUDIT_CATEGORIES } from "../events/index.js";
import type { IwEvent } from "../events/index.js";
import type { EnvObject } from "../sink/index.js";
import { eventPaths, isEventPath } from "./event-paths.js";

function maxRetries(v: string | undefined, defaultValue: number): number {
  if (v === undefined || v.trim() === "") return defaultValue;
  const s = v.trim().toLowerCase();
  if (s === "infinite" || s === "infinity" || s === "inf") return Number.POSITIVE_INFINITY;
  if (!/^\d+$/.test(s) || Number(s) > 1_000_000) throw new Error("not a whole number from 0 to 1000000 nor infinite");
  return Number(s);
}

/** One event of every kind a filter can tell apart (only the fields the filter reads). */
const FILTER_PROBES: readonly IwEvent[] = [
  ...(["input", "output"] as const).flatMap((direction) =>
    (["allow", "flag", "block"] as const).map((decision) => ({ log_type: "scan", direction, decision })),
  ),
  ...AUDIT_CATEGORIES.map((category) => ({ log_type: "audit", category })),
  { log_type: "summary" },
] as unknown as IwEvent[];

/** `compileEventFilter`, refusing a filter that selects no event at all (`-all`, `-scan,-audit,-summary`). */
function eventFilter(text: string | undefined): EventFilter {
  const filter = compileEventFilter(text);
  if (!FILTER_PROBES.some((e) => filter.accepts(e)))
    throw new Error(`"${filter.text}" selects no event: the sink would receive nothing (to turn it off, unset its URL)`);
  return filter;
}

/**
 * `parseRedactFields`, refusing a path that names no field of any event: it would redact
 * nothing while the start line says `redact: mask`. `details` is free-form (`details.prompt`).
 */
function redactFields(text: string | undefined): readonly string[] {
  const fields = parseRedactFields(text);
  const unknown = fields.filter((f) => !isEventPath(f));
  if (unknown.length > 0) {
    const paths = eventPaths();
    const hints = unknown.map((f) => {
      const best = closest(f, paths);
      return best === undefined ? `"${f}"` : `"${f}" (did you mean ${best}?)`;
    });
    throw new Error(
      `${hints.join(", ")} ${unknown.length === 1 ? "names" : "name"} no event field, so nothing would be redacted there (fields: matches.matched_text, source_ip, key_prefix, details.<anything>, …)`,
    );
  }
  return fields;
}

/**
 * The variables core reads for every sink, over the environment object, keyed by
 * `<prefix>_<SUFFIX>` (`IW_ELK_BATCH_SIZE`, …): queue tuning, the event filter and redaction.
 * Unset redaction variables parse to `undefined` (the global `IW_REDACT*` applies).
 *
 * @param prefix the sink's prefix, e.g. `"IW_ELK"`; `"IW_<PREFIX>"` for documentation.
 * @param defaults queue defaults of this sink, over {@link DEFAULT_QUEUE_OPTIONS} (e.g. a webhook's
 *   15 s attempt deadline); they show in errors and generated tables too.
 */
export function genericEnvSchema(prefix: string, defaults: Partial<QueueOptions> = {}): EnvObject<Record<string, unknown>> {
  const d: QueueOptions = { ...DEFAULT_QUEUE_OPTIONS, ...defaults };
  const retries = d.maxRetries === Number.POSITIVE_INFINITY ? "infinite" : String(d.maxRetries);
  const shape = {
    [`${prefix}_BATCH_SIZE`]: envInt(d.maxBatchSize, 1, 100_000, "events"),
    [`${prefix}_BATCH_BYTES`]: envInt(d.maxBatchBytes, 1024, 256 * 1024 * 1024, "bytes"),
    [`${prefix}_FLUSH_MS`]: envMs(d.flushIntervalMs, 0, 600_000),
    [`${prefix}_MAX_QUEUE_BYTES`]: envBytes(d.maxQueueBytes, 64 * 1024, 64 * 1024 ** 3),
    [`${prefix}_AUDIT_RESERVE_BYTES`]: envBytes(d.auditReserveBytes, 0, 32 * 1024 ** 3),
    [`${prefix}_CONCURRENCY`]: envInt(d.maxConcurrency, 1, 64, "batches"),
    [`${prefix}_TIMEOUT_MS`]: envMs(d.attemptTimeoutMs, 100, 600_000),
    [`${prefix}_RETRY_INITIAL_MS`]: envMs(d.retryInitialMs, 1, 600_000),
    [`${prefix}_RETRY_MAX_MS`]: envMs(d.retryMaxMs, 1, 3_600_000),
    [`${prefix}_MAX_REFUSALS`]: envInt(d.maxRefusals, 1, 100, "tries"),
    [`${prefix}_AUTH_PAUSE_MS`]: envMs(d.authPauseMs, 1000, 3_600_000),
    [`${prefix}_MAX_RETRIES`]: envField(`a whole number from 0 to 1000000, or infinite (retry until close); default ${retries}`, (v) =>
      maxRetries(v, d.maxRetries),
    ),
    [`${prefix}_SPOOL`]: envBool(true, "off keeps this sink in memory when IW_SPOOL_DIR is set"),
    [`${prefix}_EVENTS`]: envField(EVENT_FILTER_FORM, eventFilter),
    [`${prefix}_REDACT`]: envField(`${REDACT_MODE_FORM.replace(/; default \w+$/, "")}; default IW_REDACT`, parseRedactMode),
    [`${prefix}_REDACT_FIELDS`]: envField(`${REDACT_FIELDS_FORM.replace(/; default .*$/, "")}; default IW_REDACT_FIELDS`, (v) =>
      v === undefined || v.trim() === "" ? undefined : redactFields(v),
    ),
  };
  const initial = `${prefix}_RETRY_INITIAL_MS`;
  const max = `${prefix}_RETRY_MAX_MS`;
  return z.object(shape).superRefine((v, ctx) => {
    const a = v[initial];
    const b = v[max];
    // A default initial delay above a lowered cap is simply capped; one set explicitly above
    // the cap says the operator misread one of the two.
    if (typeof a === "number" && typeof b === "number" && a > b && a !== d.retryInitialMs) {
      ctx.addIssue({
        code: "custom",
        path: [initial],
        message: `larger than ${max} (${b} ms), the cap of every backoff; raise ${max} or lower this`,
      });
    }
  });
}

/** What {@link genericEnvSchema} yields for one sink, in typed form. */
export interface GenericSinkConfig {
  readonly queue: QueueOptions;
  readonly filter: EventFilter;
  /** `undefined` = use the global setting. */
  readonly redact: RedactMode | undefined;
  readonly redactFields: readonly string[] | undefined;
  /** `IW_<PREFIX>_SPOOL`: false keeps the sink in memory although `IW_SPOOL_DIR` is set. */
  readonly spool: boolean;
}

/** Converts a parsed {@link genericEnvSchema} object (keyed by `prefix`) to typed options. */
export function toGenericConfig(prefix: string, v: Record<string, unknown>): GenericSinkConfig {
  const get = <T>(suffix: string) => v[`${prefix}_${suffix}`] as T;
  return {
    queue: {
      maxBatchSize: get("BATCH_SIZE"),
      maxBatchBytes: get("BATCH_BYTES"),
      flushIntervalMs: get("FLUSH_MS"),
      maxQueueBytes: get("MAX_QUEUE_BYTES"),
      auditReserveBytes: get("AUDIT_RESERVE_BYTES"),
      maxConcurrency: get("CONCURRENCY"),
      attemptTimeoutMs: get("TIMEOUT_MS"),
      retryInitialMs: get("RETRY_INITIAL_MS"),
      retryMaxMs: get("RETRY_MAX_MS"),
      maxRetries: get("MAX_RETRIES"),
      maxRefusals: get("MAX_REFUSALS"),
      authPauseMs: get("AUTH_PAUSE_MS"),
    },
    filter: get("EVENTS"),
    spool: get("SPOOL"),
    redact: get("REDACT"),
    redactFields: get("REDACT_FIELDS"),
  };
}

/** How often a traffic summary is sent when a sink is active. @default 3600 — `IW_SUMMARY_INTERVAL_S` */
export const DEFAULT_SUMMARY_INTERVAL_S = 3600;

/**
 * The process-wide variables: global redaction, traffic summaries, custom plugins, strict mode,
 * the default logger.
 */

export const globalEnvSchema: EnvObject<Record<string, unknown>> = z.object({
  IW_REDACT: envField(REDACT_MODE_FORM, parseRedactMode),
  IW_REDACT_FIELDS: envField(REDACT_FIELDS_FORM, redactFields),
  IW_REDACT_KEY: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === "" || Buffer.byteLength(v) >= 16, { message: "is shorter than 16 bytes" })
    .describe(
      "the HMAC key of hash redaction, at least 16 bytes; a random per-process key when unset (hashes then correlate within one process only)",
    ),
  IW_SUMMARY_INTERVAL_S: envInt(DEFAULT_SUMMARY_INTERVAL_S, 0, 604_800, "seconds").describe(
    `a whole number from 0 to 604800 seconds, 0 turns traffic summaries off; default ${DEFAULT_SUMMARY_INTERVAL_S} seconds`,
  ),
  IW_SPOOL_DIR: z
    .string()
    .optional()
    .describe(
      "a directory for the durable spool (each sink its own subfolder): events survive a crash, a restart or a long outage; unset by default (memory only)",
    ),
  IW_SPOOL_MAX_BYTES: envBytes(256 * 1024 * 1024, 1024 * 1024, 1024 ** 4),
  IW_SPOOL_FLUSH_MS: envMs(100, 0, 10_000).describe(
    "how long an event may wait in memory before its group is written to the spool (what a kill -9 can lose); a whole number from 0 to 10000 ms; default 100 ms",
  ),
  IW_SPOOL_SYNC: envEnum(["never", "interval", "always"] as const, "interval").describe(
    "when the spool calls fsync: never (survives a crash of the process, not a power loss), interval (also a power loss, but the last second), always (every group; slowest); default interval",
  ),
  IW_EXIT_FLUSH_MS: envMs(5000, 0, 600_000).describe(
    "how long a process that exits without close() stays up to deliver the events still held (0 turns the exit flush and the exit report off); a whole number from 0 to 600000 ms; default 5000 ms",
  ),
  IW_SERVICE_NAME: z
    .string()
    .optional()
    .describe("the service field of the events core makes itself (traffic summaries, lifecycle events); unset by default"),
  IW_SINK_PLUGINS: z
    .string()
    .optional()
    .describe("comma-separated module specifiers of custom sink plugins, resolved from the application; none by default"),
  IW_SINKS_STRICT: z
    .string()
    .optional()
    .describe("true or false: a bad sink configuration rejects activate() instead of leaving that sink off; default false"),
  IW_LOG_LEVEL: z.string().optional().describe("debug, info, warn, error or off (default logger); default info"),
  IW_LOG_FORMAT: z.string().optional().describe("json or logfmt (default logger); default json"),
});
