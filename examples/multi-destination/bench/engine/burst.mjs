// Scenario 4 — a burst: `events` events emitted as fast as possible (yielding to the event loop
// every 32) to the loopback Logstash receiver (another process), timed from the first emit until
// flush() resolved; against a ceiling in the same run: the same number of events, pre-serialized
// as JSON-array batches of the sink's batch size, POSTed over undici keep-alive with the sink's
// concurrency. Rounds alternate sink / ceiling; every round uses fresh events (a delivered event
// belongs to the dispatcher) and a fresh receiver, counted by distinct event_id.
import { DEFAULT_QUEUE_OPTIONS, activate } from "@iw/core";
import { plugin as logstashPlugin } from "@iw/sink-logstash";
import { startCollectorProcess } from "./receivers.mjs";
import { accounting, countingLogger, loadUndici, median, requestEvent, scenarioMain, settle, yieldToIo } from "./common.mjs";

const { Pool } = loadUndici();
const QUEUE = { ...DEFAULT_QUEUE_OPTIONS, ...(logstashPlugin.queueDefaults ?? {}) };
const BATCH = QUEUE.maxBatchSize;
const CONCURRENCY = QUEUE.maxConcurrency;

const build = (prefix, n) => Array.from({ length: n }, (_, i) => requestEvent(prefix, i));

async function viaSink(collectors, n, prefix) {
  const rx = await collectors.start("logstash");
  const logger = countingLogger();
  const extra = process.env.IW_ELK_MAX_QUEUE_BYTES ? { IW_ELK_MAX_QUEUE_BYTES: process.env.IW_ELK_MAX_QUEUE_BYTES } : {};
  const dispatcher = await activate({
    env: { IW_ELK_URL: rx.url, IW_SUMMARY_INTERVAL_S: "0", IW_SINKS_STRICT: "true", ...extra },
    logger,
    resolveFrom: import.meta.url,
  });
  const events = build(prefix, n);
  await settle();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    dispatcher.emit(events[i]);
    if (i % 32 === 31) await yieldToIo();
  }
  const emitMs = performance.now() - t0;
  const flushed = await dispatcher.flush(60_000);
  const ms = performance.now() - t0;
  const acc = accounting(dispatcher.stats());
  await dispatcher.close(1000);
  const counts = await rx.count(prefix);
  await rx.close();
  return {
    ms,
    emitMs,
    flushed,
    delivered: counts.distinct,
    duplicates: counts.duplicates,
    acc,
    logLines: logger.count,
    firstLines: logger.lines,
  };
}

async function ceiling(collectors, n, prefix) {
  const rx = await collectors.start("logstash");
  const events = build(prefix, n);
  const batches = [];
  for (let i = 0; i < n; i += BATCH) batches.push(Buffer.from(JSON.stringify(events.slice(i, i + BATCH))));
  const pool = new Pool(new URL(rx.url).origin, { connections: CONCURRENCY, keepAliveTimeout: 10_000 });
  await settle();
  let next = 0;
  let refused = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches.length) {
        const body = batches[next++];
        const res = await pool.request({
          method: "POST",
          path: new URL(rx.url).pathname,
          body,
          headers: { "content-type": "application/json" },
        });
        if (res.statusCode !== 200) refused++;
        await res.body.dump();
      }
    }),
  );
  const ms = performance.now() - t0;
  await pool.destroy();
  const counts = await rx.count(prefix);
  await rx.close();
  return { ms, delivered: counts.distinct, duplicates: counts.duplicates, refused };
}

scenarioMain(async ({ events = 200_000, rounds = 3 }) => {
  const collectors = await startCollectorProcess();
  try {
    await viaSink(collectors, 20_000, "warm-sink-");
    await ceiling(collectors, 20_000, "warm-ceiling-");
    const sink = [];
    const ceil = [];
    for (let r = 0; r < rounds; r++) {
      sink.push(await viaSink(collectors, events, `r${r}-sink-`));
      ceil.push(await ceiling(collectors, events, `r${r}-ceiling-`));
    }
    const rate = (x) => (x.delivered / x.ms) * 1000;
    const ratios = sink.map((x, r) => rate(x) / rate(ceil[r]));
    return {
      events,
      rounds,
      batch: BATCH,
      concurrency: CONCURRENCY,
      sink,
      ceiling: ceil,
      sinkRate: median(sink.map(rate)),
      ceilingRate: median(ceil.map(rate)),
      ratios,
      ratio: median(ratios),
    };
  } finally {
    collectors.stop();
  }
});
