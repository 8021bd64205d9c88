#!/usr/bin/env node
// The packages as a user installs them, outside the monorepo.
//
//   pnpm build && node scripts/consumer-check/run.mjs      (or `pnpm consumer-check`)
//
// Builds nothing: it packs the built packages (`pnpm pack`, which rewrites `workspace:` ranges as
// publishing does), checks what the tarballs contain, serves them from a throwaway local registry
// (only the @iw scope; everything else comes from the npm registry) and, for each sink, creates
// fresh apps in a temp directory that run the README's install line with npm and with pnpm
// (isolated layout, no hoisting, strict peers). In each app:
//   - JavaScript: `node app.mjs <sink>` activates the sink from its variable against a loopback
//     receiver, emits, closes, and checks delivery and that app and sink share one @iw/core;
//   - TypeScript: `tsc --noEmit` (skipLibCheck off) on a file using the public API, for each
//     module resolution (node16, nodenext, bundler) × TypeScript version × @types/node version,
//     plus `types: []` with the default lib (TypeScript 6+'s default: no @types/node at all).
// Then scenarios: a sink installed alone, a missing sink package, a sink whose @iw/core peer does
// not match. Prints the matrix and exits 1 on any failure.
//
// TypeScript and @types/node versions are installed once into a cache directory
// ($IW_CONSUMER_CACHE, default ~/.cache/iw-consumer-check) and reused across runs; npm and pnpm
// use their usual shared cache and store. IW_CONSUMER_TS / IW_CONSUMER_TYPES_NODE (comma lists)
// override the versions; --keep keeps the temp directory.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, posix, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startRegistry, tarballManifest } from "./registry.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const FIXTURES = join(HERE, "fixtures");
const started = Date.now();

/**
 * The oldest TypeScript that works (5.4: zod 4's declarations use NoInfer; 5.3 fails) and the
 * newest on the registry (7.0, the native compiler).
 */
const TS_VERSIONS = (process.env.IW_CONSUMER_TS ?? "5.4.5,7.0.2")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
/** The oldest @types/node of the Node 20 line we test and the current one. */
const TYPES_NODE = (process.env.IW_CONSUMER_TYPES_NODE ?? "20.11.30,26.6.6")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
const RESOLUTIONS = {
  node16: { module: "node16", moduleResolution: "node16" },
  nodenext: { module: "nodenext", moduleResolution: "nodenext" },
  bundler: { module: "esnext", moduleResolution: "bundler" },
};
/**
 * Sinks the JavaScript check delivers through (an http:// URL on a loopback receiver; Fluentd's
 * is in_http). Any other published @iw/sink-* package is imported and its plugin checked only.
 */
const DELIVERS_OVER_HTTP = new Set(["@iw/sink-logstash", "@iw/sink-fluentd", "@iw/sink-webhook"]);
const PMS = ["npm", "pnpm"];
const KEEP = process.argv.includes("--keep");
const CACHE = process.env.IW_CONSUMER_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "iw-consumer-check");

const failures = [];
const fail = (what, detail) => failures.push({ what, detail: String(detail ?? "").trim() });
const log = (...a) => console.error(`[consumer-check ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s]`, ...a);

// Children get a clean environment: none of the npm_config_* / pnpm settings of a `pnpm run`.
const CLEAN_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_|PNPM_|INIT_CWD$|NODE_OPTIONS$)/i.test(k) && !k.startsWith("IW_")),
);

