import type { FluentdReceiver, LogstashReceiver, TestCertificateFiles, WebhookReceiver } from "@iw/testkit";

/** The local collectors `listen` can run. */
export const COLLECTORS = ["logstash", "fluentd", "fluentd-http", "webhook"] as const;
export type CollectorName = (typeof COLLECTORS)[number];

/** The ports the real collectors use (a webhook has none: 9000). */
export const DEFAULT_PORTS: Readonly<Record<CollectorName, number>> = {
  logstash: 8080,
  fluentd: 24224,
  "fluentd-http": 9880,
  webhook: 9000,
};

/** Something a collector saw: an event, or a request it refused (and why). */
export type Arrival =
  | { readonly kind: "event"; readonly collector: CollectorName; readonly event: Record<string, unknown>; readonly tag?: string }
  | { readonly kind: "refused"; readonly collector: CollectorName; readonly status?: number; readonly reason: string };

/** A running collector: where it listens, what to set on a host, and what arrived since the last look. */
export interface RunningCollector {
  readonly name: CollectorName;
  readonly url: string;
  /** Variables that point a host's sink here. */
  readonly env: Readonly<Record<string, string>>;
  /** What arrived since the previous call. */
  take(): Arrival[];
}

/** How to start the collectors. */
export interface CollectorOptions {
  readonly host: string;
  readonly ports: Readonly<Record<CollectorName, number>>;
  readonly sharedKey: string | undefined;
  readonly secrets: readonly string[];
  readonly tls: { readonly cert: string; readonly key: string; readonly files: TestCertificateFiles } | undefined;
}

/** Starts the collectors asked for (on the testkit receivers); `close()` stops them all. */
export async function startCollectors(
  names: readonly CollectorName[],
  o: CollectorOptions,
): Promise<{ collectors: RunningCollector[]; close(): Promise<void> }> {
  const testkit = await import("@iw/testkit");
  const closers: (() => Promise<void>)[] = [];
  const collectors: RunningCollector[] = [];
  const close = async () => void (await Promise.all(closers.map((c) => c().catch(() => undefined))));
  const caEnv = (prefix: string): Record<string, string> => (o.tls === undefined ? {} : { [`${prefix}_CA_FILE`]: o.tls.files.caFile });
  try {
    if (names.includes("logstash")) {
      const r = await listening("logstash", o.ports.logstash, () =>
        testkit.startLogstashReceiver({
          host: o.host,
          port: o.ports.logstash,
          ...(o.tls === undefined ? {} : { tls: { cert: o.tls.cert, key: o.tls.key } }),
        }),
      );
      closers.push(() => r.close());
      collectors.push({ name: "logstash", url: r.url, env: { IW_ELK_URL: r.url, ...caEnv("IW_ELK") }, take: logstashTaker(r) });
    }
    if (names.includes("fluentd") || names.includes("fluentd-http")) {
      const forwardPort = names.includes("fluentd") ? o.ports.fluentd : 0;
      const r = await listening(
        names.includes("fluentd") ? "fluentd" : "fluentd-http",
        names.includes("fluentd") ? forwardPort : o.ports["fluentd-http"],
        () =>
          testkit.startFluentdReceiver({
            host: o.host,
            port: forwardPort,
            httpPort: o.ports["fluentd-http"],
            http: names.includes("fluentd-http"),
            ...(o.tls === undefined ? {} : { transport: "tls" as const, tls: { cert: o.tls.cert, key: o.tls.key } }),
            ...(o.sharedKey === undefined ? {} : { security: { sharedKey: o.sharedKey, selfHostname: "iw-sinks-listen" } }),
          }),
      );
      closers.push(() => r.close());
      const take = fluentdTaker(r);
      if (names.includes("fluentd")) {
        const key: Record<string, string> = o.sharedKey === undefined ? {} : { IW_FLUENTD_SHARED_KEY: "<--shared-key>" };
        collectors.push({
          name: "fluentd",
          url: r.url,
          env: { IW_FLUENTD_URL: r.url, ...key, ...caEnv("IW_FLUENTD") },
          take: () => take().filter((a) => a.collector === "fluentd"),
        });
      }
      if (r.httpUrl !== undefined)
        collectors.push({
          name: "fluentd-http",
          url: r.httpUrl,
          env: { IW_FLUENTD_URL: r.httpUrl },
          take: () => take(true).filter((a) => a.collector === "fluentd-http"),
        });
    }
    if (names.includes("webhook")) {
      const r = await listening("webhook", o.ports.webhook, () =>
        testkit.startWebhookReceiver({
          host: o.host,
          port: o.ports.webhook,
          ...(o.secrets.length === 0 ? {} : { secrets: o.secrets }),
          ...(o.tls === undefined ? {} : { tls: { cert: o.tls.cert, key: o.tls.key } }),
        }),
      );
      closers.push(() => r.close());
      const secret: Record<string, string> = o.secrets.length === 0 ? {} : { IW_WEBHOOK_SECRET: "<--secret>" };
      collectors.push({
        name: "webhook",
        url: r.url,
        env: { IW_WEBHOOK_URL: r.url, ...secret, ...caEnv("IW_WEBHOOK") },
        take: webhookTaker(r),
      });
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { collectors, close };
}

async function listening<T>(name: CollectorName, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "EADDRINUSE") throw new Error(`${name}: port ${port} is in use (--${name}-port 0 takes a free one)`, { cause: err });
    if (code === "EACCES") throw new Error(`${name}: port ${port} needs privileges (take one above 1023)`, { cause: err });
    throw err;
  }
}

