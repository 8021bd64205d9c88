#!/usr/bin/env node
// Makes a fresh clone runnable: installs dependencies with pnpm (fetched through npx when it is
// not installed; a fresh machine has only Node and npm), then builds every package (turbo
// caches the build, so a second run costs about a second). Used by `npm run demo` and `npm test`.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PNPM = "pnpm@10.34.9";

function run(cmd, args) {
  try {
    execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } });
  } catch (err) {
    console.error(`[bootstrap] \`${cmd} ${args.join(" ")}\` failed (exit ${err.status ?? err.code}); see the output above.`);
    process.exit(1);
  }
}

function hasPnpm() {
  try {
    return execFileSync("pnpm", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).startsWith("10.");
  } catch {
    return false;
  }
}

const pnpm = hasPnpm() ? ["pnpm", []] : ["npx", ["-y", PNPM]];
const pnpmRun = (...args) => run(pnpm[0], [...pnpm[1], ...args]);

if (!existsSync(join(root, "node_modules", ".modules.yaml"))) {
  console.error("[bootstrap] installing dependencies (pnpm install --frozen-lockfile)…");
  pnpmRun("install", "--frozen-lockfile");
}
// Always build: tests start child processes on the built packages, and turbo skips what is
// already up to date.
console.error("[bootstrap] building packages (cached by turbo)…");
pnpmRun("run", "build", "--output-logs=errors-only");
