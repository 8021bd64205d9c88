import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCorePackage, CORE_DIR } from "./helpers/build-dist.js";

/*
 * Runs a host application in a child `node` on the BUILT package (no vitest resolution, no
 * `@iw/source` condition): what a real host sees.
 */

let app: string;
beforeAll(() => {
  const pkg = buildCorePackage();
  app = mkdtempSync(join(tmpdir(), "iw-host-"));
  mkdirSync(join(app, "node_modules", "@iw"), { recursive: true });
  symlinkSync(pkg, join(app, "node_modules", "@iw", "core"), "dir");
  // zod is resolvable from the app too, so a wrongly loaded zod shows up in the trace, not as a crash.
  symlinkSync(join(CORE_DIR, "node_modules", "zod"), join(app, "node_modules", "zod"), "dir");
  cpSync(join(CORE_DIR, "test", "fixtures"), join(app), { recursive: true });
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "host", private: true, type: "module" }));
}, 120_000);
afterAll(() => rmSync(app, { recursive: true, force: true }));

interface Report {
  noop: boolean;
  sinks: string[] | null;
  rejected: string | null;
  baseline: string[];
  resources: string[];
  cjs: string[];
}

function runHost(env: Record<string, string>): { report: Report; trace: string[]; stderr: string } {
  const traceFile = join(app, `trace-${Date.now()}-${Math.random()}.txt`);
  writeFileSync(traceFile, "");
  const child = spawnSync(process.execPath, ["--import", "./trace-register.mjs", "activate-app.mjs"], {
    cwd: app,
    env: { PATH: process.env["PATH"] ?? "", IW_TRACE_OUT: traceFile, IW_APP_ENV: JSON.stringify(env) },
    encoding: "utf8",
    timeout: 30_000,
  });
  if (child.status !== 0) throw new Error(`host exited with ${child.status}: ${child.stderr}`);
  const out = child.stdout;
  const stderr = child.stderr;
  const trace = readFileSync(traceFile, "utf8").split("\n").filter(Boolean);
  return { report: JSON.parse(out.trim().split("\n").pop()!) as Report, trace, stderr };
}

const FORBIDDEN = /\/(zod|undici|tsyringe|reflect-metadata|@msgpack|msgpack)\/|sink-(logstash|fluentd|webhook)/;
const BUSY = /Timeout|Immediate|TCP|UDP|Socket|FSReq|GetAddrInfo|Worker/;

describe("zero overhead when no sink is configured", () => {
  it("loads no third-party or sink module and holds no socket or timer", () => {
    const { report, trace } = runHost({});
    expect(report.noop).toBe(true);
    const core = trace.filter((u) => u.includes("/iw-core-build-"));
    expect(core.length).toBeGreaterThan(5); // the trace works: core's own modules are in it
    expect(trace.filter((u) => FORBIDDEN.test(u))).toEqual([]);
    expect(trace.filter((u) => u.includes("config-parse") || u.includes("/schema/"))).toEqual([]);
    expect(report.cjs.filter((u) => FORBIDDEN.test(u))).toEqual([]);
    expect(report.resources.filter((r) => BUSY.test(r))).toEqual([]);
    expect([...report.resources].sort()).toEqual([...report.baseline].sort()); // nothing new at all
  });

  it("does load zod once a sink variable is set (the trace would see it)", () => {
    const { report, trace } = runHost({ IW_SINK_PLUGINS: "./fixture-plugin.mjs", IW_FIXTURE_URL: "http://127.0.0.1:9" });
    expect(report.sinks).toEqual(["fixture"]);
    expect(trace.some((u) => /\/zod\//.test(u))).toBe(true);
    expect(trace.some((u) => u.includes("config-parse"))).toBe(true);
  });
});

describe("built-in sink packages resolved from the application", () => {
  it("names the variable and the package to install when a built-in is missing", () => {
    const { report, stderr } = runHost({ IW_ELK_URL: "http://127.0.0.1:9" });
    expect(report.noop).toBe(true);
    const lines = stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: "error",
      logger: "iw",
      msg: "IW_ELK_URL is set but @iw/sink-logstash is not installed: npm i @iw/sink-logstash (pnpm add @iw/sink-logstash)",
      variable: "IW_ELK_URL",
      code: "IW_PLUGIN_MISSING",
    });
  });

  it("rejects in strict mode with one clear line per missing package", () => {
    const { report } = runHost({
      IW_ELK_URL: "http://127.0.0.1:9",
      IW_WEBHOOK_SOC_URL: "https://soc.example",
      IW_SINKS_STRICT: "1",
      IW_LOG_LEVEL: "off",
    });
    expect(report.rejected).toBe(
      "2 sink configuration errors (IW_SINKS_STRICT):\n" +
        "  - IW_ELK_URL is set but @iw/sink-logstash is not installed: npm i @iw/sink-logstash (pnpm add @iw/sink-logstash)\n" +
        "  - IW_WEBHOOK_URL (or a named instance) is set but @iw/sink-webhook is not installed: npm i @iw/sink-webhook (pnpm add @iw/sink-webhook)",
    );
  });
});
