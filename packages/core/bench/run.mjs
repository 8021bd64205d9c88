// Core benchmark: `node bench/run.mjs` from packages/core after `npx tsc -p tsconfig.build.json`.
// Each part runs in its own child process (with --expose-gc) so they cannot disturb each other.
// Prints a Markdown table for BENCHMARKS.md; exits non-zero if the memory bound or the stats
// invariant is violated.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import os from "node:os";

const MEMORY_LIMIT_MB = 64;

function child(file, ...args) {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const r = spawnSync(process.execPath, ["--expose-gc", path, ...args], { encoding: "utf8", env: process.env, maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    process.stderr.write(r.stderr || r.stdout);
    process.exit(r.status ?? 1);
  }
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

const emit = child("./emit.mjs");
const base = emit.results["empty function call (baseline)"];
console.log(`## @iw/core — emit cost and memory under a dead collector\n`);
console.log(
  `Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}; ${emit.events.toLocaleString("en")} events per case, best of 3 rounds.\n`,
);
console.log("| case | ns/op | × baseline |");
console.log("|---|---:|---:|");
for (const [name, ns] of Object.entries(emit.results)) console.log(`| ${name} | ${ns.toFixed(1)} | ${(ns / base).toFixed(1)} |`);
console.log(
  `\nDelivery check (3 sinks, 20,000 events): emitted ${emit.check.emitted.join("/")}, delivered ${emit.check.delivered.join("/")}, dropped ${emit.check.dropped.join("/")}.\n`,
);

// Baseline: the same loop (building 1,000,000 events) into a dispatcher with no sink.
const baseMem = child("./memory.mjs", "baseline");
const mem = child("./memory.mjs");
const invariantOk = mem.violations === 0 && mem.accountedAfterClose;
const overPeak = mem.peakGrowthMB - baseMem.peakGrowthMB;
// The limit applies to what stays after a full GC (what the queue retains); the peak also
// holds V8's heap slack, which scales with the live heap, and is printed for information.
const memoryOk = mem.rssGrowthMB < MEMORY_LIMIT_MB;
const s = mem.after;
console.log("| 1,000,000 events, collector never answers (20 ms attempt timeout) | no sink (baseline) | dead collector |");
console.log("|---|---:|---:|");
console.log(`| emit loop time (s, incl. building events) | ${baseMem.emitSeconds.toFixed(2)} | ${mem.emitSeconds.toFixed(2)} |`);
console.log(`| send attempts | 0 | ${mem.sends.toLocaleString("en")} |`);
console.log(`| heap used after GC (MB) | ${baseMem.heapUsedMB.toFixed(1)} | ${mem.heapUsedMB.toFixed(1)} |`);
console.log(
  `| RSS growth after GC (MB, limit ${MEMORY_LIMIT_MB}) | ${baseMem.rssGrowthMB.toFixed(1)} | ${mem.rssGrowthMB.toFixed(1)} ${mem.rssGrowthMB < MEMORY_LIMIT_MB ? "✅" : "❌"} |`,
);
console.log(
  `| peak RSS growth (MB, sampled every 1,000 events; includes GC slack) | ${baseMem.peakGrowthMB.toFixed(1)} | ${mem.peakGrowthMB.toFixed(1)} (+${overPeak.toFixed(1)}) |`,
);
console.log(
  `| dropped queue_full / closed / other | – | ${s.dropped.queue_full.toLocaleString("en")} / ${s.dropped.closed.toLocaleString("en")} / ${(s.dropped.total - s.dropped.queue_full - s.dropped.closed).toLocaleString("en")} |`,
);
console.log(`| retried attempts | – | ${s.retried.toLocaleString("en")} |`);
console.log(
  `| invariant emitted = delivered + dropped + queued + inFlight (every 1,000 events and after close) | – | ${invariantOk ? "holds ✅" : "VIOLATED ❌"} |`,
);
console.log("\nStats before close:", JSON.stringify(mem.beforeClose));
console.log("Stats after close: ", JSON.stringify(mem.after));
console.log("");
spawnSync(process.execPath, [fileURLToPath(new URL("./filter-redact.mjs", import.meta.url))], { stdio: "inherit", env: process.env });

if (!invariantOk || !memoryOk) {
  console.error(
    `\nFAILED: ${invariantOk ? "" : "stats invariant violated; "}${memoryOk ? "" : `RSS grew ${mem.rssGrowthMB.toFixed(1)} MB after GC (limit ${MEMORY_LIMIT_MB})`}`,
  );
  process.exit(1);
}
