import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** packages/core */
export const CORE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ROOT = join(CORE_DIR, "..", "..");

function hashSources(dir: string, h = createHash("sha256")): ReturnType<typeof createHash> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) hashSources(p, h);
    else h.update(relative(CORE_DIR, p)).update(readFileSync(p));
  }
  return h;
}

/**
 * Builds @iw/core's `src` with `tsc -p tsconfig.build.json` into a private directory that looks
 * like the installed package (`package.json`, `dist/`, `node_modules` → core's dependencies),
 * cached by a hash of the sources so test files share one build. The shared `packages/core/dist`
 * is never touched (other people's work-in-progress builds live there).
 */
export function buildCorePackage(): string {
  const hash = hashSources(join(CORE_DIR, "src"))
    .update(readFileSync(join(CORE_DIR, "package.json")))
    .digest("hex")
    .slice(0, 16);
  const dir = join(tmpdir(), `iw-core-build-${hash}`);
  if (existsSync(join(dir, "dist", "index.js"))) return dir;
  const work = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(work, { recursive: true });
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  try {
    execFileSync(
      process.execPath,
      [
        tsc,
        "-p",
        join(CORE_DIR, "tsconfig.build.json"),
        "--outDir",
        join(work, "dist"),
        "--declaration",
        "false",
        "--declarationMap",
        "false",
        "--sourceMap",
        "false",
      ],
      {
        stdio: "pipe",
      },
    );
  } catch (err) {
    // Type errors still emit JavaScript; only a missing output is fatal.
    if (!existsSync(join(work, "dist", "index.js"))) throw new Error(`tsc failed: ${String((err as { stdout?: Buffer }).stdout ?? err)}`);
  }
  copyFileSync(join(CORE_DIR, "package.json"), join(work, "package.json"));
  symlinkSync(join(CORE_DIR, "node_modules"), join(work, "node_modules"), "dir");
  try {
    renameSync(work, dir);
  } catch {
    rmSync(work, { recursive: true, force: true }); // another worker won the race
  }
  return dir;
}

/**
 * Builds a workspace sink package (`packages/<dir>`) into a private directory ready for
 * `pnpm pack`: `dist/` from `tsc -p tsconfig.build.json`, and its package.json with
 * `workspace:` dependencies and peer dependencies replaced by the version ranges users get and devDependencies dropped.
 */
export function buildSinkPackage(dir: string, out: string): string {
  const src = join(ROOT, "packages", dir);
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  mkdirSync(out, { recursive: true });
  try {
    execFileSync(
      process.execPath,
      [
        tsc,
        "-p",
        join(src, "tsconfig.build.json"),
        "--outDir",
        join(out, "dist"),
        "--declaration",
        "false",
        "--declarationMap",
        "false",
        "--sourceMap",
        "false",
      ],
      { stdio: "pipe" },
    );
  } catch (err) {
    if (!existsSync(join(out, "dist", "index.js")))
      throw new Error(`tsc failed for ${dir}: ${String((err as { stdout?: Buffer }).stdout ?? err)}`);
  }
  const pkg = JSON.parse(readFileSync(join(src, "package.json"), "utf8")) as Record<string, unknown> & {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  const coreVersion = (JSON.parse(readFileSync(join(CORE_DIR, "package.json"), "utf8")) as { version: string }).version;
  for (const deps of [pkg.dependencies, pkg.peerDependencies]) {
    for (const [name, range] of Object.entries(deps ?? {})) {
      if (range.startsWith("workspace:")) deps![name] = name === "@iw/core" ? `^${coreVersion}` : range.replace("workspace:", "");
    }
  }
  delete pkg["devDependencies"];
  delete pkg["scripts"];
  writeFileSync(join(out, "package.json"), JSON.stringify(pkg, null, 2));
  return out;
}
