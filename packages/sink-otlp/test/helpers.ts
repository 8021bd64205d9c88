import { afterAll, beforeAll } from "vitest";
import { generateTestCertificates, writeTestCertificates } from "@iw/testkit";
import type { TestCertificateFiles, TestCertificates } from "@iw/testkit";
import type { Logger } from "@iw/core";
import type { SendContext } from "@iw/core/sink-kit";
import { plugin } from "../src/index.js";
import type { OtlpSink } from "../src/index.js";

/** A logger that keeps every line, for assertions on what an operator would read. */
export function recordingLogger(): Logger & { readonly lines: string[]; text(): string } {
  const lines: string[] = [];
  const push = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${message}${fields === undefined ? "" : ` ${JSON.stringify(fields)}`}`);
  };
  return { lines, text: () => lines.join("\n"), debug: push("debug"), info: push("info"), warn: push("warn"), error: push("error") };
}

let batchCounter = 0;

/** A send context whose signal fires after `timeoutMs` (a `TimeoutError`, as the queue's deadline). */
export function ctx(timeoutMs = 5000, attempt = 1): SendContext<never> {
  return { signal: AbortSignal.timeout(timeoutMs), attempt, batchId: `batch-${++batchCounter}` };
}

/** Parses `env` through the plugin's schema; throws with the issues when it refuses. */
export function parseEnv(env: Record<string, string>) {
  const parsed = plugin.options.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
  return parsed.data;
}

/** Builds the sink the way activation does: env → plugin.options → plugin.create. */
export function sinkFromEnv(env: Record<string, string>, logger: Logger = recordingLogger()): OtlpSink {
  return plugin.create(parseEnv(env), { logger, env }) as OtlpSink;
}

/**
 * Test certificates (a CA, server and client pairs) made once for the file, written to disk for
 * the `*_FILE` variables and removed afterwards. Read its fields inside tests, not at import.
 */
export function useTestCertificates(): { readonly certs: TestCertificates; readonly files: TestCertificateFiles } {
  const state = {} as { certs: TestCertificates; files: TestCertificateFiles };
  beforeAll(async () => {
    state.certs = await generateTestCertificates();
    state.files = await writeTestCertificates(state.certs);
  });
  afterAll(async () => {
    await state.files.cleanup();
  });
  return state;
}
