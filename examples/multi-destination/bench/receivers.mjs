// The three collectors of the benchmark (Logstash http input, Fluentd in_forward with acks, a
// Standard Webhooks endpoint verifying signatures), from @iw/testkit, and a per-round count of
// what each accepted. Used inside a worker thread (receivers-worker.mjs) or inline.
import { startFluentdReceiver, startLogstashReceiver, startWebhookReceiver } from "@iw/testkit";

/** Distinct event_ids of scan logs whose request_id starts with `prefix`. */
function countDistinct(events, prefix) {
  const ids = new Set();
  for (const e of events) {
    if (e && e.log_type === "scan" && typeof e.request_id === "string" && e.request_id.startsWith(prefix)) ids.add(e.event_id);
  }
  return ids.size;
}

export async function startBenchReceivers({ webhookSecret }) {
  const logstash = await startLogstashReceiver();
  const fluentd = await startFluentdReceiver();
  const webhook = await startWebhookReceiver({ secrets: [webhookSecret] });
  return {
    urls: { IW_ELK_URL: logstash.url, IW_FLUENTD_URL: fluentd.url, IW_WEBHOOK_URL: webhook.url },
    count(prefix) {
      const counts = {
        logstash: countDistinct(logstash.events, prefix),
        fluentd: countDistinct(
          fluentd.records.map((r) => r.record),
          prefix,
        ),
        webhook: countDistinct(
          webhook.events.map((e) => e.event),
          prefix,
        ),
        webhookRefused: webhook.requests.filter((r) => r.status !== 200).length,
      };
      logstash.clear(); // keeps the worker's memory flat across rounds
      return counts;
    },
    async close() {
      await Promise.all([logstash.close(), fluentd.close(), webhook.close()]);
    },
  };
}
