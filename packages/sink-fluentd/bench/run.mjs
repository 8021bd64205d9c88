// Fluentd sink benchmark: events/s delivered to a loopback in_forward (in a child process), our
// sink behind core's queue vs @fluent-org/logger, with and without acks, in the same run; then
// the host cost of shipping (a request loop with ~20 µs of work + emit) on vs off.
// Fairness: a warm-up round of every case is run and discarded; then ROUNDS rounds, each running
// every case back to back, and ratios are taken per round (adjacent runs see the same machine
// load) and reported as median (min–max). The host's "work" is a fixed amount of computation
// (calibrated to ~20 µs on this machine when it is least loaded), not 20 µs of wall clock: a
// wall-clock spin would stay 20 µs while the sink's CPU work stretches under contention, which
// inflates on/off on a shared machine.
// Build first: (cd ../core && npx tsc -p tsconfig.build.json) && npx tsc -p tsconfig.build.json
import { fork } from "node:child_process";
import { FluentClient } from "@fluent-org/logger";
import { activate, auditEvent, scanLog, silentLogger } from "@iw/core";
/** BENCH_PLUGIN: another build of this package to measure (a path to its index.js), e.g. an older one. */
const { plugin } = await import(
  process.env.BENCH_PLUGIN ? new URL(process.env.BENCH_PLUGIN, `file://${process.cwd()}/`).href : "../dist/index.js"
);

const N = Number(process.env.BENCH_EVENTS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const HOST_REQUESTS = Number(process.env.BENCH_HOST_REQUESTS ?? 20_000);
const BUSY_US = 20;
/** Extra IW_FLUENTD_* variables for our runs, as JSON (e.g. '{"IW_FLUENTD_BATCH_SIZE":"1000"}'). */
const EXTRA_ENV = JSON.parse(process.env.BENCH_ENV ?? "{}");

const worker = fork(new URL("./receiver.mjs", import.meta.url));
const ask = (cmd) =>
  new Promise((resolve) => {
    worker.once("message", resolve);
    worker.send(cmd);
  });
const { port } = await new Promise((resolve) => worker.once("message", resolve));
const url = `tcp://127.0.0.1:${port}`;

const yieldToIo = () => new Promise((r) => setImmediate(r));
let sink = 0;
/** A fixed amount of CPU work: `n` rounds of an xorshift. */
const work = (n) => {
  let x = sink | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  sink = x;
};
/** Rounds of `work` that take BUSY_US on this machine: the fastest of many trials (least contention). */
function calibrate() {
  let best = Infinity;
  for (let t = 0; t < 200; t++) {
    const t0 = process.hrtime.bigint();
    work(100_000);
    best = Math.min(best, Number(process.hrtime.bigint() - t0));
  }
  return Math.round((BUSY_US * 1000 * 100_000) / best);
}
const WORK_ROUNDS = calibrate();
const busy = () => work(WORK_ROUNDS);

function makeEvents(n) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] =
      i % 5 === 4
        ? auditEvent({
            category: "auth",
            action: "login_attempt",
            details: { key_prefix: "iwk_scan_" },
            source_ip: "192.168.1.100",
            key_prefix: "iwk_scan_",
          })
        : scanLog({
            direction: "input",
            decision: "block",
            anomaly_score: 12.8,
            threshold: 10,
            policy: "default",
            request_id: `req-${i}`,
            matches: [
              { signature_id: "INJ-D-002", matched_text: "ignore all previous instructions", score: 6.3, confidence: 0.9, severity: 7 },
            ],
          });
  }
  return out;
}

const cpuMs = (since) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
};

/**
 * Waits until the receiver counted `n` records (or nothing arrived for a second). Returns the
 * wall time and this process's CPU time (the receiver is another process) from `started` /
 * `cpu0` to the last arrival.
 */
