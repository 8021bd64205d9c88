// @iw/sink-logstash benchmarks: `node bench/run.mjs` from packages/sink-logstash, after building
// core, testkit and this package (`npx tsc -p tsconfig.build.json` in each). Every figure is
// measured against its baseline in the same run; the Logstash receiver (@iw/testkit) runs in a
// child process, like a real collector. IW_BENCH_SCALE=2 runs longer; IW_BENCH_ONLY=a,b,c,d
// picks scenarios.
import { fork } from "node:child_process";
import os from "node:os";
import { startReceiverProcess } from "./receiver.mjs";
import { runThroughput } from "./throughput.mjs";
import { runHostCost } from "./host-cost.mjs";
import { runOutage } from "./outage.mjs";

const SCALE = Number(process.env.IW_BENCH_SCALE ?? 1);
const ONLY = new Set((process.env.IW_BENCH_ONLY ?? "a,b,c,d").split(","));
const f0 = (x) => x.toLocaleString("en-US", { maximumFractionDigits: 0 });
const f2 = (x) => x.toFixed(2);
const verdict = (ok) => (ok ? "yes" : "**NO**");

const rx = await startReceiverProcess();
const out = [];
const log = (line = "") => out.push(line);
log("## @iw/sink-logstash");
log();
log(
  `Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}, scale ${SCALE}.`,
);

try {
  if (ONLY.has("a")) {
    const t = await runThroughput(rx, SCALE);
    log();
    log(`### (a) Throughput to the loopback Logstash receiver (best of ${t.rounds} interleaved rounds)`);
    log();
    log("| path | events | events/s delivered | vs ceiling | vs replaced | all delivered, none twice |");
    log("|---|---:|---:|---:|---:|---|");
    const row = (name, x, count) =>
      log(
        `| ${name} | ${f0(count)} | ${f0(x.rate)} | ${f2(x.rate / t.ceiling.rate)} | ${f2(x.rate / t.replaced.rate)} | ${verdict(x.ok)} |`,
      );
    row("sink via DeliveryQueue (activate, defaults: 500/batch, 2 in flight)", t.sink, t.n);
    row("sink.send alone (no queue), 500/batch, 2 in flight", t.direct, t.n);
    row("ceiling: pre-serialized 500-event arrays (bytes), keep-alive, 2 in flight", t.ceiling, t.n);
    row("replaced: one POST per event, awaited, keep-alive", t.replaced, t.nReplaced);
    row("replaced: one POST per event, awaited, a connection each (as requests.post)", t.replacedNoKeepAlive, t.nReplaced);
    log();
    log(
      `Targets: ≥ 0.7 × ceiling (${verdict(t.sink.rate / t.ceiling.rate >= 0.7)}), ≥ 20 × replaced with keep-alive (${verdict(t.sink.rate / t.replaced.rate >= 20)}; ${f2(t.sink.rate / t.replacedNoKeepAlive.rate)} × the connection-per-event variant). The receiver decodes every event (in its own process), so the ceiling is the receiver's own limit on this machine.`,
    );
  }
  if (ONLY.has("b")) {
    const h = await runHostCost(rx, SCALE);
    log();
    log(`### (b) Host cost: ${f0(h.requests)} requests of ~20 µs work + build + emit a scan log, median of ${h.rounds} interleaved rounds`);
    log();
    log("| sink | loop wall ms | × off | host CPU ms | × off | p50 µs/request | p99 µs/request | p99 × off |");
    log("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (const mode of ["off", "on", "blackholed"]) {
      const x = h[mode];
      log(
        `| ${mode} | ${f0(x.ms)} | ${f2(x.ms / h.off.ms)} | ${f0(x.cpuMs)} | ${f2(x.cpuMs / h.off.cpuMs)} | ${f2(x.p50)} | ${f2(x.p99)} | ${f2(x.p99 / h.off.p99)} |`,
      );
    }
    log();
    log(
      `On: ${f0(h.delivered)} of ${f0(h.emittedOn)} delivered, ${h.duplicates} duplicates. Host CPU is the host process's own user+system time: wall time on a shared machine also counts the receiver's process and the neighbours. Targets: on/off ≤ 1.15 (wall ${verdict(h.on.ms / h.off.ms <= 1.15)}, host CPU ${verdict(h.on.cpuMs / h.off.cpuMs <= 1.15)}), 100% delivered (${verdict(h.delivered === h.emittedOn)}), blackholed p99 ≤ 1.1 × off (${verdict(h.blackholed.p99 / h.off.p99 <= 1.1)}).`,
    );
  }
  if (ONLY.has("c")) {
    const o = await runOutage(rx);
    log();
    log("### (c) Outage with default settings: 1 s up, 3 s down, 3 s 429 (Retry-After: 1), up; 1000 events/s throughout");
    log();
    log(
      "| emitted | received (distinct) | duplicates | all delivered, measured from recovery (emission goes on 1 s) | retried attempts | dropped | log lines |",
    );
    log("|---:|---:|---:|---:|---:|---:|---:|");
    log(
      `| ${f0(o.emitted)} | ${f0(o.received)} | ${o.duplicates} | ${f0(o.drainMs)} ms | ${o.stats.retried} | ${o.stats.dropped.total} | ${o.logLines} |`,
    );
    log();
    log(`All arrived, none twice: ${verdict(o.drained && o.received === o.emitted && o.duplicates === 0)}.`);
  }
  if (ONLY.has("d")) {
    const total = 1_000_000 * SCALE;
    const child = fork(new URL("./memory-child.mjs", import.meta.url), [String(total)], {
      execArgv: ["--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const m = await new Promise((resolve, reject) => {
      child.once("message", resolve);
      child.once("exit", (code) => reject(new Error(`memory child exited with ${code}`)));
    });
    const s = m.stats;
    log();
    log(`### (d) Memory: ${f0(m.total - 20_000)} events (+ 20,000 warm-up) emitted with the collector blackholed (fresh process)`);
    log();
    log("| RSS growth | emitted | delivered | dropped (queue_full) | queued | in flight | accounted | log lines | emit time |");
    log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    log(
      `| ${f2(m.growthMb)} MB | ${f0(s.emitted)} | ${f0(s.delivered)} | ${f0(s.dropped.total)} (${f0(s.dropped.queue_full)}) | ${f0(s.queued)} | ${f0(s.inFlight)} | ${verdict(m.accounted === s.emitted && s.emitted === m.total)} | ${m.logLines} | ${f0(m.emitMs)} ms |`,
    );
    log();
    log(
      `Targets: RSS growth < 64 MB (${verdict(m.growthMb < 64)}), every event accounted for (${verdict(m.accounted === m.total)}), a handful of log lines (${verdict(m.logLines <= 10)}).`,
    );
    if (m.firstLines.length > 0) log(`First log lines: ${m.firstLines.map((l) => `\`${l.slice(0, 140)}\``).join("; ")}`);
  }
} finally {
  rx.kill();
}
console.log(out.join("\n"));
