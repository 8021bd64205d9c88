import type { Logger } from "@iw/core";
import type { Sink } from "@iw/core/sink-kit";
import { ForwardSink } from "./forward-sink.js";
import { HttpSink } from "./http-sink.js";
import type { FluentdSinkOptions } from "./options.js";

/**
 * Builds the Fluentd sink for `options.url`: forward protocol for `tcp:`, `tls:`, `unix:`,
 * in_http for `http:` / `https:`.
 */
export function createFluentdSink(options: FluentdSinkOptions, deps?: { readonly logger?: Logger }): Sink {
  const scheme = options.url.protocol;
  if (scheme === "http:" || scheme === "https:") return new HttpSink(options, deps?.logger);
  return new ForwardSink(options, deps?.logger);
}
