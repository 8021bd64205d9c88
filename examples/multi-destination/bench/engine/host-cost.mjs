// Scenario 1 — what delivery costs the host's thread, in JSON.stringify units.
//
// A closed loop of `requests` requests, each ~15 µs of fixed CPU work, then building one scan log
// (realistic fields, 1–2 matches) and emitting it; every 16 requests it yields to the event loop.
// Variants, alternated round by round: no sink (activate() with no IW_ variable: the no-op
// dispatcher; the loop still builds and emits the event), Logstash alone, Logstash + Fluentd
// (forward, acks) + a signed webhook. Each "on" round gets fresh collectors (in another process)
// and a fresh dispatcher from IW_* variables; after the loop it awaits flush(), so the host
// thread's CPU is counted from the first request until everything was delivered (serializing
// the last batches, GC of what the queue held). Ratios: added time per request ÷ one
// JSON.stringify of the same event, measured in this process.
import { activate } from "@iw/core";
import { startCollectorProcess } from "./receivers.mjs";
import {
  accounting,
  calibrateWork,
  countingLogger,
  median,
  processCpuMs,
  requestLoop,
  scenarioMain,
  settle,
  stringifyNs,
  threadCpuMs,
} from "./common.mjs";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const VARIANTS = [
  { key: "off", sinks: [] },
  { key: "logstash", sinks: ["logstash"] },
  { key: "all3", sinks: ["logstash", "fluentd", "webhook"] },
];
const ENV_OF = { logstash: "IW_ELK_URL", fluentd: "IW_FLUENTD_URL", webhook: "IW_WEBHOOK_URL" };

async function round(collectors, variant, prefix, requests, iterations) {
  const started = await Promise.all(variant.sinks.map((kind) => collectors.start(kind, kind === "webhook" ? { secrets: [SECRET] } : {})));
  const env = variant.sinks.length === 0 ? {} : { IW_SUMMARY_INTERVAL_S: "0", IW_SINKS_STRICT: "true", IW_WEBHOOK_SECRET: SECRET };
  variant.sinks.forEach((kind, k) => (env[ENV_OF[kind]] = started[k].url));
  const logger = countingLogger();
  const dispatcher = await activate({ env, logger, resolveFrom: import.meta.url });
  if (dispatcher.sinks.length !== variant.sinks.length)
    throw new Error(`expected ${variant.sinks.join(", ") || "no sink"}, got ${dispatcher.sinks.join(", ")}`);
  await settle();
  const cpu0 = threadCpuMs();
  const pcpu0 = processCpuMs();
  const loop = await requestLoop(dispatcher, { requests, prefix, iterations });
  const flushStarted = performance.now();
  const flushed = await dispatcher.flush(60_000);
  const flushMs = performance.now() - flushStarted;
  const cpuMs = threadCpuMs() - cpu0;
  const processMs = processCpuMs() - pcpu0;
  const acc = accounting(dispatcher.stats());
  await dispatcher.close(5000);
  const counts = {};
  for (const [k, kind] of variant.sinks.entries()) {
    counts[kind] = await started[k].count(prefix);
    await started[k].close();
  }
  const complete = flushed && variant.sinks.every((kind) => counts[kind].distinct === requests);
  return {
    ms: loop.ms,
    loopCpuMs: loop.cpuMs,
    cpuMs,
    processMs,
    flushMs,
    flushed,
    counts,
    complete,
    acc,
    logLines: logger.count,
    firstLines: logger.lines,
  };
}

scenarioMain(async ({ requests = 200_000, rounds = 3, workUs = 15 }) => {
  const collectors = await startCollectorProcess();
  try {
    const noop = await activate({ env: {}, logger: countingLogger() });
    const iterations = await calibrateWork(noop, workUs);
    const before = stringifyNs();
    for (const v of VARIANTS) await round(collectors, v, `warm-${v.key}-`, Math.ceil(requests / 5), iterations);
    const results = Object.fromEntries(VARIANTS.map((v) => [v.key, []]));
    for (let r = 0; r < rounds; r++) {
      for (const v of VARIANTS) results[v.key].push(await round(collectors, v, `r${r}-${v.key}-`, requests, iterations));
    }
    const after = stringifyNs();
    const yard = {
      stringifyNs: median([before.stringifyNs, after.stringifyNs]),
      buildNs: median([before.buildNs, after.buildNs]),
      bytes: before.bytes,
      before,
      after,
    };
    // Per round, paired with that round's no-sink run: added ns per request ÷ one stringify.
    const ratios = (key, field) => results[key].map((x, r) => ((x[field] - results.off[r][field]) * 1e6) / requests / yard.stringifyNs);
    const summary = {};
    for (const v of VARIANTS.slice(1)) {
      summary[v.key] = {
        wall: ratios(v.key, "ms"),
        cpu: ratios(v.key, "cpuMs"),
        processCpu: ratios(v.key, "processMs"),
        addedWallNs: results[v.key].map((x, r) => ((x.ms - results.off[r].ms) * 1e6) / requests),
        addedCpuNs: results[v.key].map((x, r) => ((x.cpuMs - results.off[r].cpuMs) * 1e6) / requests),
      };
    }
    return { requests, rounds, workUs, iterations, yard, results, summary };
  } finally {
    collectors.stop();
  }
});
