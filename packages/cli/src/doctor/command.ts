import type { Command } from "../command.js";
import { stringList } from "../command.js";
import { sinkVariableLines } from "../help.js";
import { EXIT_OK, EXIT_PROBLEM } from "../io.js";
import { loadInspection } from "../load.js";
import { runDoctor } from "./doctor.js";
import { renderDoctor } from "./render.js";

/** Default `--timeout` of `doctor`: the whole run, every destination checked at once. */
export const DEFAULT_DOCTOR_TIMEOUT_MS = 5000;

export const doctorCommand: Command = {
  name: "doctor",
  summary: "say which sinks would start and why, with their settings and problems, and check each destination",
  usage: "[--sink NAME]... [--offline] [--timeout TIME] [--env-file FILE]... [--json]",
  description: [
    "Reads the IW_* variables as activate() does (loading the sink packages they name) and lists every sink that would start, why, its effective settings (secrets masked) and every problem with its variable. Then it checks each destination within the deadline: DNS, TCP connect, TLS (chain, expiry, the name checked), and the protocol — an empty JSON array to Logstash (no event is created), the Fluentd <security> handshake, OPTIONS to a webhook or in_http. No event is sent; `iw-sinks test` does that.",
  ],
  options: {
    sink: { type: "string", multiple: true, arg: "NAME", description: "only this sink (logstash, fluentd, webhook:soc)" },
    offline: { type: "boolean", description: "check the configuration only; contact no destination" },
  },
  variables: sinkVariableLines,
  exit: [
    "0  every sink would start and every check passed (warnings allowed)",
    "1  a problem: a bad or missing variable, a missing package, a failed check, or no sink at all",
    "2  a wrong command line",
  ],
  async run(ctx) {
    const loaded = await loadInspection(ctx);
    const report = await runDoctor(loaded, {
      sinks: stringList(ctx, "sink"),
      offline: ctx.values["offline"] === true,
      timeoutMs: ctx.timeoutMs ?? DEFAULT_DOCTOR_TIMEOUT_MS,
      signal: ctx.io.signal,
    });
    if (ctx.json) ctx.out.json(report);
    else renderDoctor(report, ctx.out);
    return report.ok ? EXIT_OK : EXIT_PROBLEM;
  },
};
