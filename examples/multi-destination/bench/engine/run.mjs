// Delivery engine v2 targets: five scenarios measured against baselines in the same run, each
// in its own process (--expose-gc), collectors in another process. Prints Markdown for
// BENCHMARKS.md. Run after `pnpm build`:
//
//   node examples/multi-destination/bench/engine/run.mjs [--quick] [--only=1,2,3,4,5] [--requests=N]
//   pnpm --filter @iw/example-multi-destination bench:engine      (this suite alone)
//   pnpm --filter @iw/example-multi-destination bench             (the host-cost bench, then this)
//
// --quick runs every scenario smaller (~1 min; the full run takes ~4); --requests sets scenario
// 1's requests per round (default 200,000; 30,000 with --quick). Scenario 5 is the durable spool
// (spool.mjs): host cost, throughput and a 1,000,000-event replay, spool on vs off.
// A target that is missed is reported (❌) and does not fail the run; a crashed scenario or a
// broken stats invariant (emitted ≠ delivered + dropped + queued + inFlight) exits non-zero.
// The raw figures of every round are written to a JSON file in the temp directory.
import { fork } from "node:child_process";
import { writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { engineFingerprint } from "./common.mjs";

const args = process.argv.slice(2);
const QUICK = args.includes("--quick");
const flag = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const ONLY = new Set((flag("only") ?? "1,2,3,4,5").split(","));
const S1_REQUESTS = Number(flag("requests") ?? (QUICK ? 30_000 : 200_000));

const f0 = (x) => (x === undefined ? "–" : Math.round(x).toLocaleString("en-US"));
const f1 = (x) => x.toFixed(1);
const f2 = (x) => x.toFixed(2);
const mark = (ok) => (ok ? "✅" : "❌");
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const range = (xs, f = f2) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
const load = () => loadavg().map(f1).join(" ");

let failed = false;
const problems = [];
const raw = {};

function scenario(file, options) {
  return new Promise((resolve) => {
    const child = fork(new URL(file, import.meta.url), [JSON.stringify(options)], {
      execArgv: ["--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result;
    child.on("message", (m) => (result = m.result));
    child.on("exit", (code, signal) => {
      if (result === undefined) {
        failed = true;
        problems.push(`${file} ${JSON.stringify(options)} crashed (exit ${code ?? signal})`);
      }
      resolve(result);
    });
  });
}

function checkInvariant(where, acc) {
  if (acc && !acc.holds) {
    failed = true;
    problems.push(`stats invariant broken in ${where}: ${JSON.stringify(acc)}`);
  }
}
const terms = (a) => `${f0(a.emitted)} = ${f0(a.delivered)} + ${f0(a.dropped)} + ${f0(a.queued)} + ${f0(a.inFlight)}`;
const drops = (a) =>
  Object.entries(a.droppedBy)
    .map(([k, v]) => `${k} ${f0(v)}`)
    .join(", ") || "none";

const started = Date.now();
const engineAtStart = engineFingerprint();
const out = [];
const log = (line = "") => {
  out.push(line);
  console.log(line);
};
log(`### Engine v2 targets${QUICK ? " (--quick)" : ""}`);
log();
log(
  `Node ${process.version}, ${availableParallelism()} × ${cpus()[0]?.model ?? "cpu"}, load average at start ${load()}. Engine: HEAD ${engineAtStart.head}, ${engineAtStart.dirtySources} uncommitted file(s) under packages/*/src, core dist built ${engineAtStart.coreDist}.`,
);

if (ONLY.has("1")) {
  const rounds = QUICK ? 2 : 3;
  const r = await scenario("./host-cost.mjs", { requests: S1_REQUESTS, rounds, workUs: 15 });
  if (r) {
    raw.hostCost = r;
    for (const v of ["off", "logstash", "all3"]) for (const x of r.results[v]) checkInvariant(`scenario 1 (${v})`, x.acc);
    const y = r.yard;
    log();
    log(
      `#### 1. Host-thread cost per event, in JSON.stringify units (${f0(r.requests)} requests × ${r.rounds} alternating rounds, ~${r.workUs} µs work + build + emit each; median of rounds)`,
    );
    log();
    log(
      `Yardstick, same process: one JSON.stringify of the event (${y.bytes} B) = **${f0(y.stringifyNs)} ns** of thread CPU (before/after the rounds: ${f0(y.before.stringifyNs)} / ${f0(y.after.stringifyNs)}); building it (scanLog) = ${f0(y.buildNs)} ns, paid by every variant.`,
    );
    log();
    log(
      "| sinks | thread CPU to flush done: added ns/request | **÷ stringify** (range) | target | process CPU (cpuUsage) ÷ stringify | loop wall: added ns/request | wall ÷ stringify (range) | delivered (distinct event_ids) |",
    );
    log("|---|---:|---:|---|---:|---:|---:|---|");
    const off = r.results.off;
    log(
      `| none (baseline) | ${f0(median(off.map((x) => (x.cpuMs * 1e6) / r.requests)))} ns total | – | | – | ${f0(median(off.map((x) => (x.ms * 1e6) / r.requests)))} ns total | – | – |`,
    );
    const targets = { logstash: 2.5, all3: 4 };
    const labels = { logstash: "Logstash", all3: "Logstash + Fluentd (forward) + webhook" };
    for (const v of ["logstash", "all3"]) {
      const s = r.summary[v];
      const cpu = median(s.cpu);
      const rows = r.results[v];
      const sinks = Object.keys(rows[0].counts);
      const delivered = sinks
        .map((k) => `${k} ${f0(rows.reduce((n, x) => n + x.counts[k].distinct, 0))}/${f0(r.requests * r.rounds)}`)
        .join(", ");
      const dups = rows.reduce((n, x) => n + sinks.reduce((m, k) => m + x.counts[k].duplicates, 0), 0);
      log(
        `| ${labels[v]} | ${f0(median(s.addedCpuNs))} | **${f2(cpu)}** (${range(s.cpu)}) | ≤ ${targets[v]} ${mark(cpu <= targets[v])} | ${f2(median(s.processCpu))} | ${f0(median(s.addedWallNs))} | ${f2(median(s.wall))} (${range(s.wall)}) | ${delivered}${dups ? `, ${dups} duplicates` : ""} ${mark(rows.every((x) => x.complete) && dups === 0)} |`,
      );
    }
    log();
    log(
      `Thread CPU is the host's main thread from the first request until flush() resolved (Linux schedstat): it counts emit, batching, serialization, socket writes and the GC of what the queue held, and not the collectors' process or the neighbours. Process CPU adds V8's GC helper threads. Loop wall is the request loop only; on a shared 2-core machine it also pays for the collectors' process. Flush after the loop took median ${f0(median(r.results.logstash.map((x) => x.flushMs)))} / ${f0(median(r.results.all3.map((x) => x.flushMs)))} ms (Logstash / three sinks).`,
    );
  }
}

if (ONLY.has("2")) {
  const events = QUICK ? 200_000 : 1_000_000;
  const latencyRequests = QUICK ? 50_000 : 200_000;
  const off = await scenario("./blackhole.mjs", { mode: "off", events, latencyRequests, workUs: 15 });
  const hole =
    off && (await scenario("./blackhole.mjs", { mode: "hole", events, latencyRequests, workUs: 15, iterations: off.iterations }));
  if (off && hole) {
    raw.blackhole = { off, hole };
    for (const k of ["beforeGc", "beforeClose", "afterClose"]) checkInvariant(`scenario 2 (${k})`, hole[k]);
    const p99 = hole.p99 / off.p99;
    const b = hole.bound;
    const boundMb = b.kind === "bytes" ? b.bytes / 2 ** 20 : ((b.scanEvents + b.auditEvents) * hole.eventBytes) / 2 ** 20;
    const boundText =
      b.kind === "bytes"
        ? `maxQueueBytes ${f1(b.bytes / 2 ** 20)} MiB`
        : `no byte budget in this engine: caps of ${f0(b.scanEvents)} scan + ${f0(b.auditEvents)} audit events, ≈ ${f1(boundMb)} MiB at ${hole.eventBytes} B of JSON each (+ up to ${f0(b.batchSize * b.concurrency)} in flight)`;
    const bc = hole.beforeClose;
    log();
    log(
      `#### 2. Collector blackholed (accepts TCP, never answers): ${f0(events)} events, the first ${f0(latencyRequests)} in the request loop`,
    );
    log();
    log("| | no sink (baseline) | Logstash → blackhole | ratio | target |");
    log("|---|---:|---:|---:|---|");
    log(`| request p50 µs | ${f1(off.p50)} | ${f1(hole.p50)} | ${f2(hole.p50 / off.p50)} | |`);
    log(`| request p99 µs | ${f1(off.p99)} | ${f1(hole.p99)} | **${f2(p99)}** | ≤ 1.2 ${mark(p99 <= 1.2)} |`);
    log(`| request p99.9 µs | ${f1(off.p999)} | ${f1(hole.p999)} | ${f2(hole.p999 / off.p999)} | |`);
    log(
      `| heap growth after GC, MiB | ${f1(off.heapGrowthMb)} | ${f1(hole.heapGrowthMb)} | ${f2(hole.heapGrowthMb / boundMb)} × bound | info |`,
    );
    log(
      `| RSS growth after GC (peak), MiB | ${f1(off.rssGrowthMb)} (${f1(off.peakRssGrowthMb)}) | ${f1(hole.rssGrowthMb)} (${f1(hole.peakRssGrowthMb)}) | ${f2((hole.rssGrowthMb - off.rssGrowthMb) / boundMb)} × bound (over baseline) | info |`,
    );
    log(`| stats before close: emitted = delivered + dropped + queued + inFlight | | ${terms(bc)} | | exact ${mark(bc.holds)} |`);
    log(`| stats after close(200 ms) | | ${terms(hole.afterClose)} | | exact ${mark(hole.afterClose.holds)} |`);
    log();
    log(
      `Bound: ${boundText}. Dropped before close: ${drops(bc)}; after close: ${drops(hole.afterClose)}. The host emitted ${f0(events)} events; the stats count ${f0(bc.emitted - events)} more (core's own lifecycle events). Engine log lines: ${hole.logLines}.`,
    );
  }
}

if (ONLY.has("3")) {
  const r = await scenario("./outage.mjs", { quick: QUICK });
  if (r) {
    raw.outage = r;
    log();
    log("#### 3. Outages (Logstash receiver's port closed, then listening again on the same port) and a poison event");
    log();
    log(
      "| case | emitted (rate) | received, distinct | duplicates | lost | resumed after (first accepted request) | flush done, from recovery (emission goes on 2 s) | dropped (stats) | target: all, none twice, resume ≤ 1 s |",
    );
    log("|---|---:|---:|---:|---:|---:|---:|---|---|");
    for (const o of r.outages) {
      checkInvariant(`scenario 3 (down ${o.downMs} ms)`, o.acc);
      const ok = o.counts.distinct === o.emitted && o.counts.duplicates === 0 && o.resumeMs !== undefined && o.resumeMs <= 1000;
      log(
        `| down ${o.downMs / 1000} s at ${f0(o.rate)}/s | ${f0(o.emitted)} (${f0(o.actualRate)}/s) | ${f0(o.counts.distinct)} | ${f0(o.counts.duplicates)} | ${f0(o.emitted - o.counts.distinct)} | ${o.resumeMs === undefined ? "never" : `${f0(o.resumeMs)} ms`} | ${o.flushed ? `${f0(o.allInMs)} ms` : "flush timed out"} | ${drops(o.acc)} | ${mark(ok)} |`,
      );
    }
    const p = r.poison;
    checkInvariant("scenario 3 (poison)", p.acc);
    checkInvariant("scenario 3 (poison, after close)", p.afterClose);
    log();
    log(
      "| poison (500 for any request holding one event_id) | emitted | others received, distinct | duplicates | requests refused | all others in | dropped after close | target: all others |",
    );
    log("|---|---:|---:|---:|---:|---|---|---|");
    log(
      `| event #${p.poisonIndex} poisoned, ${f0(p.rate)}/s | ${f0(p.emitted)} | ${f0(p.counts.distinct)} / ${f0(p.othersExpected)} | ${f0(p.counts.duplicates)} | ${f0(p.counts.refused)} | ${p.othersInMs === undefined ? `no, after ${p.waitMs / 1000} s` : `${f0(p.othersInMs)} ms after emission ended`} | ${drops(p.afterClose)} | ${mark(p.counts.distinct >= p.othersExpected)} |`,
    );
  }
}

if (ONLY.has("4")) {
  const events = QUICK ? 50_000 : 200_000;
  const r = await scenario("./burst.mjs", { events, rounds: QUICK ? 2 : 3 });
  if (r) {
    raw.burst = r;
    for (const x of r.sink) checkInvariant("scenario 4", x.acc);
    const pct = median(r.sink.map((x) => (100 * x.delivered) / r.events));
    const allIn = r.sink.every((x) => x.delivered === r.events && x.duplicates === 0);
    log();
    log(
      `#### 4. Burst: ${f0(r.events)} events as fast as possible (yield every 32) to the Logstash receiver, ${r.rounds} alternating rounds, median`,
    );
    log();
    log("| path | delivered (distinct) | delivered/s, first emit → flush done | × ceiling (range) | target |");
    log("|---|---:|---:|---:|---|");
    log(
      `| sink (activate, defaults) | ${f1(pct)}% (${r.sink.map((x) => f0(x.delivered)).join(" / ")}) | ${f0(r.sinkRate)} | **${f2(r.ratio)}** (${range(r.ratios)}) | 100% ${mark(allIn)}, ≥ 0.8 ${mark(r.ratio >= 0.8)} |`,
    );
    log(
      `| ceiling: pre-serialized ${r.batch}-event JSON arrays, undici keep-alive, ${r.concurrency} in flight | ${r.ceiling.map((x) => f0(x.delivered)).join(" / ")} | ${f0(r.ceilingRate)} | 1.00 | |`,
    );
    log();
    log(
      `Sink rounds: dropped ${r.sink.map((x) => drops(x.acc)).join(" | ")}; emit loop ${r.sink.map((x) => f0(x.emitMs)).join(" / ")} ms.`,
    );
  }
}

if (ONLY.has("5")) {
  const opts = QUICK
    ? { requests: 30_000, rounds: 2, events: 50_000, backlog: 200_000 }
    : { requests: 100_000, rounds: 3, events: 200_000, backlog: 1_000_000 };
  const r = await scenario("./spool.mjs", { ...opts, workUs: 15 });
  if (r) {
    raw.spool = r;
    for (const v of ["off", "on"]) {
      for (const x of r.cost[v]) checkInvariant(`scenario 5a (spool ${v})`, x.acc);
      for (const x of r.burst[v]) checkInvariant(`scenario 5b (spool ${v})`, x.acc);
    }
    checkInvariant("scenario 5c (write)", r.replay.written.acc);
    checkInvariant("scenario 5c (replay)", r.replay.replayed.acc);
    const { cost, burst, replay } = r;
    const us = (rows, f) => f1(median(rows.map((x) => (f(x) * 1000) / r.requests)));
    const n = r.requests * r.rounds;
    const got = (rows) => rows.reduce((k, x) => k + x.counts.distinct, 0);
    const dups = (rows) => rows.reduce((k, x) => k + x.counts.duplicates, 0);
    const costOk = (rows) => rows.every((x) => x.complete);
    const w = replay.written;
    const p = replay.replayed;
    const mib = (b) => f1(b / 2 ** 20);
    const rate = (p.replayed / p.drainMs) * 1000;
    const replayOk =
      p.flushed && replay.counts.distinct === replay.backlog && replay.counts.duplicates === 0 && p.replayed === replay.backlog;
    log();
    log(
      `#### 5. Durable spool (IW_SPOOL_DIR; defaults: sync interval, group commit every 100 ms) against the same Logstash sink without it, ${r.rounds} alternating rounds, median`,
    );
    log();
    log("| measure | spool off (baseline) | spool on | on ÷ off (range) | target |");
    log("|---|---:|---:|---:|---|");
    log(
      `| (a) host cost, ${f0(r.requests)} requests (~${r.workUs} µs work + build + emit): total wall per request, first request → flush done, µs | ${us(cost.off, (x) => x.ms)} | ${us(cost.on, (x) => x.ms)} | **${f2(r.median.wall)}** (${range(cost.wall)}) | ≤ 1.2 ${mark(r.median.wall <= 1.2)} |`,
    );
    log(
      `| (a) host-thread CPU per request, µs | ${us(cost.off, (x) => x.cpuMs)} | ${us(cost.on, (x) => x.cpuMs)} | **${f2(r.median.cpu)}** (${range(cost.cpu)}) | ≤ 1.2 ${mark(r.median.cpu <= 1.2)} |`,
    );
    log(
      `| (a) delivered, distinct event_ids | ${f0(got(cost.off))}/${f0(n)}${dups(cost.off) ? `, ${dups(cost.off)} duplicates` : ""} | ${f0(got(cost.on))}/${f0(n)}${dups(cost.on) ? `, ${dups(cost.on)} duplicates` : ""} | | all, once ${mark(costOk(cost.off) && costOk(cost.on))} |`,
    );
    log(
      `| (b) throughput, ${f0(r.events)} events as fast as possible (yield every 32), 512 MiB budget: delivered/s, first emit → flush done | ${f0(median(burst.off.map((x) => x.rate)))} | ${f0(median(burst.on.map((x) => x.rate)))} | **${f2(r.median.burst)}** (${range(burst.ratios)}) | ≥ 0.7 ${mark(r.median.burst >= 0.7)} |`,
    );
    log(
      `| (b) emit loop, ms | ${f0(median(burst.off.map((x) => x.emitMs)))} | ${f0(median(burst.on.map((x) => x.emitMs)))} | ${f2(median(burst.on.map((x) => x.emitMs)) / median(burst.off.map((x) => x.emitMs)))} | info |`,
    );
    log(
      `| (b) delivered, distinct event_ids | ${burst.off.map((x) => f0(x.delivered)).join(" / ")} | ${burst.on.map((x) => f0(x.delivered)).join(" / ")} | | all, once ${mark([...burst.off, ...burst.on].every((x) => x.delivered === r.events && x.duplicates === 0))} |`,
    );
    log();
    log(`| (c) replay of a ${f0(replay.backlog)}-event backlog | |`);
    log("|---|---|");
    log(
      `| written by a first host process, collector down (connection refused): emit loop / close() / on disk | ${f1(w.emitMs / 1000)} s / ${f0(w.closeMs)} ms / ${mib(w.diskBytes)} MiB (${f0(w.diskBytes / replay.backlog)} B per event); ${f0(w.spooled)} kept in the spool |`,
    );
    log(`| a second host process, collector up: "replaying N events …" | N = ${f0(p.replayed)} |`);
    log(`| activate() (opens the spool, scans the backlog once) | ${f0(p.activateMs)} ms |`);
    log(`| **time to drain** (activate() → flush() resolved, everything acknowledged) | **${f1(p.drainMs / 1000)} s** |`);
    log(`| **delivered/s during replay** | **${f0(rate)}** |`);
    log(
      `| RSS: before activate() → peak during replay (growth) | ${mib(p.baseRss)} → ${mib(p.peakRss)} MiB (+${mib(p.peakRss - p.baseRss)}) |`,
    );
    log(`| heap used: before → peak | ${mib(p.baseHeap)} → ${mib(p.peakHeap)} MiB (+${mib(p.peakHeap - p.baseHeap)}) |`);
    log(
      `| received: distinct event_ids / duplicates (${f0(replay.counts.requests)} requests) | ${f0(replay.counts.distinct)} / ${f0(replay.counts.duplicates)} ${mark(replayOk)} |`,
    );
    log(`| spool directory after the drain | ${f0(p.diskBytesAfter)} B |`);
    log();
    log(
      `Same host loop and receiver as scenarios 1 and 4; each spool-on round spools to a fresh directory under ${tmpdir()}. Spool-on rounds' dropped: ${[...cost.on, ...burst.on].map((x) => drops(x.acc)).join(" | ")}. The replay's receiver (in the bench's parent process) only counts event_ids and answers 200; the memory budget is the default 32 MiB, so the replay reads the backlog back as memory frees.`,
    );
  }
}

const engineAtEnd = engineFingerprint();
log();
log(
  `Finished in ${f0((Date.now() - started) / 1000)} s, load average at end ${load()}.${engineAtEnd.coreDist !== engineAtStart.coreDist || engineAtEnd.logstashDist !== engineAtStart.logstashDist ? " **dist/ was rebuilt during the run: the figures may mix two engines.**" : ""}`,
);
const file = join(tmpdir(), `iw-engine-bench-${new Date(started).toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify({ args, engineAtStart, engineAtEnd, raw }, null, 2));
console.log(`\nRaw figures: ${file}`);
if (failed) {
  console.error(`\nFAILED:\n- ${problems.join("\n- ")}`);
  process.exitCode = 1;
}
