import { isIP } from "node:net";
import type { AuditCategory, AuditEvent, IwEvent, ScanLog } from "./events.js";

/** The ECS version `toEcs` writes in `ecs.version`. */
export const ECS_VERSION = "8.11.0";

/** Options of {@link toEcs}. */
export interface EcsOptions {
  /** `observer.*`. @default { vendor: "InferenceWall", product: "InferenceWall", type: "firewall" } */
  readonly observer?: { readonly vendor?: string; readonly product?: string; readonly type?: string; readonly name?: string };
}

/** An ECS document: plain JSON. */
export type EcsDocument = Record<string, unknown>;

const TYPE_BY_DECISION = { block: "denied", allow: "allowed", flag: "info" } as const;

// ECS categorisation of each audit category (event.category / event.type allowed values).
const AUDIT_ECS: Record<AuditCategory, { category: string; type: string }> = {
  auth: { category: "authentication", type: "info" },
  policy: { category: "configuration", type: "change" },
  config: { category: "configuration", type: "change" },
  signatures: { category: "configuration", type: "change" },
  engines: { category: "configuration", type: "info" },
  tls: { category: "configuration", type: "change" },
  admin: { category: "iam", type: "admin" },
  rate_limit: { category: "network", type: "denied" },
  lifecycle: { category: "process", type: "info" },
  scan: { category: "intrusion_detection", type: "info" },
};

/**
 * Maps an event to an Elastic Common Schema document. Scan decisions that matched a signature
 * are `event.kind: "alert"`, everything else `"event"` (never `"signal"`, reserved by Kibana).
 * The InferenceWall fields are kept as they are under `inferwall.*`. Nothing is written under
 * `url.*`, `http.*`, `user_agent.*` or `host.ip`: Logstash's ECS mode overwrites those with the
 * shipper's request data. `source.ip` is set only when `source_ip` is a valid IP (the field is
 * mapped as `ip`). Pure: the event is not modified.
 */
export function toEcs(event: IwEvent, options: EcsOptions = {}): EcsDocument {
  const doc: EcsDocument = {
    "@timestamp": event.timestamp,
    ecs: { version: ECS_VERSION },
    observer: {
      vendor: options.observer?.vendor ?? "InferenceWall",
      product: options.observer?.product ?? "InferenceWall",
      type: options.observer?.type ?? "firewall",
      ...(options.observer?.name === undefined ? {} : { name: options.observer.name }),
    },
  };
  if (event.service !== undefined) doc["service"] = { name: event.service };
  if (event.host !== undefined) doc["host"] = { name: event.host };
  if (event.test === true) doc["tags"] = ["test"];
  if (event.log_type === "scan") return scanToEcs(event, doc);
  if (event.log_type === "audit") return auditToEcs(event, doc);
  return otherToEcs(event, doc);
}

/**
 * Summary events (`log_type: "summary"`) and any later type: a `metric` event with the whole
 * payload under `inferwall.*`, so a newer core never produces an invalid document.
 */
function otherToEcs(event: IwEvent, doc: EcsDocument): EcsDocument {
  const e = event as unknown as { log_type: string; event_id: string; interval_start?: unknown; interval_end?: unknown };
  doc["event"] = {
    kind: e.log_type === "summary" ? "metric" : "event",
    category: ["intrusion_detection"],
    type: ["info"],
    action: e.log_type,
    id: e.event_id,
    dataset: `inferwall.${e.log_type}`,
    module: "inferwall",
    ...(typeof e.interval_start === "string" ? { start: e.interval_start } : {}),
    ...(typeof e.interval_end === "string" ? { end: e.interval_end } : {}),
  };
  doc["message"] = `${e.log_type} event`;
  const { timestamp: _t, event_id: _i, service: _s, host: _h, ...rest } = e as Record<string, unknown>;
  doc["inferwall"] = rest;
  return doc;
}

function scanToEcs(e: ScanLog, doc: EcsDocument): EcsDocument {
  const matched = e.matches.length > 0;
  let severity = 0;
  for (const m of e.matches) severity = Math.max(severity, m.severity);
  doc["event"] = {
    kind: matched ? "alert" : "event",
    category: ["intrusion_detection"],
    type: [TYPE_BY_DECISION[e.decision] ?? "info"],
    action: e.direction === "input" ? "prompt-scan" : "response-scan",
    outcome: "success",
    id: e.event_id,
    dataset: "inferwall.scan",
    module: "inferwall",
    severity: Math.round(severity),
    risk_score: e.anomaly_score,
  };
  if (matched) {
    doc["rule"] = { id: e.matches.map((m) => m.signature_id), ruleset: e.policy };
  }
  doc["message"] =
    `${e.direction} scan ${e.decision}: anomaly score ${e.anomaly_score} (threshold ${e.threshold}), ` +
    `${e.signature_count} signature${e.signature_count === 1 ? "" : "s"}`;
  doc["inferwall"] = {
    log_type: e.log_type,
    direction: e.direction,
    decision: e.decision,
    anomaly_score: e.anomaly_score,
    threshold: e.threshold,
    policy: e.policy,
    request_id: e.request_id,
    signature_count: e.signature_count,
    matches: e.matches,
    ...(e.test === true ? { test: true } : {}),
  };
  return doc;
}

function auditToEcs(e: AuditEvent, doc: EcsDocument): EcsDocument {
  const ecs = AUDIT_ECS[e.category] ?? { category: "configuration", type: "info" };
  doc["event"] = {
    kind: "event",
    category: [ecs.category],
    type: [ecs.type],
    action: e.action,
    id: e.event_id,
    dataset: "inferwall.audit",
    module: "inferwall",
  };
  if (typeof e.source_ip === "string" && isIP(e.source_ip) !== 0) doc["source"] = { ip: e.source_ip };
  doc["message"] = `audit ${e.category}: ${e.action}`;
  doc["inferwall"] = {
    log_type: e.log_type,
    category: e.category,
    action: e.action,
    details: e.details,
    ...(e.source_ip == null ? {} : { source_ip: e.source_ip }),
    ...(e.key_prefix == null ? {} : { key_prefix: e.key_prefix }),
    ...(e.test === true ? { test: true } : {}),
  };
  return doc;
}
