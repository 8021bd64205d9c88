// Host cost of shipping to three destinations at once (Logstash + Fluentd + a signed webhook)
// against no sink, in the same run, alternating rounds (off, on, off, on, …).
//
// The host is a request loop: per request ~20 µs of CPU work (the "scan"), then it builds its
// scan log and emits it; every 16 requests it yields to the event loop, as a server does between
// I/O polls, which is where the sinks serialize and write. With no sink, activate() returns the
// no-op dispatcher and the host skips building the event (`dispatcher.enabled`), as a real host
// does. Each "on" round activates fresh sinks from environment variables, times the loop, then
// closes the dispatcher (untimed) and checks that every scan log reached every collector
// (distinct event_ids).
//
// The collectors run in a worker thread by default: a real collector is another process, so its
// JSON/msgpack decoding and HMAC verification must not be charged to the host's event loop. A
// worker has its own event loop and isolate and competes only for CPU cores, as a process would.
// BENCH_RECEIVERS=inline runs them on the host's thread instead (pessimistic; for comparison).
//
// Run after a build: `pnpm --filter @iw/example-multi-destination bench` (or `node bench/run.mjs`).
// Options: BENCH_REQUESTS per round (default 10000), BENCH_ROUNDS cycles (default 5),
// BENCH_WORK_US busy work per request (default 20), BENCH_RECEIVERS worker|inline,
// BENCH_ENV='{"IW_…":"…"}' adds variables to every "on" round; BENCH_BREAKDOWN=1 adds each sink alone and a core-only variant (a sink that discards batches)
// to every cycle. The work is calibrated on the no-sink loop (host-thread CPU per request).
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { activate, createDispatcher, scanLog, silentLogger } from "@iw/core";
import { startBenchReceivers } from "./receivers.mjs";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WORK_US = Number(process.env.BENCH_WORK_US ?? 20);
const MODE = process.env.BENCH_RECEIVERS ?? "worker";
/** Extra IW_* variables for the "on" rounds, as JSON (e.g. '{"IW_FLUENTD_BATCH_SIZE":"500"}'). */
const EXTRA_ENV = JSON.parse(process.env.BENCH_ENV ?? "{}");
const ALL = ["logstash", "fluentd", "webhook"];
const NAMES = { logstash: "Logstash", fluentd: "Fluentd", webhook: "webhook" };
const VARIANTS = [
  { label: "no sink", sinks: [] },
  { label: "Logstash + Fluentd + webhook", sinks: ALL },
  ...(process.env.BENCH_BREAKDOWN === "1"
    ? [
        ...ALL.map((s) => ({ label: `${NAMES[s]} alone`, sinks: [s] })),
        { label: "core only (a sink that discards each batch)", sinks: [], null: true },
      ]
    : []),
];

/** Building the events plus core's queue and batching, without serialization or I/O. */
function nullDispatcher() {
  const sink = { name: "null", send: () => Promise.resolve({ status: "success" }), close: () => Promise.resolve() };
  return createDispatcher([{ sink }], { logger: silentLogger });
}
const YIELD_EVERY = 16;
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/**
 * CPU time of the calling thread in ms (Linux: /proc/thread-self/schedstat, nanoseconds), or
 * undefined elsewhere. Unlike wall time it is not inflated when the collectors' thread or other
 * users of the machine take the core away from the host.
 */
const SCHEDSTAT = "/proc/thread-self/schedstat";
const threadCpuMs = existsSync(SCHEDSTAT) ? () => Number(readFileSync(SCHEDSTAT, "utf8").split(" ")[0]) / 1e6 : () => undefined;

let blackhole = 0;
function busy(iterations) {
  let x = blackhole | 1;
  for (let i = 0; i < iterations; i++) x = (Math.imul(x, 1103515245) + 12345 + i) | 0;
  return x;
}

/**
 * Iterations of `busy` that make one request of the no-sink loop cost about WORK_US of this
 * thread's CPU (wall time where that is not available): measured on the loop itself, since the
 * same loop runs at different speeds inlined there and standalone.
 */
async function calibrate() {
  const noop = await activate({ env: {}, logger: silentLogger });
  const requests = 2000;
  let iterations = 5000;
  for (let k = 0; k < 4; k++) {
    const { ms, cpuMs } = await requestLoop(noop, "calibration-", iterations, requests);
    iterations = Math.max(1, Math.round((iterations * WORK_US) / (((cpuMs ?? ms) * 1000) / requests)));
  }
  return iterations;
}

