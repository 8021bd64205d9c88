// Scenario 2 — the collector is blackholed (a TCP server that accepts and never answers).
//
// One fresh process (--expose-gc) per mode: `off` (no sink) and `hole` (Logstash pointed at the
// blackhole). Both run the same closed loop as scenario 1 (same calibrated work) for
// `latencyRequests` requests, recording each request's latency (its share of the event-loop turn
// included), then emit the rest of `events` without the work (yielding every 32), so that
// 1,000,000 events go through. The start point is taken after activation and a warm-up of the
// loop on the no-op dispatcher (the sink holds nothing yet); after a full GC the heap and RSS
// growth are compared with the sink's configured bound. The stats are checked term by term:
// emitted == delivered + dropped.total + queued + inFlight, before and after close().
import { DEFAULT_QUEUE_OPTIONS, activate } from "@iw/core";
import { plugin as logstashPlugin } from "@iw/sink-logstash";
import { startCollectorProcess } from "./receivers.mjs";
import {
  accounting,
  calibrateWork,
  countingLogger,
  percentile,
  requestEvent,
  requestLoop,
  scenarioMain,
  settle,
  stringifyNs,
  yieldToIo,
} from "./common.mjs";

/** IW_ELK_MAX_QUEUE_BYTES from the bench's own environment is passed on (engines that read it). */
const BUDGET_VARIABLE = process.env["IW_ELK_MAX_QUEUE_BYTES"];

/** The Logstash sink's queue bound as this engine defines it: bytes when it has one, else event counts. */
function configuredBound() {
  const q = { ...DEFAULT_QUEUE_OPTIONS, ...(logstashPlugin.queueDefaults ?? {}) };
  if (typeof q.maxQueueBytes === "number") {
    return { kind: "bytes", bytes: BUDGET_VARIABLE ? Number(BUDGET_VARIABLE) : q.maxQueueBytes, auditReserveBytes: q.auditReserveBytes };
  }
  return {
    kind: "events",
    scanEvents: q.maxQueueSize,
    auditEvents: q.maxAuditQueueSize,
    batchSize: q.maxBatchSize,
    concurrency: q.maxConcurrency,
  };
}

scenarioMain(async ({ mode, events = 1_000_000, latencyRequests = 200_000, workUs = 15, iterations }) => {
  const collectors = mode === "hole" ? await startCollectorProcess() : undefined;
  try {
    const hole = collectors ? await collectors.start("blackhole") : undefined;
    const logger = countingLogger();
    const env = hole
      ? {
          IW_ELK_URL: hole.url,
          IW_SUMMARY_INTERVAL_S: "0",
          IW_SINKS_STRICT: "true",
          ...(BUDGET_VARIABLE ? { IW_ELK_MAX_QUEUE_BYTES: BUDGET_VARIABLE } : {}),
        }
      : {};
    const dispatcher = await activate({ env, logger, resolveFrom: import.meta.url });
    const noop = await activate({ env: {}, logger });
    iterations ??= await calibrateWork(noop, workUs);
    const latencies = new Float64Array(latencyRequests);
    await requestLoop(noop, { requests: 20_000, prefix: "warm-", iterations });
    await settle();
    const m0 = process.memoryUsage();
    let peakRss = m0.rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const loop = await requestLoop(dispatcher, { requests: latencyRequests, prefix: "hole-", iterations, latencies });
    const fillStarted = performance.now();
    for (let i = latencyRequests; i < events; i++) {
      dispatcher.emit(requestEvent("hole-", i));
      if (i % 32 === 31) await yieldToIo();
    }
    const fillMs = performance.now() - fillStarted;
    clearInterval(sampler);
    const beforeGc = accounting(dispatcher.stats());
    await settle();
    const m1 = process.memoryUsage();
    const beforeClose = accounting(dispatcher.stats());
    const closeStarted = performance.now();
    await dispatcher.close(200);
    const closeMs = performance.now() - closeStarted;
    const afterClose = accounting(dispatcher.stats());
    const yard = stringifyNs();
    return {
      mode,
      events,
      latencyRequests,
      iterations,
      loopMs: loop.ms,
      fillMs,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      p999: percentile(latencies, 99.9),
      max: percentile(latencies, 100),
      rssGrowthMb: (m1.rss - m0.rss) / 2 ** 20,
      heapGrowthMb: (m1.heapUsed - m0.heapUsed) / 2 ** 20,
      peakRssGrowthMb: (Math.max(peakRss, m1.rss) - m0.rss) / 2 ** 20,
      heapUsedMb: m1.heapUsed / 2 ** 20,
      bound: configuredBound(),
      eventBytes: yard.bytes,
      beforeGc,
      beforeClose,
      afterClose,
      closeMs,
      logLines: logger.count,
      firstLines: logger.lines,
    };
  } finally {
    collectors?.stop();
  }
});
