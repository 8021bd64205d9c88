import { hostname } from "node:os";
import { auditEvent, scanLog } from "@iw/core";
import type { AuditCategory, Dispatcher } from "@iw/core";
import type { Direction } from "./signatures.js";
import type { ScanResult } from "./scanner.js";

/** Who did something, for audit events. */
export interface Actor {
  readonly sourceIp?: string | null;
  readonly keyPrefix?: string | null;
}

/** Options of `HostEvents`. */
export interface HostEventsOptions {
  /** `service` field of every event. @default "firewall-host" — `IW_SERVICE_NAME` */
  readonly service?: string;
  /**
   * `host` field of every event; `null` leaves it out. @default os.hostname() — `IW_DEMO_EVENT_HOST`
   * (the Logstash sink sends it as `host.name`, since Logstash 8's ECS mode owns `[host][ip]`).
   */
  readonly host?: string | null;
}

/**
 * Builds the host's scan logs and audit events and hands them to the dispatcher. When no sink
 * is active (`dispatcher.enabled === false`) nothing is built at all.
 */
export class HostEvents {
  readonly #dispatcher: Dispatcher;
  readonly #origin: { service: string; host?: string };

  constructor(dispatcher: Dispatcher, options: HostEventsOptions = {}) {
    this.#dispatcher = dispatcher;
    const service = options.service ?? "firewall-host";
    const host = options.host === undefined ? hostname() : options.host;
    this.#origin = host === null || host === "" ? { service } : { service, host };
  }

  /** One scan log per `scan_input` / `scan_output` call. */
  scan(direction: Direction, result: ScanResult, requestId: string): void {
    if (!this.#dispatcher.enabled) return;
    this.#dispatcher.emit(
      scanLog({
        direction,
        decision: result.decision,
        anomaly_score: result.anomaly_score,
        threshold: result.threshold,
        policy: result.policy,
        request_id: requestId,
        matches: result.matches,
        ...this.#origin,
      }),
    );
  }

  /** One audit event. `details` must not hold secrets (key prefixes only). */
  audit(category: AuditCategory, action: string, details: Record<string, unknown> = {}, actor: Actor = {}): void {
    if (!this.#dispatcher.enabled) return;
    this.#dispatcher.emit(
      auditEvent({
        category,
        action,
        details,
        source_ip: actor.sourceIp ?? null,
        key_prefix: actor.keyPrefix ?? null,
        ...this.#origin,
      }),
    );
  }
}