function run(cmd, args, { cwd, env = {}, timeoutMs = 300_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...CLEAN_ENV, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: `${stderr}${err.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : -1),
        stdout,
        stderr: signal ? `${stderr}\n(killed: ${signal}, timeout ${timeoutMs} ms)` : stderr,
      });
    });
  });
}

async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/**
 * tsc's errors, split into ours (anything not inside @types/node) and the toolchain's: an old
 * @types/node under a new TypeScript (or the reverse) fails to compile whatever the app holds.
 */
function classify(r) {
  if (r.code === 0) return { ours: [], toolchain: [] };
  const blocks = [];
  for (const line of `${r.stdout}\n${r.stderr}`.split("\n")) {
    if (/^\S.*\(\d+,\d+\): error TS\d+/.test(line) || /^error TS\d+/.test(line)) blocks.push(line);
    else if (blocks.length > 0 && line.trim() !== "") blocks[blocks.length - 1] += `\n${line}`;
  }
  if (blocks.length === 0) return { ours: [tail(r)], toolchain: [] };
  const toolchain = blocks.filter((b) => /[\\/]@types[\\/]node[\\/]/.test(b.split("(")[0]));
  return { ours: blocks.filter((b) => !toolchain.includes(b)), toolchain };
}

/** Which package an error is in: `@iw/sink-x`, a third-party package, or the app itself. */
function culprit(block) {
  const file = block.split("(")[0].replace(/\\/g, "/");
  const m = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(file);
  return m ? m[1] : "the app";
}

const tail = (r, n = 25) => `${r.stdout}\n${r.stderr}`.trim().split("\n").slice(-n).join("\n");

// ---------------------------------------------------------------------------------------------
// 1. Pack the published packages and check what the tarballs hold.

/** The non-private packages under packages/ that git tracks (what a clean clone, and CI, has). */
async function publishedPackages() {
  const r = await run("git", ["ls-files", "--", "packages/*/package.json"], { cwd: ROOT });
  const tracked =
    r.code === 0 ? r.stdout.split("\n").filter(Boolean) : readdirSync(join(ROOT, "packages")).map((d) => `packages/${d}/package.json`);
  return tracked
    .filter((f) => /^packages\/[^/]+\/package\.json$/.test(f) && existsSync(join(ROOT, f)))
    .map((f) => join(ROOT, dirname(f)))
    .map((dir) => ({ dir, json: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
    .filter((p) => p.json.private !== true);
}

function exportTargets(exp, out = []) {
  if (typeof exp === "string") out.push(exp);
  else if (exp && typeof exp === "object") for (const v of Object.values(exp)) exportTargets(v, out);
  return out;
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** What a user gets: files the package points at exist, source maps resolve, metadata is complete. */
function checkTarballContents(name, pkgDir) {
  const problems = [];
  const json = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const has = (rel) => existsSync(join(pkgDir, rel));
  for (const t of [json.main, json.types, ...exportTargets(json.exports)].filter(Boolean)) {
    if (!has(t)) problems.push(`package.json points at ${t}, which is not in the tarball`);
  }
  const unmapped = [];
  const maps = walk(join(pkgDir, "dist")).filter((f) => f.endsWith(".map"));
  for (const file of maps) {
    const map = JSON.parse(readFileSync(file, "utf8"));
    for (const s of map.sources ?? [])
      if (!existsSync(join(dirname(file), map.sourceRoot ?? "", s))) unmapped.push(`${relative(pkgDir, file)} → ${s}`);
  }
  if (unmapped.length > 0)
    problems.push(`${unmapped.length} of ${maps.length} source maps point at files not in the tarball (${unmapped[0]}, …)`);
  if (JSON.stringify(json).includes("workspace:")) problems.push("a workspace: range survived packing");
  for (const field of ["description", "license", "homepage", "keywords"])
    if (!json[field] || json[field].length === 0) problems.push(`no "${field}"`);
  if (!json.repository?.url || !json.repository?.directory) problems.push(`"repository" needs url and directory`);
  if (!json.bugs?.url && typeof json.bugs !== "string") problems.push(`no "bugs"`);
  if (name !== "@iw/core") {
    if (!json.peerDependencies?.["@iw/core"]) problems.push("@iw/core is not a peer dependency");
    if (json.dependencies?.["@iw/core"])
      problems.push("@iw/core is a regular dependency (a second copy of core for whoever installs another version)");
  }
  // README links must work on the registry page: a relative link must name a file in the package.
  const readme = has("README.md") ? readFileSync(join(pkgDir, "README.md"), "utf8") : "";
  if (readme === "") problems.push("no README.md");
  for (const m of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1].split("#")[0];
    if (target === "" || /^[a-z]+:/i.test(target)) continue;
    if (!has(posix.normalize(target))) problems.push(`README links to ${m[1]}, which is not in the package (use an absolute URL)`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// 2. Tools: each TypeScript and @types/node version installed once, reused across runs.

async function installTool(spec) {
  const dir = join(CACHE, "tools", spec.replace("/", "+"));
  const marker = join(dir, ".installed");
  if (existsSync(marker)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "iw-consumer-tool", private: true }));
  const r = await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", spec], { cwd: dir });
  if (r.code !== 0) throw new Error(`npm install ${spec} failed:\n${tail(r)}`);
  writeFileSync(marker, new Date().toISOString());
  return dir;
}

function tscBin(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, "node_modules", "typescript", "package.json"), "utf8"));
  const bin = typeof pkg.bin === "string" ? pkg.bin : pkg.bin.tsc;
  return { version: pkg.version, bin: join(dir, "node_modules", "typescript", bin) };
}

// ---------------------------------------------------------------------------------------------
// 3. Apps.

function npmrc(pm, registry, { strict = true } = {}) {
  const lines = [`@iw:registry=${registry}`];
  // pnpm as strict as it gets: isolated layout, nothing hoisted (not even privately), peers checked.
  if (pm === "pnpm") lines.push("node-linker=isolated", "hoist=false", "public-hoist-pattern=", `strict-peer-dependencies=${strict}`);
  return lines.join("\n") + "\n";
}

function newApp(work, id, pm, registry, opts) {
  const dir = join(work, "apps", id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: `iw-consumer-${id}`, version: "1.0.0", private: true, type: "module" }, null, 2),
  );
  writeFileSync(join(dir, ".npmrc"), npmrc(pm, registry, opts));
  return dir;
}

/** The README line: `npm i …` / `pnpm add …`. */
function addArgs(pm, specs, dev = false) {
  if (pm === "npm")
    return ["install", ...(dev ? ["--save-dev"] : []), "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...specs];
  return ["add", ...(dev ? ["--save-dev"] : []), "--prefer-offline", "--reporter=append-only", ...specs];
}

async function add(pm, dir, specs, dev = false, extra = []) {
  return run(pm, [...addArgs(pm, specs, dev), ...extra], { cwd: dir, env: { CI: "1" } });
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const packages = await publishedPackages();
  for (const p of packages) {
    if (!existsSync(join(p.dir, "dist", "index.js")) || !existsSync(join(p.dir, "dist", "index.d.ts"))) {
      console.error(`${p.json.name} is not built (no dist/index.js or dist/index.d.ts): run \`pnpm build\` first.`);
      process.exit(2);
    }
  }
  const work = mkdtempSync(join(tmpdir(), "iw-consumer-"));
  log(`work directory ${work}; tool cache ${CACHE}`);
  const tarballs = join(work, "tarballs");
  mkdirSync(tarballs);

  // Tools install in the background while packing and installing apps.
  const tools = Promise.all([
    ...TS_VERSIONS.map(async (v) => ({ kind: "ts", v, ...tscBin(await installTool(`typescript@${v}`)) })),
    ...TYPES_NODE.map(async (v) => ({ kind: "types", v, dir: await installTool(`@types/node@${v}`) })),
  ]);
  tools.catch(() => undefined);

  const packed = {};
  const contents = [];
  for (const p of packages) {
    const before = new Set(readdirSync(tarballs));
    const r = await run("pnpm", ["pack", "--pack-destination", tarballs], { cwd: p.dir });
    const tgz = readdirSync(tarballs).find((f) => !before.has(f));
    if (r.code !== 0 || tgz === undefined) {
      fail(`pnpm pack ${p.json.name}`, tail(r));
      continue;
    }
    packed[p.json.name] = join(tarballs, tgz);
    const x = join(work, "extract", p.json.name.replace("/", "+"));
    mkdirSync(x, { recursive: true });
    await run("tar", ["-xzf", join(tarballs, tgz), "-C", x]);
    const problems = checkTarballContents(p.json.name, join(x, "package"));
    contents.push({ name: p.json.name, tgz, problems, kib: Math.round(statSync(join(tarballs, tgz)).size / 1024) });
    for (const problem of problems) fail(`tarball ${p.json.name}`, problem);
  }
  if (!packed["@iw/core"]) throw new Error("@iw/core could not be packed");

  // A core of the next minor version, to see what a sink whose peer range it leaves does.
  const coreManifest = tarballManifest(packed["@iw/core"]);
  const [maj, min] = coreManifest.version.split(/[.-]/).map(Number);
  const otherCore = `${maj}.${min + 1}.0`;
  const other = join(work, "other-core");
  mkdirSync(other);
  await run("tar", ["-xzf", packed["@iw/core"], "-C", other]);
  writeFileSync(join(other, "package", "package.json"), JSON.stringify({ ...coreManifest, version: otherCore }, null, 2));
  const otherTgz = join(work, `iw-core-${otherCore}.tgz`);
  await run("tar", ["-czf", otherTgz, "-C", other, "package"]);

  const registry = await startRegistry([...Object.values(packed), otherTgz]);
  log(`packed ${Object.keys(packed).join(", ")}; local registry ${registry.url}`);
  try {
    const core = await import(pathToFileURL(join(ROOT, "packages", "core", "dist", "inspect.js")).href); // BUILTIN_SINKS
    const sinks = Object.keys(packed)
      .filter((name) => name.startsWith("@iw/sink-"))
      .map((pkg) => ({ pkg, short: pkg.replace("@iw/sink-", ""), env: core.BUILTIN_SINKS.find((b) => b.module === pkg)?.env }));
    await matrix(work, registry.url, tools, contents, sinks);
  } finally {
    await registry.close();
    if (!KEEP) rmSync(work, { recursive: true, force: true });
    else log(`kept ${work}`);
  }
}

