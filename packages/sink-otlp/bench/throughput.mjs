// (a) Delivered events/s, first emit → everything acknowledged, to the same loopback OTLP
// receiver (another process): this sink behind core's queue (activate) against the OpenTelemetry
// SDK's BatchLogRecordProcessor + OTLP/HTTP protobuf exporter sending the same records.
// Events are emitted in chunks of CHUNK with a turn of the event loop between chunks, as a busy
// server emits them.
import { activate } from "@iw/core";
import { makeTestEvents } from "@iw/testkit";
import { plugin } from "../dist/index.js";
import { startSdk } from "./sdk.mjs";
import { countingLogger, median, yieldToIo } from "./common.mjs";

const CHUNK = 500;

async function emitAll(events, emit) {
  for (let i = 0; i < events.length; i++) {
    emit(events[i]);
    if (i % CHUNK === CHUNK - 1) await yieldToIo();
  }
}

async function measure(rx, events, run) {
  const r = await rx.start();
  // What the previous path left behind must not be collected on this one's time.
  globalThis.gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const extra = await run(r, events);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const st = await r.stats();
  await r.close();
  const delivered = st.distinct;
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, delivered, duplicates: st.duplicates, rate: (delivered / ms) * 1000, ...extra };
}

/** This sink, defaults but a budget that holds the whole burst (as the SDK's queue is sized below). */
const ours =
  (env = {}) =>
  (rx, events) =>
    measure(rx, events, async (r) => {
      const iw = await activate({
        env: { IW_OTLP_URL: r.url, IW_OTLP_MAX_QUEUE_BYTES: "2GiB", IW_OTLP_AUDIT_RESERVE_BYTES: "512MiB", ...env },
        plugins: [plugin],
        logger: countingLogger(),
        summaryIntervalMs: 0,
      });
      await emitAll(events, (e) => iw.emit(e));
      const drained = await iw.flush(120_000);
      await iw.close(1000);
      return { drained };
    });

/** The SDK, its defaults but `maxQueueSize` (2048 by default: a burst beyond it is dropped). */
const sdk = (maxQueueSize) => (rx, events) =>
  measure(rx, events, async (r) => {
    const s = startSdk(r.logsUrl, { maxQueueSize });
    await emitAll(events, (e) => s.emit(e));
    await s.flush();
    await s.close();
    return {};
  });

export async function runThroughput(rx, scale, rounds = 3) {
  const n = 50_000 * scale;
  const paths = {
    ours: ours(),
    oursGzip: ours({ IW_OTLP_COMPRESSION: "gzip" }),
    oursC2: ours({ IW_OTLP_CONCURRENCY: "2" }),
    sdk: sdk(n),
    sdkDefaults: sdk(undefined),
  };
  for (const run of Object.values(paths)) await run(rx, makeTestEvents(5_000)); // warm-up, not measured
  const runs = Object.fromEntries(Object.keys(paths).map((k) => [k, []]));
  const order = Object.entries(paths);
  for (let round = 0; round < rounds; round++) {
    // A different path goes first each round, so none always follows the same neighbour.
    for (let k = 0; k < order.length; k++) {
      const [name, run] = order[(k + round) % order.length];
      runs[name].push(await run(rx, makeTestEvents(n)));
    }
  }
  const summary = (xs) => ({
    rate: median(xs.map((x) => x.rate)),
    cpuUsPerEvent: median(xs.map((x) => (x.cpuMs * 1000) / n)),
    deliveredMin: Math.min(...xs.map((x) => x.delivered)),
    duplicates: Math.max(...xs.map((x) => x.duplicates)),
    all: xs.every((x) => x.delivered === n && x.duplicates === 0),
  });
  const ratios = runs.ours.map((x, i) => x.rate / runs.sdk[i].rate);
  return {
    n,
    rounds,
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    ...Object.fromEntries(Object.entries(runs).map(([k, xs]) => [k, summary(xs)])),
  };
}
