#!/usr/bin/env node
// Makes a fresh clone runnable: installs dependencies with pnpm (fetched through npx when it is
// not installed; a fresh machine has only Node and npm), then builds every package (turbo
// caches the build, so a second run costs about a second). Used by `npm run demo` and `npm test`.
//
// A cold build takes a minute or two, so every step says what it does and each package is
// reported when it is built. On a terminal a status line ticks the seconds; elsewhere (CI, a
// pipe) there are only plain lines, plus a "still building" line after 20 quiet seconds.
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PNPM = "pnpm@10.34.9";
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1" };
const tty = process.stderr.isTTY === true;
const HEARTBEAT_MS = 20_000;
const begun = Date.now();

const seconds = (since) => `${Math.round((Date.now() - since) / 1000)} s`;
let status = () => "";
let saidAt = Date.now();

/** One plain progress line (the status line, on a terminal, is redrawn under it). */
function say(line) {
  process.stderr.write(`${tty ? "\r\x1b[K" : ""}[bootstrap] ${line}\n`);
  saidAt = Date.now();
  if (tty && status() !== "") process.stderr.write(`[bootstrap] ${status()}`);
}

/** Ticks while `what` runs: a status line redrawn every second, or a line after a quiet spell. */
function ticking(what) {
  status = what;
  const timer = setInterval(() => {
    if (tty) process.stderr.write(`\r\x1b[K[bootstrap] ${status()}`);
    else if (Date.now() - saidAt >= HEARTBEAT_MS) say(`still ${status()}`);
  }, 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (tty) process.stderr.write("\r\x1b[K");
    status = () => "";
  };
}

function fail(command, code) {
  say(`\`${command}\` failed (exit ${code}); see the output above.`);
  process.exit(1);
}

/** Runs a command; its output goes to the terminal as it comes (`inherit`) or to `onLine`. */
function run(cmd, args, onLine) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ["ignore", onLine ? "pipe" : "inherit", onLine ? "pipe" : "inherit"] });
    for (const stream of onLine ? [child.stdout, child.stderr] : []) {
      let rest = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk) => {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop();
        for (const line of lines) onLine(line);
      });
      stream.on("end", () => rest !== "" && onLine(rest));
    }
    child.on("error", (err) => resolve(err.code ?? 1));
    child.on("close", (code, signal) => resolve(code ?? signal));
  });
}

function hasPnpm() {
  try {
    return execFileSync("pnpm", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).startsWith("10.");
  } catch {
    return false;
  }
}

let pnpm = ["pnpm"];
if (!hasPnpm()) {
  pnpm = ["npx", "-y", PNPM];
  say(`pnpm 10 is not installed: fetching ${PNPM} through npx…`);
  const stop = ticking(() => `fetching ${PNPM}… ${seconds(begun)}`);
  const output = [];
  const code = await run("npx", ["-y", PNPM, "--version"], (line) => output.push(line));
  stop();
  if (code !== 0) {
    process.stderr.write(output.join("\n") + "\n");
    fail(`npx -y ${PNPM} --version`, code);
  }
  say(`${PNPM} ready in ${seconds(begun)}`);
}
const pnpmRun = (args, onLine) => run(pnpm[0], [...pnpm.slice(1), ...args], onLine);

if (!existsSync(join(root, "node_modules", ".modules.yaml"))) {
  const since = Date.now();
  say("installing dependencies (pnpm install --frozen-lockfile)…");
  // pnpm shows its own progress; nothing is drawn over it.
  const code = await pnpmRun(["install", "--frozen-lockfile"]);
  if (code !== 0) fail("pnpm install --frozen-lockfile", code);
  say(`dependencies installed in ${seconds(since)}`);
}

// Always build: tests start child processes on the built packages, and turbo skips what is
// already up to date. Grouped logs: turbo prints a task's lines when the task has finished.
await build();
say(`ready in ${seconds(begun)}`);

async function build() {
  const since = Date.now();
  const args = ["run", "build", "--output-logs=full", "--log-order=grouped", "--ui=stream"];
  let total = "?";
  let done = 0;
  let cached = 0;
  let task;
  const other = [];
  const finish = () => {
    if (task === undefined) return;
    const failed = task.lines.some((l) => /ELIFECYCLE|\bERROR\b|error TS\d+/.test(l));
    if (failed) process.stderr.write(task.lines.map((l) => `${task.name}: ${l}`).join("\n") + "\n");
    else if (task.cached) (cached++, done++);
    else say(`  ${task.name} built (${++done}/${total}, ${seconds(since)})`);
    task = undefined;
  };
  const onLine = (raw) => {
    const line = raw.replace(/\x1b\[[0-9;]*m/g, "");
    const count = /Running build in (\d+) packages?/.exec(line);
    if (count) {
      total = count[1];
      return say(`building ${total} packages (turbo)…`);
    }
    const m = /^(\S+?)[:#]build: ?(.*)$/.exec(line);
    if (m === null) {
      finish();
      if (line.trim() !== "") other.push(line);
      return;
    }
    if (task?.name !== m[1]) {
      finish();
      task = { name: m[1], lines: [], cached: false };
    }
    if (/cache hit/.test(m[2])) task.cached = true;
    task.lines.push(m[2]);
  };
  const stop = ticking(() => `building: ${done}/${total} done, ${seconds(since)}`);
  const code = await pnpmRun(args, onLine);
  finish();
  stop();
  if (code !== 0) {
    // turbo's summary and error lines; not pnpm's script header or turbo's banner.
    process.stderr.write(other.filter((l) => !/^\s*[>•]/.test(l)).join("\n") + "\n");
    fail(`pnpm ${args.join(" ")}`, code);
  }
  if (cached > 0)
    say(`  ${cached === done && String(done) === total ? `all ${total}` : `${cached} of ${total}`} up to date (turbo's cache)`);
}