async function matrix(work, registry, toolsPromise, contents, sinks) {
  // --- installs -------------------------------------------------------------------------------
  const apps = [];
  for (const pm of PMS) {
    // The README line of each sink, alone in its app: install, run, and one type check.
    for (const s of sinks)
      apps.push({
        id: `${pm}-${s.short}`,
        pm,
        sink: s,
        ts: `${s.short}.ts`,
        label: `core + sink-${s.short}`,
        full: false,
        steps: [{ specs: ["@iw/core", s.pkg] }],
      });
    // Every sink at once (a multi-destination host): the whole type-check matrix. The packages
    // load zod's declarations once per program, so one program per layout keeps the matrix fast;
    // pnpm's isolated layout still resolves each sink's declarations from its own dependencies.
    apps.push({
      id: `${pm}-all`,
      pm,
      ts: "all.ts",
      label: "core + every sink",
      full: true,
      steps: [{ specs: ["@iw/core", ...sinks.map((s) => s.pkg)] }],
    });
    // docs/writing-a-sink.md's lines: a sink author with zod and @iw/testkit.
    apps.push({
      id: `${pm}-author`,
      pm,
      author: true,
      ts: "author.ts",
      label: "sink author: core + zod + testkit",
      full: true,
      steps: [{ specs: ["@iw/core", "zod@^4"] }, { specs: ["@iw/testkit", "vitest"], dev: true }],
    });
  }
  const scenarios = [];
  for (const pm of PMS) {
    scenarios.push({ id: `${pm}-alone`, pm, steps: [{ specs: ["@iw/sink-logstash"] }] });
    scenarios.push({ id: `${pm}-mismatch`, pm, strict: false, steps: [{ specs: [`@iw/core@${"OTHER"}`, "@iw/sink-logstash"] }] });
  }
  const otherCore = readdirSync(work)
    .find((f) => /^iw-core-.*\.tgz$/.test(f))
    .replace(/^iw-core-|\.tgz$/g, "");
  for (const s of scenarios) s.steps[0].specs = s.steps[0].specs.map((x) => x.replace("OTHER", otherCore));

  await pool([...apps, ...scenarios], 3, async (app) => {
    app.dir = newApp(work, app.id, app.pm, registry, { strict: app.strict ?? true });
    const t0 = Date.now();
    for (const step of app.steps) {
      const r = await add(app.pm, app.dir, step.specs, step.dev);
      app.install = {
        code: r.code,
        out: tail(r, 40),
        line: `${app.pm} ${app.pm === "npm" ? "i" : "add"}${step.dev ? " -D" : ""} ${step.specs.join(" ")}`,
      };
      if (r.code !== 0) break;
    }
    app.installMs = Date.now() - t0;
    log(`${app.id}: ${app.install.line} → exit ${app.install.code} (${(app.installMs / 1000).toFixed(1)} s)`);
  });
  for (const app of apps) if (app.install.code !== 0) fail(`install ${app.id}: ${app.install.line}`, app.install.out);

  // --- JavaScript -----------------------------------------------------------------------------
  const js = new Map();
  await pool(
    apps.filter((a) => a.install.code === 0 && (a.sink !== undefined || a.author)),
    2,
    async (app) => {
      cpSync(join(FIXTURES, "app.mjs"), join(app.dir, "app.mjs"));
      cpSync(join(FIXTURES, "author-app.mjs"), join(app.dir, "author-app.mjs"));
      const args = app.author
        ? ["author-app.mjs"]
        : [
            "app.mjs",
            app.sink.pkg,
            app.sink.env ?? "IW_UNKNOWN_URL",
            DELIVERS_OVER_HTTP.has(app.sink.pkg) && app.sink.env ? "deliver" : "import",
          ];
      const r = await run("node", args, { cwd: app.dir, timeoutMs: 60_000 });
      js.set(app.id, r.code === 0);
      if (r.code !== 0) fail(`JS ${app.id}`, tail(r));
    },
  );
  log("JavaScript consumers done");

  // --- TypeScript -----------------------------------------------------------------------------
  const tools = await toolsPromise;
  const tsTools = tools.filter((t) => t.kind === "ts");
  const typesTools = tools.filter((t) => t.kind === "types");
  const typeCols = [
    ...typesTools.map((t) => ({ label: `@types/node ${t.v}`, short: t.v, dir: t.dir })),
    { label: "no @types/node", short: "none", dir: undefined },
  ];
  const ts = new Map();
  const toolchainNotes = new Set();
  const tscMs = [];
  const jobs = [];
  for (const app of apps.filter((a) => a.install.code === 0)) {
    for (const f of readdirSync(join(FIXTURES, "ts"))) cpSync(join(FIXTURES, "ts", f), join(app.dir, f));
    for (const s of sinks) {
      // A sink without its own fixture: its plugin, registered in code.
      if (existsSync(join(app.dir, `${s.short}.ts`))) continue;
      writeFileSync(
        join(app.dir, `${s.short}.ts`),
        `import { activate } from "@iw/core";\nimport { plugin } from "${s.pkg}";\nimport "./core.js";\n\nexport const used = activate({ plugins: [plugin] });\n`,
      );
    }
    writeFileSync(join(app.dir, "all.ts"), sinks.map((s) => `import "./${s.short}.js";\n`).join(""));
    // Apps of one sink: the newest TypeScript, nodenext, the current @types/node.
    const resolutions = app.full ? Object.entries(RESOLUTIONS) : [["nodenext", RESOLUTIONS.nodenext]];
    for (const [res, opts] of resolutions) {
      for (const col of app.full ? typeCols : typeCols.slice(-2, -1)) {
        // Without @types/node: TypeScript 6+'s default (`types: []`) and the default lib (DOM).
        // With: a Node project's usual setup (lib ES2023, no DOM, `types: ["node"]`).
        const types =
          col.dir === undefined
            ? { types: [] }
            : { lib: ["ES2023"], types: ["node"], typeRoots: [join(col.dir, "node_modules", "@types")] };
        const file = `tsconfig.${res}.${col.short}.json`;
        writeFileSync(
          join(app.dir, file),
          JSON.stringify(
            { compilerOptions: { ...opts, target: "ES2022", strict: true, noEmit: true, skipLibCheck: false, ...types }, files: [app.ts] },
            null,
            2,
          ),
        );
        for (const t of app.full ? tsTools : tsTools.slice(-1)) {
          // @iw/testkit is a Node test tool: its declarations use node:http (README: needs @types/node).
          if (app.author && col.dir === undefined) continue;
          jobs.push({ app, res, col, t, file });
        }
      }
    }
  }
  await pool(jobs, 2, async (job) => {
    const t0 = Date.now();
    const r = await run("node", [job.t.bin, "-p", job.file], { cwd: job.app.dir, timeoutMs: 180_000 });
    tscMs.push({ ms: Date.now() - t0, what: `${job.t.version} ${job.app.id} ${job.res} ${job.col.short}` });
    const { ours, toolchain } = classify(r);
    const key = `${job.app.id}|${job.res}|${job.col.short}|${job.t.v}`;
    // A failing cell names the packages whose declarations (or the fixture) the errors are in.
    const culprits = [...new Set(ours.map(culprit))].join(", ");
    ts.set(key, ours.length === 0 ? (toolchain.length === 0 ? true : "toolchain") : { failed: culprits });
    if (ours.length > 0) fail(`tsc ${job.t.version} ${job.app.id} ${job.res} ${job.col.label}`, ours.slice(0, 12).join("\n"));
    if (toolchain.length > 0)
      toolchainNotes.add(
        `TypeScript ${job.t.version} × ${job.col.label}: ${toolchain.length} error(s) inside @types/node itself, e.g. ${toolchain[0].replace(/^.*node_modules\//, "")}`,
      );
  });
  tscMs.sort((a, b) => b.ms - a.ms);
  log(
    `TypeScript consumers done (${jobs.length} tsc runs; slowest ${tscMs
      .slice(0, 3)
      .map((t) => `${t.what} ${(t.ms / 1000).toFixed(1)} s`)
      .join(", ")})`,
  );

  // --- scenarios ------------------------------------------------------------------------------
  const scenarioRows = await runScenarios(work, apps, scenarios);

  // --- report ---------------------------------------------------------------------------------
  const out = [];
  out.push("", "## Tarballs", "", "| package | size | contents and metadata |", "|---|---|---|");
  for (const c of contents) out.push(`| ${c.name} (${c.tgz}) | ${c.kib} KiB | ${c.problems.length === 0 ? "ok" : c.problems.join("; ")} |`);
  const cols = tsTools.flatMap((t) => typeCols.map((c) => ({ t, c })));
  const mark = (v) =>
    v === undefined ? "–" : v === "toolchain" ? "✓¹" : v === true ? "✓" : v && typeof v === "object" ? `✗ ${v.failed}` : "✗";
  const newest = tsTools[tsTools.length - 1];
  const current = typeCols[typeCols.length - 2];
  out.push(
    "",
    "## One sink per app",
    "",
    `Each sink's README line in a fresh app; JS: \`node app.mjs\` (activate from the variable, deliver to a loopback receiver, one @iw/core); TS: \`tsc --noEmit\` with TypeScript ${newest?.version}, nodenext, ${current?.label}.`,
    "",
  );
  out.push("| app | install | JS run | TS |", "|---|---|---|---|");
  for (const app of apps.filter((a) => !a.full))
    out.push(
      `| ${app.pm}: \`${app.install?.line ?? app.id}\` | ${mark(app.install?.code === 0)} | ${mark(js.get(app.id))} | ${mark(ts.get(`${app.id}|nodenext|${current?.short}|${newest?.v}`))} |`,
    );
  out.push("", "## Consumer matrix", "");
  out.push(
    `TypeScript ${tsTools.map((t) => t.version).join(", ")} (tsc --noEmit, strict, skipLibCheck off) × @types/node ${typesTools.map((t) => t.v).join(", ")} (lib ES2023, types ["node"]) or none (types [], default lib); ✓ pass, ✗ fail, – not applicable.`,
    "",
  );
  out.push(`| app | install | JS run | resolution | ${cols.map(({ t, c }) => `TS ${t.version} / ${c.short}`).join(" | ")} |`);
  out.push(`|---|---|---|---|${cols.map(() => "---").join("|")}|`);
  for (const app of apps.filter((a) => a.full)) {
    for (const [i, res] of Object.keys(RESOLUTIONS).entries()) {
      const first = i === 0;
      const cells = cols.map(({ t, c }) => mark(ts.get(`${app.id}|${res}|${c.short}|${t.v}`)));
      out.push(
        `| ${first ? `${app.pm}: ${app.label}` : ""} | ${first ? mark(app.install.code === 0) : ""} | ${first ? mark(js.get(app.id)) : ""} | ${res} | ${cells.join(" | ")} |`,
      );
    }
  }
  if (toolchainNotes.size > 0) {
    out.push(
      "",
      "¹ Our packages check clean; the only errors are inside @types/node, which does not compile under that TypeScript (not ours to fix; `skipLibCheck` hides them):",
    );
    for (const n of toolchainNotes) out.push(`- ${n}`);
  }
  out.push("", "## Scenarios", "", "| scenario | expected | observed | |", "|---|---|---|---|");
  for (const s of scenarioRows)
    out.push(`| ${s.name} | ${s.expected} | ${s.observed.replace(/\|/g, "\\|").replace(/\n/g, " ")} | ${mark(s.ok)} |`);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  out.push("", `${failures.length === 0 ? "All checks passed" : `${failures.length} failure(s)`} in ${seconds} s.`);
  console.log(out.join("\n"));
  if (failures.length > 0) {
    console.log("\n## Failures\n");
    for (const f of failures) console.log(`### ${f.what}\n\n\`\`\`\n${f.detail}\n\`\`\`\n`);
  }
}

