import { startFluentdReceiver, startLogstashReceiver, startWebhookReceiver } from "@iw/testkit";
import type { FluentdReceiver, LogstashReceiver, WebhookReceiver } from "@iw/testkit";
import type { Env } from "@iw/core";

/** A received event: the @iw event as the destination stored it (unwrapped from its envelope). */
export type ReceivedEvent = Readonly<Record<string, unknown>>;

/** The four loopback collectors of the demo, standing in for the real ones. */
export interface LocalCollectors {
  readonly logstash: LogstashReceiver;
  readonly fluentd: FluentdReceiver;
  /** The chat bridge webhook (`IW_WEBHOOK_CHAT_*`). */
  readonly chat: WebhookReceiver;
  /** The SOAR webhook (`IW_WEBHOOK_SOAR_*`). */
  readonly soar: WebhookReceiver;
  /** The `_URL` variables pointing the sinks at these collectors. */
  readonly urls: Readonly<Record<string, string>>;
  /** Distinct events (by `event_id`) each destination accepted, keyed by sink name. */
  received(): Map<string, ReceivedEvent[]>;
  /** Closes every collector. Idempotent. */
  close(): Promise<void>;
}

/** The sink name of each destination, as `dispatcher.stats()` reports it. */
export const DESTINATIONS = ["logstash", "fluentd", "webhook:chat", "webhook:soar"] as const;

/**
 * Starts a Logstash http input, a Fluentd in_forward and two Standard Webhooks endpoints on
 * 127.0.0.1, each as strict as the real thing and configured with the credentials found in
 * `env` (the same variables the sinks read): `IW_ELK_USER`/`IW_ELK_PASSWORD` (Basic auth),
 * `IW_FLUENTD_SHARED_KEY` (the `<security>` handshake), `IW_WEBHOOK_CHAT_SECRET` and
 * `IW_WEBHOOK_SOAR_SECRET` (each receiver accepts only its own secret's signatures).
 */
export async function startLocalCollectors(env: Env): Promise<LocalCollectors> {
  const started: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(r: T): T => {
    started.push(r);
    return r;
  };
  const closeAll = async (): Promise<void> => {
    await Promise.all(started.map((r) => r.close()));
  };
  try {
    const user = env["IW_ELK_USER"];
    const logstash = track(await startLogstashReceiver(user ? { user, password: env["IW_ELK_PASSWORD"] ?? "" } : {}));
    const sharedKey = env["IW_FLUENTD_SHARED_KEY"];
    const fluentd = track(await startFluentdReceiver(sharedKey ? { security: { sharedKey } } : {}));
    const chat = track(await startWebhookReceiver({ secrets: secretsOf(env["IW_WEBHOOK_CHAT_SECRET"]) }));
    const soar = track(await startWebhookReceiver({ secrets: secretsOf(env["IW_WEBHOOK_SOAR_SECRET"]) }));
    let closing: Promise<void> | undefined;
    return {
      logstash,
      fluentd,
      chat,
      soar,
      urls: {
        IW_ELK_URL: logstash.url,
        IW_FLUENTD_URL: fluentd.url,
        IW_WEBHOOK_CHAT_URL: chat.url,
        IW_WEBHOOK_SOAR_URL: soar.url,
      },
      received: () =>
        new Map<string, ReceivedEvent[]>([
          ["logstash", distinct(logstash.events)],
          ["fluentd", distinct(fluentd.records.map((r) => r.record))],
          ["webhook:chat", distinct(chat.events.map((e) => e.event))],
          ["webhook:soar", distinct(soar.events.map((e) => e.event))],
        ]),
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** `whsec_…` secrets of a webhook variable (space or comma separated, as the sink reads them). */
export function secretsOf(value: string | undefined): string[] {
  return (value ?? "").split(/[\s,]+/).filter(Boolean);
}

/** First copy of each `event_id`, in arrival order (retries duplicate: at-least-once). */
function distinct(events: readonly ReceivedEvent[]): ReceivedEvent[] {
  const seen = new Set<unknown>();
  const out: ReceivedEvent[] = [];
  for (const e of events) {
    const id = e["event_id"];
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(e);
  }
  return out;
}
