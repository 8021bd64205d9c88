import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SinkPlugin } from "@iw/core/sink-kit";
import { plugin as fluentdPlugin } from "@iw/sink-fluentd";
import { plugin as logstashPlugin } from "@iw/sink-logstash";
import { plugin as webhookPlugin } from "@iw/sink-webhook";
import { main } from "../src/index.js";
import type { CliIo } from "../src/index.js";

/** The built-in sinks, from source: what an application with all three installed has. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const ALL_PLUGINS: readonly SinkPlugin<any>[] = [logstashPlugin, fluentdPlugin, webhookPlugin];

/** What one run printed and returned. */
export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON lines. */
  json<T = Record<string, unknown>>(): T[];
}

/** A folder no sink package can be resolved from (so missing packages stay missing). */
export const EMPTY_DIR = mkdtempSync(join(tmpdir(), "iw-cli-empty-"));

/**
 * Runs the CLI in-process with only `env` (plus PATH), the sink plugins given (default: all
 * three) and a folder without node_modules to resolve packages from.
 */
export async function run(argv: readonly string[], env: Record<string, string | undefined> = {}, io: Partial<CliIo> = {}): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    env: { PATH: process.env["PATH"], ...env },
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    cwd: EMPTY_DIR,
    plugins: ALL_PLUGINS,
    resolveFrom: EMPTY_DIR,
    ...io,
  });
  return {
    code,
    stdout,
    stderr,
    json: <T>() =>
      stdout
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as T),
  };
}

/** A port nothing listens on (bound once, then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
