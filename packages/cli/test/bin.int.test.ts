import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startLogstashReceiver, waitFor } from "@iw/testkit";
import type { LogstashReceiver } from "@iw/testkit";
import { buildCorePackage, buildSinkPackage } from "../../core/test/helpers/build-dist.js";
import { run } from "./helpers.js";

const PACKAGES = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * An application as a user installs it, in a temporary folder: private builds (the shared dist/
 * folders may hold someone else's work in progress) of @iw/core, @iw/cli (with @iw/testkit) and
 * @iw/sink-logstash in its node_modules — and no @iw/sink-webhook.
 */
function buildApp(): string {
  const app = mkdtempSync(join(tmpdir(), "iw-cli-app-"));
  const core = buildCorePackage();
  const link = (target: string, at: string) => {
    if (existsSync(at)) return;
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync(target, at, "dir");
  };
  // Each package's dependencies as installed for the workspace, the @iw ones as private builds.
  const build = (dir: string, ours: Record<string, string>) => {
    const out = buildSinkPackage(dir, join(app, "packages", dir));
    const pkg = JSON.parse(readFileSync(join(PACKAGES, dir, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    for (const name of Object.keys(pkg.dependencies ?? {}))
      link(ours[name] ?? join(PACKAGES, dir, "node_modules", name), join(out, "node_modules", name));
    if (ours["@iw/core"] !== undefined) link(ours["@iw/core"], join(out, "node_modules", "@iw", "core"));
    return out;
  };
  const testkit = build("testkit", { "@iw/core": core });
  const cli = build("cli", { "@iw/core": core, "@iw/testkit": testkit });
  const logstash = build("sink-logstash", { "@iw/core": core });
  link(core, join(app, "node_modules", "@iw", "core"));
  link(cli, join(app, "node_modules", "@iw", "cli"));
  link(logstash, join(app, "node_modules", "@iw", "sink-logstash"));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "iw-cli-app", private: true, type: "module" }));
  return app;
}

let app: string;
let receiver: LogstashReceiver | undefined;
beforeAll(() => {
  app = buildApp();
}, 240_000);
afterAll(() => rmSync(app, { recursive: true, force: true }));
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** `node node_modules/@iw/cli/dist/bin.js <args>` in the app, with only PATH and `env`. */
function iwSinks(args: readonly string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [join(app, "node_modules", "@iw", "cli", "dist", "bin.js"), ...args], {
    cwd: app,
    env: { PATH: process.env["PATH"] ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exit, out: () => stdout, err: () => stderr };
}

describe("the iw-sinks binary, installed in an application", () => {
  it("finds the sink packages the application has, names the one it lacks, and tests the others", async () => {
    receiver = await startLogstashReceiver();
    const env = { IW_ELK_URL: receiver.url, IW_WEBHOOK_URL: "http://127.0.0.1:9/hook" };
    const doctor = iwSinks(["doctor"], env);
    expect(await doctor.exit).toBe(1);
    expect(doctor.out()).toContain("✓ logstash  IW_ELK_URL is set (@iw/sink-logstash)");
    expect(doctor.out()).toContain("✓ http      POST [] → 200: accepted an empty batch (no event is created)");
    expect(doctor.out()).toMatch(
      /✗ webhook {2}IW_WEBHOOK_URL is set \(@iw\/sink-webhook\) — would not start\n {4}✗ IW_WEBHOOK_URL is set but @iw\/sink-webhook is not installed: .*@iw\/sink-webhook/,
    );

    const test = iwSinks(["test", "--sink", "logstash"], env);
    expect(await test.exit).toBe(0);
    expect(test.out()).toMatch(/^✓ logstash {2}delivered 2 test events \(/m);
    expect(receiver.events.map((e) => e["test"])).toEqual([true, true]);
  }, 60_000);

  it("listens until SIGINT, then prints the counts and exits 0", async () => {
    const listen = iwSinks(["listen", "logstash", "--logstash-port", "0"], {});
    await waitFor(() => /IW_ELK_URL=(\S+)/.test(listen.out()), { timeoutMs: 20_000, what: "listen's start lines" });
    const url = /IW_ELK_URL=(\S+)/.exec(listen.out())![1]!;
    expect((await run(["test"], { IW_ELK_URL: url })).code).toBe(0);
    await waitFor(() => (listen.out().match(/\[test\]/g) ?? []).length === 2, { timeoutMs: 10_000, what: "two events printed" });
    listen.child.kill("SIGINT");
    expect(await listen.exit).toBe(0);
    expect(listen.out()).toContain("received 2 events: scan 1 (block 1); audit 1 (admin 1)");
    expect(listen.err()).toBe("");
  }, 60_000);
});
