import parsePrometheusTextFormat from "parse-prometheus-text-format";
import type { PrometheusFamily } from "parse-prometheus-text-format";
import { DROP_REASONS } from "@iw/core";

/** One scrape of `GET /metrics`, read by a Prometheus text-format parser. */
export interface Scrape {
  readonly contentType: string | null;
  readonly families: PrometheusFamily[];
  /** The one sample of `name` with exactly these labels (`sink` defaults to `logstash`); throws if there is not exactly one. */
  value(name: string, labels?: Record<string, string>): number;
  /** Σ `iw_sink_events_dropped_total` over every reason. */
  dropped(): number;
}

export async function scrape(baseUrl: string, sink = "logstash"): Promise<Scrape> {
  const res = await fetch(`${baseUrl}/metrics`);
  const families = parsePrometheusTextFormat(await res.text());
  const value = (name: string, labels: Record<string, string> = {}): number => {
    const wanted = JSON.stringify(Object.entries({ sink, ...labels }).sort());
    const found =
      families.find((f) => f.name === name)?.metrics.filter((m) => JSON.stringify(Object.entries(m.labels ?? {}).sort()) === wanted) ?? [];
    if (found.length !== 1) throw new Error(`${name} ${wanted}: ${found.length} samples`);
    return Number(found[0]!.value);
  };
  return {
    contentType: res.headers.get("content-type"),
    families,
    value,
    dropped: () => DROP_REASONS.reduce((n, reason) => n + value("iw_sink_events_dropped_total", { reason }), 0),
  };
}