async function waitReceived(n, started, cpu0) {
  let last = -1;
  let at = { ms: performance.now() - started, cpu: cpuMs(cpu0) };
  for (;;) {
    const { records } = await ask("count");
    if (records !== last) [last, at] = [records, { ms: performance.now() - started, cpu: cpuMs(cpu0) }];
    if (records >= n || performance.now() - started - at.ms > 1000) return at;
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Distinct event_ids the receiver got (decoded after the timed part). */
const verify = async () => (await ask("verify")).distinct;

/**
 * Ours: activation from the environment, exactly as a host would, with the lanes sized to hold
 * the whole run (the baseline's queue is unbounded; ours drops beyond IW_FLUENTD_MAX_QUEUE_BYTES).
 */
async function runOurs(ack, events) {
  const env = {
    IW_FLUENTD_URL: url,
    IW_FLUENTD_ACK: String(ack),
    IW_FLUENTD_MAX_QUEUE_BYTES: "4GiB",
    IW_FLUENTD_AUDIT_RESERVE_BYTES: "1GiB",
    ...EXTRA_ENV,
  };
  const dispatcher = await activate({ env, plugins: [plugin], logger: silentLogger });
  const [started, cpu0] = [performance.now(), process.cpuUsage()];
  for (let i = 0; i < events.length; i++) {
    dispatcher.emit(events[i]);
    if (i % 1000 === 999) await yieldToIo();
  }
  await dispatcher.flush(60_000);
  const { ms, cpu } = await waitReceived(events.length, started, cpu0);
  await dispatcher.close(1000);
  return { ms, cpu, delivered: await verify() };
}

/** Baseline: the official client, PackedForward, with or without requireAckResponse-style acks. */
async function runLogger(ack, events) {
  const client = new FluentClient("inferwall", {
    socket: { host: "127.0.0.1", port },
    eventMode: "PackedForward",
    ...(ack ? { ack: {} } : {}),
  });
  const [started, cpu0] = [performance.now(), process.cpuUsage()];
  const pending = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    pending.push(client.emit(e.log_type, e, new Date(e.timestamp)));
    if (i % 1000 === 999) await yieldToIo();
  }
  await Promise.allSettled(pending);
  const { ms, cpu } = await waitReceived(events.length, started, cpu0);
  await client.disconnect();
  return { ms, cpu, delivered: await verify() };
}

/** The host: wall ms and CPU ms of the request loop (what shipping adds shows in both). */
async function hostLoop(dispatcher) {
  const [started, cpu0] = [performance.now(), process.cpuUsage()];
  for (let i = 0; i < HOST_REQUESTS; i++) {
    busy();
    dispatcher.emit(
      scanLog({
        direction: "input",
        decision: "allow",
        anomaly_score: 0.4,
        threshold: 10,
        policy: "default",
        request_id: `r-${i}`,
        matches: [],
      }),
    );
    if (i % 50 === 49) await yieldToIo();
  }
  return { ms: performance.now() - started, cpu: cpuMs(cpu0) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const results = {};
const record = (name, r) => (results[name] ??= []).push(r);

const events = makeEvents(N);
// Round 0 warms every path up (JIT, connections) and is not counted.
for (let round = 0; round <= ROUNDS; round++) {
  for (const ack of [false, true]) {
    await ask("reset");
    const ours = await runOurs(ack, events);
    await ask("reset");
    const logger = await runLogger(ack, events);
    if (round === 0) continue;
    record(`ours-${ack}`, ours);
    record(`logger-${ack}`, logger);
  }
}

const hostOff = [];
const hostOn = [];
const hostLogger = [];
for (let round = 0; round <= ROUNDS; round++) {
  await ask("reset");
  const client = new FluentClient("inferwall", { socket: { host: "127.0.0.1", port }, eventMode: "PackedForward", ack: {} });
  const logger = await hostLoop({ emit: (e) => void client.emit(e.log_type, e, new Date(e.timestamp)).catch(() => {}) });
  await client.disconnect();
  const offDispatcher = await activate({ env: {}, logger: silentLogger });
  const off = await hostLoop(offDispatcher);
  await ask("reset");
  const onDispatcher = await activate({ env: { IW_FLUENTD_URL: url, ...EXTRA_ENV }, plugins: [plugin], logger: silentLogger });
  const on = await hostLoop(onDispatcher);
  await onDispatcher.close(5000);
  if (round === 0) continue;
  hostOff.push(off);
  hostOn.push(on);
  hostLogger.push(logger);
}
// Collector down: every event of the run emitted at a port nobody listens on. What is held
// after half a second: ours is bounded (and counted), the baseline's queue is not.
const deadPort = await new Promise((resolve) => {
  import("node:net").then(({ createServer }) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
});
const heapMb = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 20));
  }
  return process.memoryUsage().heapUsed / 1048576;
};
const dead = await activate({ env: { IW_FLUENTD_URL: `tcp://127.0.0.1:${deadPort}` }, plugins: [plugin], logger: silentLogger });
for (let i = 0; i < events.length; i++) {
  dead.emit(events[i]);
  if (i % 1000 === 999) await yieldToIo();
}
await new Promise((r) => setTimeout(r, 500));
const [deadStats] = dead.stats();
await dead.close(100);
const deadClient = new FluentClient("inferwall", { socket: { host: "127.0.0.1", port: deadPort }, eventMode: "PackedForward" });
const heapBefore = await heapMb();
let settled = 0;
for (let i = 0; i < events.length; i++) {
  deadClient.emit(events[i].log_type, events[i], new Date(events[i].timestamp)).then(
    () => settled++,
    () => settled++,
  );
  if (i % 1000 === 999) await yieldToIo();
}
await new Promise((r) => setTimeout(r, 500));
const loggerHeldMb = (await heapMb()) - heapBefore;
const loggerPending = events.length - settled;
await deadClient.disconnect().catch(() => {});