/** Requests are recorded on arrival and answered later: report each refusal once it is answered. */
function settled<R>(list: readonly R[], from: { i: number }, done: (r: R) => boolean, refused: (r: R) => Arrival | undefined): Arrival[] {
  const out: Arrival[] = [];
  while (from.i < list.length && done(list[from.i]!)) {
    const a = refused(list[from.i]!);
    if (a !== undefined) out.push(a);
    from.i++;
  }
  return out;
}

function logstashTaker(r: LogstashReceiver): () => Arrival[] {
  let events = 0;
  const requests = { i: 0 };
  return () => {
    const out: Arrival[] = r.events.slice(events).map((event) => ({ kind: "event" as const, collector: "logstash" as const, event }));
    events = r.events.length;
    out.push(
      ...settled(
        r.requests,
        requests,
        (q) => q.outcome !== "pending",
        (q) =>
          q.status !== undefined && q.status >= 400
            ? {
                kind: "refused",
                collector: "logstash",
                status: q.status,
                reason: q.status === 401 ? "credentials refused" : `answered ${q.status}`,
              }
            : undefined,
      ),
    );
    return out;
  };
}

function fluentdTaker(r: FluentdReceiver): (http?: boolean) => Arrival[] {
  let records = 0;
  let handshakes = 0;
  const http = { i: 0 };
  const pending: Arrival[] = [];
  const collect = (): void => {
    for (const rec of r.records.slice(records))
      pending.push({ kind: "event", collector: rec.mode === "http" ? "fluentd-http" : "fluentd", event: rec.record, tag: rec.tag });
    records = r.records.length;
    for (const h of r.handshakes.slice(handshakes))
      if (!h.ok)
        pending.push({ kind: "refused", collector: "fluentd", reason: `handshake refused from ${h.hostname || "?"}: ${h.reason}` });
    handshakes = r.handshakes.length;
    pending.push(
      ...settled(
        r.httpRequests,
        http,
        () => true,
        (q) =>
          q.status >= 400
            ? { kind: "refused", collector: "fluentd-http", status: q.status, reason: `answered ${q.status} for tag ${q.tag}` }
            : undefined,
      ),
    );
  };
  // Both views share one receiver: each takes its own arrivals, in order.
  return (forHttp = false) => {
    collect();
    const mine = pending.filter((a) => (a.collector === "fluentd-http") === forHttp);
    pending.splice(0, pending.length, ...pending.filter((a) => !mine.includes(a)));
    return mine;
  };
}

function webhookTaker(r: WebhookReceiver): () => Arrival[] {
  let events = 0;
  const requests = { i: 0 };
  return () => {
    const out: Arrival[] = r.events.slice(events).map((e) => ({ kind: "event" as const, collector: "webhook" as const, event: e.event }));
    events = r.events.length;
    out.push(
      ...settled(
        r.requests,
        requests,
        (q) => q.status !== 0,
        (q) =>
          q.status >= 400 && q.method !== "OPTIONS"
            ? { kind: "refused", collector: "webhook", status: q.status, reason: q.reason ?? `answered ${q.status}` }
            : undefined,
      ),
    );
    return out;
  };
}
