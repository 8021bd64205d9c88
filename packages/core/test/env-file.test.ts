import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { afterEach, describe, expect, it } from "vitest";
import { activateWithReport } from "@iw/core";
import { defineSinkPlugin, envFile, envObject } from "@iw/core/sink-kit";
import type { EnvFile } from "@iw/core/sink-kit";
import { recordingLogger } from "./helpers/memory-plugin.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "iw-envfile-"));
  dirs.push(d);
  return d;
};

/** A plugin with one file option, as the TLS options of the sinks are. */
function filePlugin() {
  const got: (EnvFile | undefined)[] = [];
  const plugin = defineSinkPlugin({
    name: "f",
    env: "IW_F_URL",
    options: envObject({ IW_F_URL: z.string(), IW_F_CA_FILE: envFile("PEM CA certificate(s)") }),
    create: (o) => {
      got.push(o.IW_F_CA_FILE);
      return { name: "f", send: () => Promise.resolve({ status: "success" as const }), close: () => Promise.resolve() };
    },
  });
  return { plugin, got };
}

async function activateWithFile(path: string) {
  const { plugin, got } = filePlugin();
  const started = performance.now();
  const { dispatcher, errors } = await activateWithReport({
    env: { IW_F_URL: "mem://x", IW_F_CA_FILE: path },
    plugins: [plugin],
    logger: recordingLogger().logger,
  });
  const ms = performance.now() - started;
  await dispatcher.close(100);
  return { errors: errors.map((e) => e.message), got, ms };
}

describe("envFile", () => {
  it("reads a regular file", async () => {
    const file = join(tempDir(), "ca.pem");
    writeFileSync(file, "-----BEGIN CERTIFICATE-----\n");
    const { errors, got } = await activateWithFile(file);
    expect(errors).toEqual([]);
    expect(got[0]!.contents.toString()).toBe("-----BEGIN CERTIFICATE-----\n");
  });

  it.skipIf(process.platform === "win32")("refuses a FIFO at once instead of waiting for a writer, naming the variable", async () => {
    const fifo = join(tempDir(), "ca.fifo");
    execFileSync("mkfifo", [fifo]);
    const { errors, got, ms } = await activateWithFile(fifo);
    expect(errors).toEqual([
      `IW_F_CA_FILE="${fifo}" is invalid: not a regular file (a FIFO or pipe); expected PEM CA certificate(s): path to a readable file; unset by default`,
    ]);
    expect(got).toEqual([]);
    expect(ms).toBeLessThan(2000);
  });

  it.skipIf(process.platform === "win32")("refuses /dev/zero and /dev/stdin without reading them", async () => {
    expect((await activateWithFile("/dev/zero")).errors[0]).toMatch(
      /^IW_F_CA_FILE="\/dev\/zero" is invalid: not a regular file \(a character device\)/,
    );
    const stdin = await activateWithFile("/dev/stdin");
    // Under the test runner stdin is a pipe, a TTY or /dev/null: never a regular file, never read.
    expect(stdin.errors[0]).toMatch(/^IW_F_CA_FILE="\/dev\/stdin" is invalid: (not a regular file|cannot read the file)/);
  });

  it("refuses a directory and a file larger than 1 MiB", async () => {
    const dir = tempDir();
    expect((await activateWithFile(dir)).errors[0]).toMatch(/is invalid: not a regular file \(a directory\)/);
    const big = join(dir, "big.pem");
    writeFileSync(big, "");
    truncateSync(big, 1024 * 1024 + 1);
    expect((await activateWithFile(big)).errors[0]).toMatch(/is invalid: the file is 1048577 bytes, more than the 1048576 allowed/);
  });

  it("says a missing file is missing", async () => {
    expect((await activateWithFile(join(tempDir(), "nope.pem"))).errors[0]).toMatch(/is invalid: cannot read the file \(ENOENT\)/);
  });
});
