// @iw/sink-syslog benchmarks: `pnpm bench` (or `node bench/run.mjs` from packages/sink-syslog
// after `pnpm build`). Every figure is measured against its baseline in the same run; the strict
// syslog receiver (@iw/testkit) runs in a child process, like a real collector, and rsyslogd,
// when installed (scripts/ci/syslog-receivers.sh), is the real one. IW_BENCH_SCALE=2 runs
// longer; IW_BENCH_ONLY=a,b,c,d picks scenarios.
import os from "node:os";
import { startReceiverProcess } from "./receiver.mjs";
import { runThroughput } from "./throughput.mjs";
import { runHostCost } from "./host-cost.mjs";
import { findRsyslogd, runRsyslog } from "./rsyslog.mjs";
import { runEncode } from "./encode.mjs";

const SCALE = Number(process.env.IW_BENCH_SCALE ?? 1);
const ONLY = new Set((process.env.IW_BENCH_ONLY ?? "a,b,c,d").split(","));
const f0 = (x) => x.toLocaleString("en-US", { maximumFractionDigits: 0 });
const f2 = (x) => x.toFixed(2);
const verdict = (ok) => (ok ? "yes" : "**NO**");

const rx = await startReceiverProcess();
const out = [];
const log = (line = "") => out.push(line);
log("## @iw/sink-syslog");
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
    log(`### (a) Throughput to the strict loopback syslog receiver (best of ${t.rounds} interleaved rounds)`);
    log();
    log("| path | events | events/s received | vs ceiling | vs naive | all received, none twice, none malformed |");
    log("|---|---:|---:|---:|---:|---|");
    const row = (name, x, count) =>
      log(
        `| ${name} | ${f0(count)} | ${f0(x.rate)} | ${f2(x.rate / t.ceiling.rate)} | ${f2(x.rate / t.naive.rate)} | ${verdict(x.allDelivered)}${x.allDelivered ? "" : ` (worst run: ${f0(x.worst)})`} |`,
      );
    row("sink via DeliveryQueue (activate, defaults), tcp://, RFC 5424", t.tcp, t.n);
    row("same, tls://, CEF", t.tlsCef, t.n);
    row("same, udp://, RFC 5424", t.udp, t.n);
    row("sink.send alone (no queue), tcp://, 500/batch", t.alone, t.n);
    row("ceiling: pre-formatted, octet-counted 500-message batches, one connection", t.ceiling, t.n);
    row("naive client: one write per message, awaited", t.naive, t.nNaive);
    log();
    log(
      `Over TCP the sink reaches ${f2(t.tcp.rate / t.ceiling.rate)} × the ceiling (the Logstash sink's target is ≥ 0.7: ${verdict(t.tcp.rate / t.ceiling.rate >= 0.7)}). The receiver parses every message strictly in its own process and is the bottleneck here, so the ceiling and the naive client meet its limit; (c) measures against a faster receiver. UDP has no flow control: what the receiver's socket buffer cannot take is lost without a trace (see "all received").`,
    );
  }
  if (ONLY.has("b")) {
    const h = await runHostCost(rx, SCALE);
    log();
    log(`### (b) Host cost: ${f0(h.requests)} requests of ~20 µs work + build + emit a scan log, median of ${h.rounds} interleaved rounds`);
    log();
    log("| sink | loop wall ms | × off | host CPU ms | × off | p50 µs/request | p99 µs/request | p99 × off |");
    log("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (const mode of ["off", "tcp", "udp", "blackholed"]) {
      const x = h[mode];
      log(
        `| ${mode} | ${f0(x.ms)} | ${f2(x.ms / h.off.ms)} | ${f0(x.cpuMs)} | ${f2(x.cpuMs / h.off.cpuMs)} | ${f2(x.p50)} | ${f2(x.p99)} | ${f2(x.p99 / h.off.p99)} |`,
      );
    }
    log();
    log(
      `Received: tcp ${f0(h.received.tcp)} of ${f0(h.totalPerMode)}, udp ${f0(h.received.udp)} of ${f0(h.totalPerMode)} (warm-up round included). Host CPU is the host process's own user+system time; wall time also pays for the receiver's process on the same 2 cores. Against the Logstash sink's targets: on/off ≤ 1.15 over TCP (wall ${verdict(h.tcp.ms / h.off.ms <= 1.15)}, host CPU ${verdict(h.tcp.cpuMs / h.off.cpuMs <= 1.15)}), blackholed p99 ≤ 1.1 × off (${verdict(h.blackholed.p99 / h.off.p99 <= 1.1)}).`,
    );
  }
  const rsyslogd = findRsyslogd();
  if (ONLY.has("c") && rsyslogd !== undefined) {
    const r = await runRsyslog(rsyslogd, SCALE);
    log();
    log(`### (c) Into rsyslogd (imtcp → omfile), best of ${r.rounds} interleaved rounds`);
    log();
    log("| path | events | events/s written by rsyslog | vs ceiling | all written |");
    log("|---|---:|---:|---:|---|");
    log(
      `| sink via DeliveryQueue (activate, defaults), tcp://, RFC 5424 | ${f0(r.n)} | ${f0(r.sink.rate)} | ${f2(r.sink.rate / r.ceiling.rate)} | ${verdict(r.sink.all)} |`,
    );
    log(
      `| ceiling: pre-formatted octet-counted batches, one connection | ${f0(r.n)} | ${f0(r.ceiling.rate)} | 1.00 | ${verdict(r.ceiling.all)} |`,
    );
  } else if (ONLY.has("c")) {
    log();
    log("### (c) rsyslogd not installed: skipped (scripts/ci/syslog-receivers.sh installs it)");
  }
  if (ONLY.has("d")) {
    const e = await runEncode(SCALE);
    log();
    log(
      "### (d) Formatting on the host's thread: `prepare` of 500-event batches ÷ `Buffer.from(JSON.stringify(batch))`, median of 7 alternating rounds",
    );
    log();
    log("| format | ns/event | × JSON (range) |");
    log("|---|---:|---:|");
    for (const [format, x] of Object.entries(e)) log(`| ${format} | ${f0(x.ns)} | ${f2(x.ratio)} (${f2(x.min)}–${f2(x.max)}) |`);
  }
} finally {
  rx.kill();
}
console.log(out.join("\n"));
