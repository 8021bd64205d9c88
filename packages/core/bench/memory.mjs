// 1,000,000 events into a sink that never answers (attempt timeouts on): RSS growth and
// accounting. Run with --expose-gc. Prints one JSON line on stdout.
import { createDispatcher, scanLog, auditEvent } from "../dist/index.js";

const TOTAL = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const CHUNK = Number(process.env.BENCH_CHUNK ?? 1000);
const gc = globalThis.gc ?? (() => {});
const yieldLoop = () => new Promise((r) => setImmediate(r));
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await yieldLoop();
  }
};

let sends = 0;
const blackhole = {
  name: "blackhole",
  send() {
    sends++;
    return new Promise(() => {});
  },
  close: () => Promise.resolve(),
};
const queue = { attemptTimeoutMs: 20, retryInitialMs: 5, retryMaxMs: 50, flushIntervalMs: 10 };
// "baseline": the same loop into a dispatcher with no sink (building the events is the only cost).
const MODE = process.argv[2] === "baseline" ? "baseline" : "dead";
const d = createDispatcher(MODE === "baseline" ? [] : [{ sink: blackhole, queue }], { exitFlushMs: 0 });

await settle();
const rss0 = process.memoryUsage().rss;
let peak = rss0;
let violations = 0;
const started = performance.now();
for (let n = 0; n < TOTAL; n += CHUNK) {
  for (let i = 0; i < CHUNK; i++) {
    const k = n + i;
    d.emit(
      k % 10 === 0
        ? auditEvent({ category: "auth", action: "login_attempt", details: { key_prefix: "iwk_scan_" }, source_ip: "192.168.1.100" })
        : scanLog({
            direction: "input",
            decision: "block",
            anomaly_score: 12.8,
            threshold: 10,
            policy: "default",
            request_id: `req-${k}`,
            matches: [
              { signature_id: "INJ-D-002", matched_text: "ignore all previous instructions", score: 6.3, confidence: 0.9, severity: 7 },
            ],
          }),
    );
  }
  const s = queue.stats();
  if (s.emitted !== s.delivered + s.dropped.total + s.queued + s.inFlight) violations++;
  peak = Math.max(peak, process.memoryUsage().rss);
  await new Promise((r) => setTimeout(r, 1)); // let attempt timeouts and retries fire
}
const emitSeconds = (performance.now() - started) / 1000;
await settle();
const rss1 = process.memoryUsage().rss;
peak = Math.max(peak, rss1);
const beforeClose = queue.stats();
const drained = await d.close(200);
const after = queue.stats();
const ok = (s) => s.emitted === s.delivered + s.dropped.total + s.queued + s.inFlight;
process.stdout.write(
  JSON.stringify({
    mode: MODE,
    heapUsedMB: process.memoryUsage().heapUsed / 2 ** 20,
    total: TOTAL,
    emitSeconds,
    sends,
    rssGrowthMB: (rss1 - rss0) / 2 ** 20,
    peakGrowthMB: (peak - rss0) / 2 ** 20,
    violations: violations + (ok(beforeClose) ? 0 : 1) + (ok(after) ? 0 : 1),
    beforeClose,
    after,
    drained,
    accountedAfterClose:
      MODE === "baseline"
        ? true
        : after.emitted === TOTAL && after.delivered + after.dropped.total === TOTAL && after.queued === 0 && after.inFlight === 0,
  }) + "\n",
);
