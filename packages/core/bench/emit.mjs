// Emit cost per event with 0, 1 and 3 in-memory sinks, against an empty function call
// measured in the same process. Prints one JSON line on stdout.
import { createDispatcher, scanLog } from "../dist/index.js";

const CHUNK = 1000;
const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 500);
const ROUNDS = 3;

const event = scanLog({
  direction: "input",
  decision: "block",
  anomaly_score: 12.8,
  threshold: 10,
  policy: "default",
  request_id: "req-1",
  matches: [{ signature_id: "INJ-D-002", matched_text: "ignore all previous instructions", score: 6.3, confidence: 0.9, severity: 7 }],
});

function memorySink(name) {
  return {
    name,
    delivered: 0,
    send(batch) {
      this.delivered += batch.length;
      return Promise.resolve({ status: "success" });
    },
    close: () => Promise.resolve(),
  };
}
function dispatcherWith(n) {
  const sinks = Array.from({ length: n }, (_, i) => memorySink(`mem${i}`));
  const routes = sinks.map((sink) => ({ sink, queue: { flushIntervalMs: 50 } }));
  return { d: createDispatcher(routes, { exitFlushMs: 0 }), sinks };
}

let sinkhole;
function baseline(e) {
  sinkhole = e;
}
const yieldLoop = () => new Promise((r) => setImmediate(r));

/** ns per call of fn, timing only the synchronous loops; the queue drains between chunks. */
async function measure(fn) {
  let total = 0n;
  for (let c = 0; c < CHUNKS; c++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < CHUNK; i++) fn(event);
    total += process.hrtime.bigint() - t0;
    await yieldLoop();
  }
  return Number(total) / (CHUNKS * CHUNK);
}

const cases = {
  "empty function call (baseline)": () => baseline,
  "emit, 0 sinks (no-op dispatcher)": () => {
    const { d } = dispatcherWith(0);
    return (e) => d.emit(e);
  },
  "emit, 1 in-memory sink": () => {
    const { d } = dispatcherWith(1);
    return (e) => d.emit(e);
  },
  "emit, 3 in-memory sinks": () => {
    const { d } = dispatcherWith(3);
    return (e) => d.emit(e);
  },
};

const results = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, make] of Object.entries(cases)) {
    const fn = make();
    const ns = await measure(fn);
    results[name] = Math.min(results[name] ?? Infinity, ns); // best of rounds: least disturbed by the shared machine
  }
}
// Check delivery really happened in the 3-sink case (every event delivered, none dropped).
const { d, sinks } = dispatcherWith(3);
for (let c = 0; c < 20; c++) {
  for (let i = 0; i < CHUNK; i++) d.emit(event);
  await yieldLoop();
}
await d.close(5000);
const stats = d.stats();
const check = {
  emitted: stats.map((s) => s.emitted),
  delivered: sinks.map((s) => s.delivered),
  dropped: stats.map((s) => s.dropped.total),
};
process.stdout.write(JSON.stringify({ results, events: CHUNKS * CHUNK, check, baseline: sinkhole === event }) + "\n");