worker.send("close");
await new Promise((r) => worker.once("exit", r));

const rate = (name, key = "ms") => (N * 1000) / median(results[name].map((r) => r[key]));
/** Per-round ratios a / b: "median (min–max)". */
const spread = (as, bs) => {
  const r = as.map((a, i) => a / bs[i]);
  return `${median(r).toFixed(2)} (${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)})`;
};
const pct = (name) => `${((100 * Math.min(...results[name].map((r) => r.delivered))) / N).toFixed(1)}%`;
const fmt = (x) => Math.round(x).toLocaleString("en-US");
const col = (name, key) => results[name].map((r) => r[key]);
const lines = [
  `Fluentd sink benchmark: ${N.toLocaleString("en-US")} events per run, ${ROUNDS} rounds after a warm-up round, PackedForward to a loopback in_forward (child process), Node ${process.version}${Object.keys(EXTRA_ENV).length > 0 ? `, ours with ${JSON.stringify(EXTRA_ENV)}` : ""}. Ratios are taken per round (adjacent runs) and shown as median (min–max); "per CPU-s" divides by this process's CPU time, which a loaded machine disturbs less than wall time.`,
  "",
  "| scenario | @iw/sink-fluentd events/s | @fluent-org/logger events/s | ratio (wall) | ours per CPU-s | logger per CPU-s | ratio (CPU) | delivered, distinct event_ids (ours / logger, worst round) |",
  "|---|---|---|---|---|---|---|---|",
];
for (const ack of [false, true]) {
  const [o, l] = [`ours-${ack}`, `logger-${ack}`];
  lines.push(
    `| ${ack ? "with acks" : "without acks"} | ${fmt(rate(o))} | ${fmt(rate(l))} | ${spread(col(l, "ms"), col(o, "ms"))}× | ${fmt(rate(o, "cpu"))} | ${fmt(rate(l, "cpu"))} | ${spread(col(l, "cpu"), col(o, "cpu"))}× | ${pct(o)} / ${pct(l)} |`,
  );
}
const hostCol = (xs, key) => xs.map((r) => r[key]);
lines.push(
  "",
  `| host cost: ${HOST_REQUESTS.toLocaleString("en-US")} requests, ~${BUSY_US} µs of fixed work + a scan log built and emitted each | wall ms (median) | on/off (wall) | CPU ms (median) | on/off (CPU) |`,
  "|---|---|---|---|---|",
);
lines.push(
  `| sinks off | ${median(hostCol(hostOff, "ms")).toFixed(1)} | | ${median(hostCol(hostOff, "cpu")).toFixed(1)} | |`,
  `| @iw/sink-fluentd on (acks) | ${median(hostCol(hostOn, "ms")).toFixed(1)} | ${spread(hostCol(hostOn, "ms"), hostCol(hostOff, "ms"))} | ${median(hostCol(hostOn, "cpu")).toFixed(1)} | ${spread(hostCol(hostOn, "cpu"), hostCol(hostOff, "cpu"))} |`,
  `| @fluent-org/logger on (acks) | ${median(hostCol(hostLogger, "ms")).toFixed(1)} | ${spread(hostCol(hostLogger, "ms"), hostCol(hostOff, "ms"))} | ${median(hostCol(hostLogger, "cpu")).toFixed(1)} | ${spread(hostCol(hostLogger, "cpu"), hostCol(hostOff, "cpu"))} |`,
);
lines.push(
  "",
  `| collector down, ${N.toLocaleString("en-US")} events emitted | what is held after 0.5 s |`,
  "|---|---|",
  `| @iw/sink-fluentd | ${deadStats.queued + deadStats.inFlight} events queued (bounded by IW_FLUENTD_MAX_QUEUE_BYTES), ${deadStats.dropped.queue_full} dropped as queue_full and counted |`,
  `| @fluent-org/logger | ${loggerPending} emits pending, +${loggerHeldMb.toFixed(1)} MB heap${globalThis.gc ? "" : " (run with --expose-gc)"}, unbounded |`,
);
process.stdout.write(`${lines.join("\n")}\n`);
