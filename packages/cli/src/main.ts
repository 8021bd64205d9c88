import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import type { Command, CommandContext } from "./command.js";
import { GLOBAL_OPTIONS, stringList, stringValue } from "./command.js";
import { doctorCommand } from "./doctor/command.js";
import { UsageError } from "./env-source.js";
import { parseDuration } from "./format.js";
import { commandHelp, generalHelp } from "./help.js";
import { EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, Output } from "./io.js";
import type { CliIo } from "./io.js";
import { listenCommand } from "./listen/command.js";
import { spoolCommand } from "./spool/command.js";
import { testCommand } from "./test-command.js";

/** The commands, in the order help lists them. */
export const COMMANDS: readonly Command[] = [doctorCommand, testCommand, listenCommand, spoolCommand];

/**
 * Runs `iw-sinks` with `argv` (without `node` and the script) and resolves to the exit code.
 * Never rejects; never calls `process.exit`. Tests and embedders pass their own streams,
 * environment and abort signal.
 */
export async function main(argv: readonly string[], partial: Partial<CliIo> = {}): Promise<number> {
  const io: CliIo = { env: process.env, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), ...partial };
  const out = new Output(io);
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    const named = first === "help" ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    out.line(named === undefined ? generalHelp(COMMANDS, version()) : await commandHelp(named));
    return first === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (first === "--version" || first === "-v") {
    out.line(version());
    return EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (command === undefined) {
    out.note(`iw-sinks: unknown command ${JSON.stringify(first)}; commands: ${COMMANDS.map((c) => c.name).join(", ")} (iw-sinks --help)`);
    return EXIT_USAGE;
  }
  try {
    const ctx = parse(command, rest, io, out);
    if (ctx.values["help"] === true) {
      out.line(await commandHelp(command));
      return EXIT_OK;
    }
    return await command.run(ctx);
  } catch (err) {
    if (err instanceof UsageError) {
      out.note(`iw-sinks ${command.name}: ${err.message} (iw-sinks ${command.name} --help)`);
      return EXIT_USAGE;
    }
    out.note(`iw-sinks ${command.name}: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT_PROBLEM;
  }
}

function parse(command: Command, args: readonly string[], io: CliIo, out: Output): CommandContext {
  const options = Object.fromEntries(
    Object.entries({ ...command.options, ...GLOBAL_OPTIONS }).map(([name, o]) => [
      name,
      { type: o.type, ...(o.multiple === true ? { multiple: true } : {}), ...(o.short === undefined ? {} : { short: o.short }) },
    ]),
  ) as ParseArgsConfig["options"];
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (err) {
    // parseArgs explains how to pass a positional starting with "-": only the first sentence matters here.
    throw new UsageError((err as Error).message.split(". ")[0]!.replace(/\.$/, ""));
  }
  const values = parsed.values as CommandContext["values"];
  const base: CommandContext = {
    io,
    out,
    values,
    positionals: parsed.positionals,
    json: values["json"] === true,
    timeoutMs: undefined,
    envFiles: [],
  };
  const timeout = stringValue(base, "timeout");
  const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout);
  if (timeout !== undefined && timeoutMs === undefined)
    throw new UsageError(`--timeout ${JSON.stringify(timeout)}: expected a duration such as 5000, 500ms, 5s or 1m`);
  return { ...base, timeoutMs, envFiles: stringList(base, "env-file") };
}

let cachedVersion: string | undefined;

/** This package's version. */
function version(): string {
  cachedVersion ??= (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
  return cachedVersion;
}