async function runScenarios(work, apps, scenarios) {
  const rows = [];
  const check = (name, expected, observed, ok) => {
    rows.push({ name, expected, observed, ok });
    if (!ok) fail(`scenario: ${name}`, `expected: ${expected}\nobserved: ${observed}`);
  };
  const probe = join(FIXTURES, "probe.mjs");
  for (const pm of PMS) {
    // A sink installed alone: the peer is installed for it, but the app must list @iw/core to import it.
    const alone = scenarios.find((s) => s.id === `${pm}-alone`);
    if (alone.install.code !== 0)
      check(`${alone.install.line} (sink alone)`, "installs", `exit ${alone.install.code}: ${alone.install.out}`, false);
    else {
      cpSync(probe, join(alone.dir, "probe.mjs"));
      const r = await run("node", ["probe.mjs", "import-core"], { cwd: alone.dir });
      const listed = Object.keys(JSON.parse(readFileSync(join(alone.dir, "package.json"), "utf8")).dependencies ?? {});
      const coreInstalled = existsSync(join(alone.dir, "node_modules", ".pnpm"))
        ? readdirSync(join(alone.dir, "node_modules", ".pnpm")).some((d) => d.startsWith("@iw+core@"))
        : existsSync(join(alone.dir, "node_modules", "@iw", "core"));
      const observed = `package.json lists ${listed.join(", ")}; @iw/core ${coreInstalled ? "installed as the peer" : "not installed"}; the app's import "@iw/core": ${r.stdout.trim() || tail(r, 3)}`;
      const expectImport =
        pm === "npm" ? "works (npm hoists the auto-installed peer)" : "fails (ERR_MODULE_NOT_FOUND): the app must add @iw/core itself";
      const ok = coreInstalled && (pm === "npm" ? r.stdout.includes("ok") : r.stdout.includes("ERR_MODULE_NOT_FOUND"));
      check(`${alone.install.line} (sink alone)`, `peer @iw/core installed; import ${expectImport}`, observed, ok);
    }
    // A set variable whose sink package is missing: the error names the line to run.
    const app = apps.find((a) => a.id === `${pm}-logstash` && a.install.code === 0);
    if (app) {
      cpSync(probe, join(app.dir, "probe.mjs"));
      const r = await run("node", ["probe.mjs", "missing"], { cwd: app.dir });
      const ok = r.stdout.includes("npm i @iw/sink-webhook") && r.stdout.includes("pnpm add @iw/sink-webhook");
      check(
        `${pm}: IW_WEBHOOK_URL set, @iw/sink-webhook not installed`,
        "one error naming `npm i @iw/sink-webhook` / `pnpm add @iw/sink-webhook`",
        r.stdout.trim() || tail(r, 5),
        ok,
      );
    }
    // A sink whose @iw/core peer range does not include the installed core.
    const mm = scenarios.find((s) => s.id === `${pm}-mismatch`);
    if (pm === "npm") {
      const refused = mm.install.code !== 0 && /ERESOLVE|peer/i.test(mm.install.out);
      check(
        `${mm.install.line} (peer range left)`,
        "npm refuses (ERESOLVE)",
        mm.install.code === 0
          ? "installed"
          : (mm.install.out.split("\n").find((l) => /ERESOLVE|Could not resolve/.test(l)) ?? `exit ${mm.install.code}`),
        refused,
      );
      const r = await add("npm", mm.dir, mm.steps[0].specs, false, ["--legacy-peer-deps"]);
      if (r.code !== 0) check("npm … --legacy-peer-deps (peer range left)", "installs", tail(r, 5), false);
      else await checkMismatch(mm, "npm … --legacy-peer-deps, IW_ELK_URL set", check);
    } else if (mm.install.code !== 0)
      check(`${mm.install.line} (peer range left)`, "installs with a peer warning", tail({ stdout: mm.install.out, stderr: "" }, 5), false);
    else await checkMismatch(mm, `${mm.install.line}, IW_ELK_URL set`, check);
  }
  return rows;
}

async function checkMismatch(mm, name, check) {
  cpSync(join(FIXTURES, "probe.mjs"), join(mm.dir, "probe.mjs"));
  const r = await run("node", ["probe.mjs", "mismatch"], { cwd: mm.dir });
  const ok = /needs @iw\/core/.test(r.stdout) && /npm i @iw\/core@/.test(r.stdout);
  check(name, "activate() reports the mismatch and the install line, the sink stays off", r.stdout.trim() || tail(r, 5), ok);
}

main().then(
  () => process.exit(failures.length === 0 ? 0 : 1),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
