import parsePrometheusTextFormat from "parse-prometheus-text-format";
import type { PrometheusFamily } from "parse-prometheus-text-format";
import type { Registry } from "prom-client";

/** The registry's exposition, parsed by a real Prometheus text-format parser. */
export async function scrape(registry: Registry): Promise<PrometheusFamily[]> {
  return parsePrometheusTextFormat(await registry.metrics());
}

/** The value of the one sample of `name` whose labels are exactly `labels`; undefined if absent. */
export function sample(families: readonly PrometheusFamily[], name: string, labels: Record<string, string>): number | undefined {
  const family = families.find((f) => f.name === name);
  const wanted = JSON.stringify(Object.entries(labels).sort());
  const match = family?.metrics.filter((m) => JSON.stringify(Object.entries(m.labels ?? {}).sort()) === wanted) ?? [];
  if (match.length > 1) throw new Error(`${name}${wanted}: ${match.length} samples`);
  return match[0] === undefined ? undefined : Number(match[0].value);
}
