import { hostname as osHostname } from "node:os";
import { fluentdOptions, type CheckedFluentdOptions, type FluentdSinkOptions } from "./options.js";

/** Options checked, with every default applied, including those that depend on another option. */
export type ResolvedOptions = Omit<CheckedFluentdOptions, "ack" | "hostname"> & {
  /** Wait for Fluentd's ack of every batch: `ack`, or by default true except for `unix://`. */
  readonly ack: boolean;
  /** Our hostname in the handshake: `hostname`, or the OS host name. */
  readonly hostname: string;
};

/**
 * Checks options (`fluentdOptions`: the same checks as the variables') and applies every
 * default, also those that depend on another option. Throws `IwConfigError` naming the variable.
 */
export function resolveOptions(options: FluentdSinkOptions): ResolvedOptions {
  const o = fluentdOptions.resolve(options);
  return {
    ...o,
    // Fluentd's in_unix, behind unix://, never acks: waiting for acks there would time out and resend every batch.
    ack: o.ack ?? o.url.protocol !== "unix:",
    hostname: o.hostname ?? osHostname(),
  };
}
