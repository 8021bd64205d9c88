// Scenario 5 (c), one host process per phase, forked by spool.mjs:
//   write:  activate() with the spool on and the collector down (a closed port), emit `events`
//           scan logs as fast as possible (yield every 32), close() (what is left stays on disk),
//           report and exit. Nothing is delivered.
//   replay: a new process, the collector up: activate() on the same spool directory replays the
//           backlog first ("replaying N events …"); timed from activate() until flush() resolved
//           (everything acknowledged), sampling RSS and heap every 20 ms meanwhile.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { activate } from "@iw/core";
import { requestEvent, scenarioMain, settle, yieldToIo } from "./common.mjs";
import { spoolAccounting } from "./spool-common.mjs";

/** A logger that keeps every line (the replay line is read back from it). */
function keepingLogger() {
  const lines = [];
  const push = (level) => (message) => lines.push(`${level}: ${String(message).slice(0, 300)}`);
  return { lines, debug: () => {}, info: push("info"), warn: push("warn"), error: push("error") };
}

function dirBytes(dir) {
  let n = 0;
  for (const f of readdirSync(dir, { recursive: true })) {
    const s = statSync(join(dir, String(f)));
    if (s.isFile()) n += s.size;
  }
  return n;
}

const env = (url) => ({
  IW_ELK_URL: url,
  IW_SUMMARY_INTERVAL_S: "0",
  IW_SINKS_STRICT: "true",
  IW_SPOOL_MAX_BYTES: "4GiB",
  IW_EXIT_FLUSH_MS: "0",
});

async function write({ dir, url, events }) {
  const logger = keepingLogger();
  const dispatcher = await activate({ env: env(url), logger, resolveFrom: import.meta.url, spoolDir: dir });
  const t0 = performance.now();
  for (let i = 0; i < events; i++) {
    dispatcher.emit(requestEvent("backlog-", i));
    if (i % 32 === 31) await yieldToIo();
  }
  const emitMs = performance.now() - t0;
  const closeStarted = performance.now();
  await dispatcher.close(200);
  const closeMs = performance.now() - closeStarted;
  const acc = spoolAccounting(dispatcher.stats());
  const spooled = dispatcher.stats().reduce((n, s) => n + s.spooled, 0);
  return { events, emitMs, closeMs, acc, spooled, diskBytes: dirBytes(dir), lines: logger.lines.slice(0, 12) };
}

async function replay({ dir, url }) {
  await settle();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  }, 20);
  const logger = keepingLogger();
  const t0 = performance.now();
  const dispatcher = await activate({ env: env(url), logger, resolveFrom: import.meta.url, spoolDir: dir });
  const activateMs = performance.now() - t0;
  const flushed = await dispatcher.flush(600_000);
  const drainMs = performance.now() - t0;
  clearInterval(sampler);
  const acc = spoolAccounting(dispatcher.stats());
  await dispatcher.close(5000);
  const line = logger.lines.find((l) => /replaying \d+ events?/.test(l));
  const replayed = line === undefined ? 0 : Number(/replaying (\d+)/.exec(line)[1]);
  return {
    flushed,
    activateMs,
    drainMs,
    replayed,
    acc,
    diskBytesAfter: dirBytes(dir),
    baseRss: base.rss,
    baseHeap: base.heapUsed,
    peakRss,
    peakHeap,
    lines: logger.lines.slice(0, 12),
  };
}

scenarioMain((options) => (options.mode === "write" ? write(options) : replay(options)));
