import type { Dispatcher } from "@iw/core";
import { registerPrometheusMetrics } from "@iw/metrics/prometheus";
import { Counter, Registry, collectDefaultMetrics } from "prom-client";
import type { Decision } from "./scanner.js";

/** The metrics the host serves on `GET /metrics`. */
export interface FirewallMetrics {
  readonly registry: Registry;
  /** Counts one scan decision. */
  countScan(direction: "input" | "output", decision: Decision): void;
  /** Counts one refused request (`auth`, `rate_limit`, `bad_request`). */
  countRejected(reason: "auth" | "rate_limit" | "bad_request"): void;
}

/** Options of `createMetrics`. */
export interface MetricsOptions {
  /** Adds prom-client's default process metrics (CPU, memory, event loop lag). @default true */
  readonly defaultMetrics?: boolean;
}

/**
 * Builds a private prom-client registry: the sinks' series from `@iw/metrics` (read from
 * `dispatcher.stats()` at scrape time, so the emit path does no metrics work at all) and the
 * firewall's own counters.
 */
export function createMetrics(dispatcher: Dispatcher, options: MetricsOptions = {}): FirewallMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  registerPrometheusMetrics(dispatcher, { registry });

  const scans = new Counter({
    name: "iw_firewall_scans_total",
    help: "Scan decisions, by direction and decision.",
    labelNames: ["direction", "decision"],
    registers: [registry],
  });
  const rejected = new Counter({
    name: "iw_firewall_rejected_requests_total",
    help: "Requests refused before scanning, by reason.",
    labelNames: ["reason"],
    registers: [registry],
  });
  return {
    registry,
    countScan: (direction, decision) => scans.inc({ direction, decision }),
    countRejected: (reason) => rejected.inc({ reason }),
  };
}
