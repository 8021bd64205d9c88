import { execFile, execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCorePackage, buildSinkPackage, CORE_DIR } from "./helpers/build-dist.js";

/*
 * The packages as users get them: `pnpm pack` of @iw/core, of the real @iw/sink-logstash (built
 * from its sources) and of a custom sink package (test/fixtures/sink-echo), installed into a
 * fresh application with pnpm's isolated layout, run with IW_ELK_URL and IW_SINK_PLUGINS +
 * IW_ECHO_URL set against a loopback Logstash-like receiver. The virtual store lives outside the application (as with pnpm's global
 * virtual store) and `hoist=false`, so @iw/core really cannot see the sink from its own location:
 * only resolving from the application finds it.
 */

const run = promisify(execFile);
const hasPnpm = (() => {
  try {
    execFileSync("pnpm", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!hasPnpm) console.warn("tarball test skipped: pnpm is not on PATH");

let work: string;
let server: Server | undefined;
const received: { path: string | undefined; contentType: string | undefined; body: unknown }[] = [];

function pack(dir: string, dest: string): string {
  execFileSync("pnpm", ["pack", "--pack-destination", dest], { cwd: dir, stdio: "pipe" });
  const tgz = readdirSync(dest).filter((f) => f.endsWith(".tgz"));
  return join(dest, tgz.sort().pop()!);
}

beforeAll(async () => {
  if (!hasPnpm) return;
  work = mkdtempSync(join(tmpdir(), "iw-tarball-"));
  const built = buildCorePackage();
  const core = join(work, "core");
  mkdirSync(core);
  cpSync(join(built, "package.json"), join(core, "package.json"));
  cpSync(join(built, "dist"), join(core, "dist"), { recursive: true });
  mkdirSync(join(work, "core-tgz"));
  const coreTgz = pack(core, join(work, "core-tgz"));
  const echo = join(work, "echo");
  cpSync(join(CORE_DIR, "test", "fixtures", "sink-echo"), echo, { recursive: true });
  mkdirSync(join(work, "echo-tgz"));
  const echoTgz = pack(echo, join(work, "echo-tgz"));
  const logstash = buildSinkPackage("sink-logstash", join(work, "logstash"));
  mkdirSync(join(work, "logstash-tgz"));
  const logstashTgz = pack(logstash, join(work, "logstash-tgz"));
  const app = join(work, "app");
  mkdirSync(app);
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({
      name: "iw-tarball-host",
      private: true,
      type: "module",
      dependencies: {
        "@iw/core": `file:${coreTgz}`,
        "@iw/sink-logstash": `file:${logstashTgz}`,
        "@iw-fixture/sink-echo": `file:${echoTgz}`,
      },
      pnpm: { overrides: { "@iw/core": `file:${coreTgz}` } },
    }),
  );
  cpSync(join(CORE_DIR, "test", "fixtures", "tarball-app.mjs"), join(app, "app.mjs"));
  execFileSync(
    "pnpm",
    [
      "install",
      "--prefer-offline",
      "--ignore-workspace",
      "--config.node-linker=isolated",
      "--config.hoist=false",
      `--config.virtual-store-dir=${join(work, "vstore")}`,
      "--no-frozen-lockfile",
      "--reporter=silent",
    ],
    {
      cwd: app,
      stdio: "pipe",
      env: { ...process.env, CI: "1" },
    },
  );
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        res.writeHead(400).end("bad json");
        return;
      }
      received.push({ path: req.url, contentType: req.headers["content-type"], body });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!hasPnpm)("packed @iw/core + sink installed with pnpm (isolated layout)", () => {
  it("activates the built-in and the custom sink from the environment and both deliver", async () => {
    const port = (server!.address() as AddressInfo).port;
    const { stdout } = await run(process.execPath, ["app.mjs"], {
      cwd: join(work, "app"),
      env: {
        PATH: process.env["PATH"] ?? "",
        IW_ELK_URL: `http://127.0.0.1:${port}/elk`,
        IW_ELK_FLUSH_MS: "10",
        IW_SINK_PLUGINS: "@iw-fixture/sink-echo",
        IW_ECHO_URL: `http://127.0.0.1:${port}/echo`,
        IW_ECHO_FLUSH_MS: "10",
        IW_LOG_LEVEL: "warn",
      },
      timeout: 30_000,
    });
    const report = JSON.parse(stdout.trim()) as {
      coreSeesSink: boolean;
      sinks: string[];
      drained: boolean;
      stats: { sink: string; delivered: number; emitted: number }[];
      ids: string[];
    };
    expect(report.coreSeesSink).toBe(false); // so resolving from the application is what made it work
    expect(report.sinks).toEqual(["echo", "logstash"]);
    expect(report.drained).toBe(true);
    // Each sink gets the app's 2 events and the lifecycle event announcing the other sink
    // (stats are read before close(), so the closing summary is not in them).
    expect(report.stats).toEqual([
      expect.objectContaining({ sink: "echo", emitted: 3, delivered: 3 }),
      expect.objectContaining({ sink: "logstash", emitted: 3, delivered: 3 }),
    ]);
    for (const [path, other] of [
      ["/elk", "echo"],
      ["/echo", "logstash"],
    ] as const) {
      const mine = received.filter((r) => r.path === path);
      expect(mine.length, path).toBeGreaterThan(0);
      expect(
        mine.every((r) => r.contentType?.startsWith("application/json")),
        path,
      ).toBe(true);
      const events = mine.flatMap(
        (r) => r.body as { event_id: string; log_type: string; category?: string; details?: { sink?: string } }[],
      );
      const lifecycle = events.filter((e) => e.category === "lifecycle");
      expect(
        lifecycle.map((e) => e.details?.sink),
        path,
      ).toEqual([other]);
      // close() summarises the last partial interval, which saw the app's scan.
      expect(
        events.filter((e) => e.log_type === "summary"),
        path,
      ).toHaveLength(1);
      const ids = events.filter((e) => e.category !== "lifecycle" && e.log_type !== "summary").map((e) => e.event_id);
      expect(ids.sort(), path).toEqual([...report.ids].sort());
    }
  }, 60_000);
});
