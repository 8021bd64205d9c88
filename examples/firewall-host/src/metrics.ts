import { DROP_REASONS } from "@iw/core";
import type { Dispatcher } from "@iw/core";
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
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
 * Builds a private prom-client registry. The sink series are read from `dispatcher.stats()` at
 * scrape time (collect callbacks), so the emit path does no metrics work at all.
 */
export function createMetrics(dispatcher: Dispatcher, options: MetricsOptions = {}): FirewallMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const sinkCounter = (name: string, help: string, read: (s: ReturnType<Dispatcher["stats"]>[number]) => number): void => {
    new Counter({
      name,
      help,
      labelNames: ["sink"],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of dispatcher.stats()) this.inc({ sink: s.sink }, read(s));
      },
    });
  };
  const sinkGauge = (name: string, help: string, read: (s: ReturnType<Dispatcher["stats"]>[number]) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ["sink"],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of dispatcher.stats()) this.set({ sink: s.sink }, read(s));
      },
    });
  };

  sinkCounter("iw_sink_events_emitted_total", "Events accepted for the sink (after its filter).", (s) => s.emitted);
  sinkCounter("iw_sink_events_delivered_total", "Events the collector acknowledged.", (s) => s.delivered);
  sinkCounter("iw_sink_retried_total", "Batch attempts that were retried.", (s) => s.retried);
  sinkGauge("iw_sink_queued", "Events waiting in the sink's lanes.", (s) => s.queued);
  sinkGauge("iw_sink_in_flight", "Events in batches being sent or waiting for a retry.", (s) => s.inFlight);
  sinkGauge("iw_sink_events_spooled", "Events held only in the disk spool (IW_SPOOL_DIR): waiting for room in memory, or kept at close for the next start.", (s) => s.spooled);
  sinkGauge("iw_sink_up", "1 while the sink is active, 0 in backoff or disabled.", (s) => (s.state === "active" ? 1 : 0));
  // Core's list, not a copy: a reason added there (spool_full, spool_failed) shows up here as a 0.
  new Counter({
    name: "iw_sink_events_dropped_total",
    help: "Events dropped, by reason.",
    labelNames: ["sink", "reason"],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of dispatcher.stats()) {
        for (const reason of DROP_REASONS) this.inc({ sink: s.sink, reason }, s.dropped[reason]);
      }
    },
  });

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
