import type { HttpTransportOptions } from "@iw/core/sink-kit";
import { nodeLabel, transportOf } from "./node-transport.js";
import { logstashOptions } from "./options.js";
import type { LogstashSinkOptions } from "./options.js";

/** One Logstash node, ready for requests. */
export interface NodeTarget {
  /** Printable address: no credentials and no query, ever. */
  readonly label: string;
  readonly https: boolean;
  /** Everything core's HTTP transport needs for this node (URL credentials included). */
  readonly transport: HttpTransportOptions;
}

/** Options checked, defaults applied, every node resolved. */
export type ResolvedOptions = ReturnType<typeof logstashOptions.resolve> & { readonly nodes: readonly NodeTarget[] };

/** Checks options and applies every default; throws `IwConfigError` naming the variable (never a secret's value). */
export function resolveOptions(options: LogstashSinkOptions): ResolvedOptions {
  const o = logstashOptions.resolve(options);
  const nodes = o.urls.map((url) => ({ label: nodeLabel(url), https: url.protocol === "https:", transport: transportOf(o, url) }));
  return { ...o, nodes };
}
