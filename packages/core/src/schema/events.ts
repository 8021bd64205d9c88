import { z } from "zod";
import { AUDIT_CATEGORIES } from "../events/index.js";
import type { AuditCategory, AuditEvent, IwEvent, Match, ScanLog, SummaryEvent } from "../events/index.js";
import type { EnvParser } from "../sink/index.js";

/** A schema of the event model, seen through the plain `parse` / `safeParse` interface. */
export type EventSchema<T> = EnvParser<T>;

/*
 * The zod schemas of the event model: runtime validation at the boundaries (config, tests, CLI),
 * never on the emit path. The types hosts see are declared in `events/events.ts`; the checks at
 * the end of this file fail to compile when the two drift apart.
 */

const common = {
  /** UUIDv7, stable across retries so receivers can de-duplicate. */
  event_id: z.string().min(1),
  /** ISO 8601, UTC. */
  timestamp: z.iso.datetime({ offset: true }),
  service: z.string().optional(),
  host: z.string().optional(),
  /** Marks a `[Test message]` event sent by `Dispatcher.test()`. */
  test: z.boolean().optional(),
};

const match = z.object({
  signature_id: z.string(),
  matched_text: z.string(),
  score: z.number(),
  confidence: z.number(),
  severity: z.number(),
});

const scanLog = z.object({
  log_type: z.literal("scan"),
  ...common,
  direction: z.enum(["input", "output"]),
  decision: z.enum(["allow", "flag", "block"]),
  anomaly_score: z.number(),
  threshold: z.number(),
  policy: z.string(),
  request_id: z.string(),
  matches: z.array(match),
  signature_count: z.number().int().nonnegative(),
});

const auditEvent = z.object({
  log_type: z.literal("audit"),
  ...common,
  category: z.enum(AUDIT_CATEGORIES),
  action: z.string().min(1),
  details: z.record(z.string(), z.unknown()),
  source_ip: z.string().nullable().optional(),
  key_prefix: z.string().nullable().optional(),
});

const decisionCounts = z.object({ allow: z.number().int(), flag: z.number().int(), block: z.number().int() });

/**
 * A periodic traffic summary (`IW_SUMMARY_INTERVAL_S`): the scans of one interval by direction
 * and decision, and the signatures that matched most.
 */
const summaryEvent = z.object({
  log_type: z.literal("summary"),
  ...common,
  interval_start: z.iso.datetime({ offset: true }),
  interval_end: z.iso.datetime({ offset: true }),
  scans: z.object({ total: z.number().int(), input: decisionCounts, output: decisionCounts }),
  top_signatures: z.array(z.object({ signature_id: z.string(), count: z.number().int() })),
});

const iwEvent = z.discriminatedUnion("log_type", [scanLog, auditEvent, summaryEvent]);

/** One signature that matched a scanned text. */
export const MatchSchema: EventSchema<Match> = match;
/** One `scan_input` / `scan_output` decision, field for field as InferenceWall sends it. */
export const ScanLogSchema: EventSchema<ScanLog> = scanLog;
/** An audit event (auth, policy, config, …), field for field as InferenceWall sends it. */
export const AuditEventSchema: EventSchema<AuditEvent> = auditEvent;
/** A periodic traffic summary (`IW_SUMMARY_INTERVAL_S`). */
export const SummaryEventSchema: EventSchema<SummaryEvent> = summaryEvent;
/** Any event the dispatcher carries. */
export const IwEventSchema: EventSchema<IwEvent> = iwEvent;

/** `true` when `A` and `B` are assignable to each other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compiles only when every schema parses to exactly the declared type. */
const _schemasMatchTypes: [
  Same<z.output<typeof match>, Match>,
  Same<z.output<typeof scanLog>, ScanLog>,
  Same<z.output<typeof auditEvent>, AuditEvent>,
  Same<z.output<typeof summaryEvent>, SummaryEvent>,
  Same<z.output<typeof iwEvent>, IwEvent>,
  Same<(typeof AUDIT_CATEGORIES)[number], AuditCategory>,
] = [true, true, true, true, true, true];
