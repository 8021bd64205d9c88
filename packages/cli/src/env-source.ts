import { open } from "node:fs/promises";
import { constants } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import type { CliIo } from "./io.js";

/** The variables the sinks are configured from, and where they came from. */
export interface SinkEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `the process environment`, or the files read. */
  readonly source: string;
}

/** An env file larger than this is refused (as core refuses large `*_FILE` variables). */
const MAX_ENV_FILE_BYTES = 1024 * 1024;

/** A command-line problem: printed with the usage hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * The process environment, or, with `--env-file` (repeatable, later files win), the files'
 * variables over the process environment without its `IW_*` variables: the files say
 * everything about the sinks, as they would for the host started with them.
 */
export async function sinkEnvironment(files: readonly string[], io: CliIo): Promise<SinkEnvironment> {
  if (files.length === 0) return { env: io.env, source: "the process environment" };
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(io.env)) if (!k.startsWith("IW_")) env[k] = v;
  for (const file of files) Object.assign(env, parseEnv(await readEnvFile(resolve(io.cwd, file), file)));
  return { env, source: `${files.join(", ")}; process IW_* variables ignored` };
}

async function readEnvFile(path: string, shown: string): Promise<string> {
  let handle;
  try {
    // Non-blocking, and checked before reading: a FIFO or a device must not hang or flood the CLI.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new UsageError(`--env-file ${shown}: ${(err as { code?: string }).code === "ENOENT" ? "no such file" : (err as Error).message}`);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new UsageError(`--env-file ${shown}: not a regular file`);
    if (st.size > MAX_ENV_FILE_BYTES) throw new UsageError(`--env-file ${shown}: larger than 1 MiB`);
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}