async function startReceivers() {
  if (MODE === "inline") return startBenchReceivers({ webhookSecret: SECRET });
  const worker = new Worker(new URL("./receivers-worker.mjs", import.meta.url), { workerData: { webhookSecret: SECRET } });
  const [{ urls }] = await once(worker, "message");
  return {
    urls,
    async count(prefix) {
      worker.postMessage({ op: "count", prefix });
      const [{ counts }] = await once(worker, "message");
      return counts;
    },
    async close() {
      worker.postMessage({ op: "close" });
      await once(worker, "exit");
    },
  };
}

const MATCH = { signature_id: "INJ-D-002", matched_text: "ignore all previous instructions", score: 6.3, confidence: 0.9, severity: 7 };

/** The timed part: REQUESTS requests. Returns the wall time and the host thread's CPU time, in ms. */
async function requestLoop(dispatcher, prefix, iterations, requests = REQUESTS) {
  const cpuStarted = threadCpuMs();
  const started = performance.now();
  for (let i = 0; i < requests; i++) {
    blackhole ^= busy(iterations);
    if (dispatcher.enabled) {
      const block = i % 10 === 0;
      dispatcher.emit(
        scanLog({
          direction: "input",
          decision: block ? "block" : i % 10 === 1 ? "flag" : "allow",
          anomaly_score: block ? 12.8 : 1.2,
          threshold: 10,
          policy: "default",
          request_id: `${prefix}${i}`,
          matches: block ? [MATCH] : [],
          service: "bench-host",
        }),
      );
    }
    if ((i + 1) % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const ms = performance.now() - started;
  const cpuEnded = threadCpuMs();
  return { ms, cpuMs: cpuEnded === undefined ? undefined : cpuEnded - cpuStarted };
}

const URL_VARIABLES = { logstash: "IW_ELK_URL", fluentd: "IW_FLUENTD_URL", webhook: "IW_WEBHOOK_URL" };

/** One round of one variant: activate from variables, time the loop, close (untimed), count. */
async function round(receivers, sinks, prefix, iterations, useNull = false) {
  if (useNull) return nullRound(prefix, iterations);
  const env =
    sinks.length === 0
      ? {}
      : {
          ...Object.fromEntries(sinks.map((s) => [URL_VARIABLES[s], receivers.urls[URL_VARIABLES[s]]])),
          IW_WEBHOOK_SECRET: SECRET,
          IW_SUMMARY_INTERVAL_S: "0",
          IW_SINKS_STRICT: "true",
          ...EXTRA_ENV,
        };
  const dispatcher = await activate({ env, logger: silentLogger, resolveFrom: import.meta.url });
  if (dispatcher.sinks.length !== sinks.length)
    throw new Error(`expected ${sinks.join(", ") || "no sink"}, got ${dispatcher.sinks.join(", ")}`);
  const { ms, cpuMs: loopCpuMs } = await requestLoop(dispatcher, prefix, iterations);
  const drainStarted = performance.now();
  const drainCpuStarted = threadCpuMs();
  const drained = await dispatcher.close(30_000);
  const drainMs = performance.now() - drainStarted;
  // Host CPU includes the drain: the last batches' serialization is work the sinks cost the host too.
  const cpuMs = loopCpuMs === undefined ? undefined : loopCpuMs + (threadCpuMs() - drainCpuStarted);
  const stats = dispatcher.stats();
  const counts = sinks.length === 0 ? {} : await receivers.count(prefix);
  const complete = drained && sinks.every((s) => counts[s] === REQUESTS) && !(counts.webhookRefused > 0);
  return {
    ms,
    cpuMs,
    drainMs,
    counts,
    complete,
    dropped: stats.reduce((n, s) => n + s.dropped.total, 0),
    retried: stats.reduce((n, s) => n + s.retried, 0),
  };
}

async function nullRound(prefix, iterations) {
  const dispatcher = nullDispatcher();
  const { ms, cpuMs: loopCpuMs } = await requestLoop(dispatcher, prefix, iterations);
  const drainCpuStarted = threadCpuMs();
  const drainStarted = performance.now();
  const drained = await dispatcher.close(30_000);
  const cpuMs = loopCpuMs === undefined ? undefined : loopCpuMs + (threadCpuMs() - drainCpuStarted);
  const delivered = dispatcher.stats()[0].delivered;
  return {
    ms,
    cpuMs,
    drainMs: performance.now() - drainStarted,
    counts: {},
    complete: drained && delivered === REQUESTS,
    dropped: 0,
    retried: 0,
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const us = (ms) => ((ms * 1000) / REQUESTS).toFixed(1);

const iterations = await calibrate();
const receivers = await startReceivers();
try {
  for (const v of VARIANTS) await round(receivers, v.sinks, `warm-${v.label}-`, iterations, v.null);
  const results = VARIANTS.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, v] of VARIANTS.entries()) results[k].push(await round(receivers, v.sinks, `r${r}-${v.label}-`, iterations, v.null));
  }
  const off = results[0];
  const hasCpu = off[0].cpuMs !== undefined;
  const total = REQUESTS * ROUNDS;
  const range = (xs, f) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
  const r2 = (x) => x.toFixed(2);

  console.log(
    `multi-destination host cost: ${REQUESTS} requests/round, ~${WORK_US} µs of work each (${iterations} iterations), yield every ${YIELD_EVERY}; ${ROUNDS} cycles of ${VARIANTS.map((v) => v.label).join(" / ")} after a warm-up cycle; collectors on ${MODE === "inline" ? "the host thread" : "a worker thread"}; Node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}`,
  );
  console.log();
  console.log(
    "| variant | wall µs/request (median) | range | **wall ratio** (median of cycles) | ratio range | host-thread CPU µs/request, incl. drain | CPU ratio (range) | delivered (distinct event_ids) |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---|");
  let allComplete = true;
  let headline;
  for (const [k, v] of VARIANTS.entries()) {
    const rows = results[k];
    const ratios = rows.map((o, i) => o.ms / off[i].ms);
    const cpuRatios = hasCpu ? rows.map((o, i) => o.cpuMs / off[i].cpuMs) : undefined;
    if (k === 1) headline = { ratio: median(ratios), ratios, cpuRatios };
    allComplete &&= rows.every((o) => o.complete);
    const delivered = v.null
      ? `(sink: all ${total} counted delivered)`
      : v.sinks.map((s) => `${NAMES[s]} ${rows.reduce((n, o) => n + o.counts[s], 0)}/${total}`).join(", ");
    const cpu = hasCpu ? us(median(rows.map((o) => o.cpuMs))) : "n/a";
    const cpuRatio = k === 0 ? "1.00" : cpuRatios ? `${r2(median(cpuRatios))} (${range(cpuRatios, r2)})` : "n/a";
    const wallRatio = k === 0 ? "1.00" : k === 1 ? `**${r2(median(ratios))}**` : r2(median(ratios));
    console.log(
      `| ${v.label} | ${us(median(rows.map((o) => o.ms)))} | ${range(
        rows.map((o) => o.ms),
        us,
      )} | ${wallRatio} | ${k === 0 ? "" : range(ratios, r2)} | ${cpu} | ${cpuRatio} | ${delivered}${v.sinks.includes("webhook") ? " (signatures verified)" : ""} |`,
    );
  }
  const on = results.slice(1).flat();
  console.log();
  console.log(
    `All three, per cycle: wall ratio ${headline.ratios.map(r2).join(", ")}${headline.cpuRatios ? `; CPU ratio ${headline.cpuRatios.map(r2).join(", ")}` : ""}. Drain (close) after the loop: median ${median(on.map((o) => o.drainMs)).toFixed(0)} ms wall; dropped ${on.reduce((n, o) => n + o.dropped, 0)}, retried ${on.reduce((n, o) => n + o.retried, 0)}, webhook requests refused ${on.reduce((n, o) => n + (o.counts.webhookRefused ?? 0), 0)}.`,
  );
  console.log(
    `Target: wall ratio ≤ 1.25 and 100% delivered everywhere → ${headline.ratio <= 1.25 ? "ratio met" : "ratio NOT met"}, ${allComplete ? "100% delivered" : "DELIVERY INCOMPLETE"}.`,
  );
  if (!allComplete) process.exitCode = 1;
} finally {
  await receivers.close();
}
