import { auditEvent } from "../events/index.js";
import type { AuditEvent } from "../events/index.js";
import type { QueueStateChange } from "../delivery/index.js";
import { maskKnownSecrets } from "../diagnostics/index.js";

/**
 * Integration lifecycle audit events (`category: "lifecycle"`), as Wallarm emits for its
 * integrations: a destination was activated, disabled (for good on 410 Gone or explicitly; while
 * its credentials are refused, with `retrying: true`, its events kept and retried), or recovered
 * after an outage. They go to the *other* active destinations, so an operator hears
 * about a dead destination through a live one.
 */
export function sinkActivatedEvent(sink: string, details: Record<string, unknown> = {}): AuditEvent {
  return auditEvent({ category: "lifecycle", action: "sink_activated", details: { sink, ...details } });
}

/**
 * The lifecycle event for a queue state change, or `undefined` when the change is not one an
 * operator needs to hear about (entering backoff is visible in stats and logs; only the way out
 * of it is reported, once per outage). The reason is masked (patterns and every configured secret
 * value): the event is shipped to the other destinations.
 */
export function lifecycleEventFor(
  change: QueueStateChange,
  outageStartedAt: number | undefined,
  now: number = Date.now(),
): AuditEvent | undefined {
  if (change.to === "disabled") {
    return auditEvent({
      category: "lifecycle",
      action: "sink_disabled",
      details: { sink: change.sink, reason: reasonOf(change, "disabled explicitly") },
    });
  }
  if (change.to === "backoff" && (change.error as { code?: unknown } | undefined)?.code === "IW_AUTH") {
    // Delivering nothing until the credentials are accepted: disabled as far as an operator is
    // concerned, but the events wait (within the queue's bounds) and `sink_recovered` follows.
    return auditEvent({
      category: "lifecycle",
      action: "sink_disabled",
      details: { sink: change.sink, reason: reasonOf(change, "credentials refused"), retrying: true },
    });
  }
  if (change.from === "backoff" && change.to === "active") {
    return auditEvent({
      category: "lifecycle",
      action: "sink_recovered",
      details: { sink: change.sink, ...(outageStartedAt === undefined ? {} : { outage_ms: Math.max(0, now - outageStartedAt) }) },
    });
  }
  return undefined;
}

/** The change's error message, masked: it may quote a URL token or an echoed credential. */
function reasonOf(change: QueueStateChange, fallback: string): string {
  const message = change.error?.message;
  return message === undefined ? fallback : maskKnownSecrets(String(message));
}
