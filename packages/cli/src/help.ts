import { BUILTIN_SINKS, GLOBAL_VARIABLES } from "@iw/core/inspect";
import type { Command, OptionSpec } from "./command.js";
import { GLOBAL_OPTIONS } from "./command.js";

/** `iw-sinks --help`. */
export function generalHelp(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `iw-sinks ${version}: check, test, watch and replay the @iw sinks that IW_* variables configure.`,
    "",
    "Usage: iw-sinks <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Options of every command:",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    "`iw-sinks <command> --help` shows a command's options and the variables it reads.",
    "Colours only on a terminal; NO_COLOR turns them off, FORCE_COLOR on.",
  ].join("\n");
}

/** `iw-sinks <command> --help`. */
export async function commandHelp(c: Command): Promise<string> {
  return [
    `iw-sinks ${c.name}: ${c.summary}`,
    "",
    `Usage: iw-sinks ${c.name} ${c.usage}`.trimEnd(),
    "",
    ...c.description.flatMap((p) => [p, ""]),
    "Options:",
    ...optionLines({ ...c.options, ...GLOBAL_OPTIONS }),
    "",
    "Variables read:",
    ...(await c.variables()).map((l) => `  ${l}`),
    "",
    "Exit status:",
    ...c.exit.map((l) => `  ${l}`),
  ].join("\n");
}

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const heads = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short === undefined ? "" : `-${o.short}, `}--${name}${o.arg === undefined ? "" : ` ${o.arg}`}`;
    return { flag, text: `${o.description}${o.multiple === true && !o.description.includes("repeatable") ? " (repeatable)" : ""}` };
  });
  const width = Math.max(...heads.map((h) => h.flag.length));
  return heads.map((h) => `  ${h.flag.padEnd(width)}  ${h.text}`);
}

/** The variables that decide which sinks start and how: what `doctor` and `test` read. */
export function sinkVariableLines(): Promise<string[]> {
  const width = 24;
  const lines = BUILTIN_SINKS.map(
    (b) => `${b.env.padEnd(width)}activates ${b.name} (${b.module}); its other options are ${b.env.replace(/_URL$/, "")}_*`,
  );
  lines.push(
    `${"IW_<SINK>_<NAME>_URL".padEnd(width)}a named instance (IW_WEBHOOK_SOC_URL: sink webhook:soc, options IW_WEBHOOK_SOC_*)`,
    `${"IW_<PREFIX>_*".padEnd(width)}each active sink's options and core's per-sink ones (BATCH_SIZE, EVENTS, REDACT, SPOOL, …)`,
  );
  const globals = GLOBAL_VARIABLES;
  lines.push(`${"process-wide".padEnd(width)}${globals.join(", ")}`);
  lines.push(`${"NO_COLOR, FORCE_COLOR".padEnd(width)}colours (read from the process environment, never from --env-file)`);
  return Promise.resolve(lines);
}
