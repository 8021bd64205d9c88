import type { CliIo, Output } from "./io.js";

/** One option of a command, as `node:util` `parseArgs` takes it, plus its help line. */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly multiple?: boolean;
  readonly short?: string;
  /** The value's placeholder in help (`NAME`, `MS`). */
  readonly arg?: string;
  readonly description: string;
}

/** What a command gets once its arguments are parsed. */
export interface CommandContext {
  readonly io: CliIo;
  readonly out: Output;
  readonly values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  readonly positionals: readonly string[];
  /** `--json`: one JSON document per line on stdout, nothing else there. */
  readonly json: boolean;
  /** `--timeout`, in ms, when given. */
  readonly timeoutMs: number | undefined;
  /** `--env-file` values, in order. */
  readonly envFiles: readonly string[];
}

/** A subcommand of `iw-sinks`. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** `[--sink NAME]... [--offline]`: what follows `iw-sinks <name>` in the usage line. */
  readonly usage: string;
  /** Paragraphs under the usage line. */
  readonly description: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Lines of the "Variables read" section. */
  variables(): Promise<readonly string[]>;
  /** Lines of the "Exit status" section. */
  readonly exit: readonly string[];
  run(ctx: CommandContext): Promise<number>;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: { type: "boolean", description: "machine-readable output: JSON lines on stdout" },
  "env-file": {
    type: "string",
    multiple: true,
    arg: "FILE",
    description: "read the IW_* variables from FILE instead of the environment (repeatable; later files win)",
  },
  timeout: { type: "string", arg: "TIME", description: "deadline of the network work (5000, 500ms, 5s, 1m)" },
  help: { type: "boolean", short: "h", description: "show this help" },
};

/** `values[name]` as a list of strings. */
export function stringList(ctx: CommandContext, name: string): string[] {
  const v = ctx.values[name];
  return Array.isArray(v) ? [...(v as string[])] : typeof v === "string" ? [v] : [];
}

/** `values[name]` as a string, when given. */
export function stringValue(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === "string" ? v : undefined;
}
