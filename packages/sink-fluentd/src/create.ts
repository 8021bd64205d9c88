import type { Logger } from "@iw/core";
import type { Sink } from "@iw/core/sink-kit";
import { ForwardSink } from "./forward-sink.js";
import { HttpSink } from "./http-sink.js";
import { isForward, type FluentdSinkOptions } from "./options.js";
import { resolveOptions } from "./resolve-options.js";

/**
 * Builds the Fluentd sink for `options.url`: forward protocol for `tcp:`, `tls:`, `unix:`,
 * in_http for `http:` / `https:`. The options run the checks the `IW_FLUENTD_*` variables run;
 * a problem throws `IwConfigError` naming the variable.
 */
export function createFluentdSink(options: FluentdSinkOptions, deps?: { readonly logger?: Logger }): Sink {
  const resolved = resolveOptions(options);
  return isForward(resolved.url) ? new ForwardSink(resolved, deps?.logger) : new HttpSink(resolved, deps?.logger);
}
