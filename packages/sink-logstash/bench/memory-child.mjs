// (d) Memory under a dead collector, in a fresh process (run with --expose-gc): 1,000,000 events
// emitted while the collector accepts connections and never answers.
import { createServer } from "node:net";
import { activate } from "@iw/core";
import { plugin } from "../dist/index.js";
import { countingLogger, requestScanLog, yieldToIo } from "./common.mjs";

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const sockets = new Set();
const hole = createServer((s) => {
  sockets.add(s);
  s.on("error", () => {});
  s.resume();
});
await new Promise((r) => hole.listen(0, "127.0.0.1", r));
const logger = countingLogger();
const iw = await activate({
  env: { IW_ELK_URL: `http://127.0.0.1:${hole.address().port}/` },
  plugins: [plugin],
  logger,
  summaryIntervalMs: 0,
});
// Warm up the paths, then take the baseline.
for (let i = 0; i < 20_000; i++) iw.emit(requestScanLog(i));
await yieldToIo();
globalThis.gc();
const base = process.memoryUsage().rss;
let peak = base;
const t0 = performance.now();
for (let i = 0; i < TOTAL; i++) {
  iw.emit(requestScanLog(i));
  if (i % 1000 === 999) {
    await yieldToIo();
    if (i % 50_000 === 49_999) peak = Math.max(peak, process.memoryUsage().rss);
  }
}
const emitMs = performance.now() - t0;
globalThis.gc();
const after = process.memoryUsage().rss;
peak = Math.max(peak, after);
const [s] = iw.stats();
const accounted = s.delivered + s.dropped.total + s.queued + s.inFlight;
await iw.close(200);
const [closed] = iw.stats();
for (const sock of sockets) sock.destroy();
hole.close();
process.send({
  total: TOTAL + 20_000,
  emitMs,
  growthMb: (peak - base) / 1048576,
  stats: s,
  accounted,
  closedStats: closed,
  logLines: logger.count,
  firstLines: logger.lines.slice(0, 5),
});
