import { SINK_LABEL } from "../src/definitions.js";
import type { SinkMetric } from "../src/definitions.js";

/** The README's metric table, as the definitions say it must read. */
export function metricTable(metrics: readonly SinkMetric[]): string {
  const rows = metrics.map((m) => {
    const labels = [SINK_LABEL.prometheus, ...(m.dimension ? [m.dimension.prometheus] : [])].join(", ");
    const attributes = [SINK_LABEL.otel, ...(m.dimension ? [m.dimension.otel] : [])].map((a) => `\`${a}\``).join(", ");
    const instrument = m.kind === "counter" ? "Counter" : "UpDownCounter";
    return `| \`${m.stat}\` | \`iw_${m.prometheus}{${labels}}\` ${m.kind} | \`${m.otel}\` ${instrument} \`${m.unit}\` | ${attributes} | ${m.description} |`;
  });
  return [
    "| `SinkStats` | Prometheus | OpenTelemetry (asynchronous) | OpenTelemetry attributes | meaning |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
