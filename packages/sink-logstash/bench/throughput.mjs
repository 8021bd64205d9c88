// (a) Distinct events/s delivered: the sink behind core's DeliveryQueue (activate()) vs a ceiling
// (pre-serialized 500-event JSON arrays over keep-alive, 2 in flight, as the queue does) vs the
// replaced approach (InferenceWall's plugin: one POST per event, awaited).
import { Pool } from "undici";
import { activate } from "@iw/core";
import { makeTestEvents } from "@iw/testkit";
import { createLogstashSink, plugin } from "../dist/index.js";
import { countingLogger } from "./common.mjs";

const BATCH = 500;
const CONCURRENCY = 2;

async function viaSink(rx, events) {
  const r = await rx.start();
  const n = String(events.length);
  const iw = await activate({
    env: { IW_ELK_URL: r.url, IW_ELK_MAX_QUEUE_BYTES: "4GiB", IW_ELK_AUDIT_RESERVE_BYTES: "1GiB" },
    plugins: [plugin],
    logger: countingLogger(),
    summaryIntervalMs: 0,
  });
  const t0 = performance.now();
  for (const e of events) iw.emit(e);
  const drained = await iw.flush(120_000);
  const ms = performance.now() - t0;
  await iw.close(1000);
  const st = await r.stats();
  await r.close();
  return { ms, delivered: st.distinct, duplicates: st.duplicates, drained };
}

/** The sink alone, without the queue: batches of 500 handed to `send`, 2 in flight. */
async function sinkDirect(rx, events) {
  const r = await rx.start();
  const sink = createLogstashSink({ urls: [r.url] });
  const batches = [];
  for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches.length) {
        const result = await sink.send(batches[next++], { signal: AbortSignal.timeout(10_000), attempt: 1, batchId: String(next) });
        if (result.status !== "success") throw result.error;
      }
    }),
  );
  const ms = performance.now() - t0;
  await sink.close();
  const st = await r.stats();
  await r.close();
  return { ms, delivered: st.distinct, duplicates: st.duplicates };
}

async function ceiling(rx, events) {
  const r = await rx.start();
  const bodies = [];
  // Bytes, not strings: the cheapest body undici can write.
  for (let i = 0; i < events.length; i += BATCH) bodies.push(Buffer.from(JSON.stringify(events.slice(i, i + BATCH))));
  const pool = new Pool(new URL(r.url).origin, { keepAliveTimeout: 4000 });
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const res = await pool.request({ method: "POST", path: "/", body, headers: { "content-type": "application/json" } });
        await res.body.dump();
      }
    }),
  );
  const ms = performance.now() - t0;
  await pool.destroy();
  const st = await r.stats();
  await r.close();
  return { ms, delivered: st.distinct, duplicates: st.duplicates };
}

/**
 * One POST per event, awaited. `keepAlive: false` opens a connection per event, as a plain
 * `requests.post()` does; with keep-alive it is flattered (the harder baseline to beat 20×).
 */
async function replaced(rx, events, keepAlive) {
  const r = await rx.start();
  const pool = new Pool(new URL(r.url).origin, { keepAliveTimeout: 4000 });
  const t0 = performance.now();
  for (const e of events) {
    const res = await pool.request({
      method: "POST",
      path: "/",
      body: JSON.stringify(e),
      headers: { "content-type": "application/json" },
      reset: !keepAlive,
    });
    await res.body.dump();
  }
  const ms = performance.now() - t0;
  await pool.destroy();
  const st = await r.stats();
  await r.close();
  return { ms, delivered: st.distinct, duplicates: st.duplicates };
}

/** Best of `rounds` runs, interleaved with the other paths so a noisy neighbour hits all alike. */
function best(runs) {
  return runs.reduce((a, b) => (b.delivered / b.ms > a.delivered / a.ms ? b : a));
}

export async function runThroughput(rx, scale, rounds = 3) {
  const n = 100_000 * scale;
  const nReplaced = 3_000 * scale;
  // Warm-up of every path (JIT, sockets), not measured.
  await viaSink(rx, makeTestEvents(5_000));
  await ceiling(rx, makeTestEvents(5_000));
  await replaced(rx, makeTestEvents(300), true);
  const runs = { sink: [], direct: [], ceiling: [], replaced: [], replacedNoKeepAlive: [] };
  for (let round = 0; round < rounds; round++) {
    runs.sink.push(await viaSink(rx, makeTestEvents(n)));
    runs.direct.push(await sinkDirect(rx, makeTestEvents(n)));
    runs.ceiling.push(await ceiling(rx, makeTestEvents(n)));
    runs.replaced.push(await replaced(rx, makeTestEvents(nReplaced), true));
    runs.replacedNoKeepAlive.push(await replaced(rx, makeTestEvents(nReplaced), false));
  }
  const rated = (x) => ({ ...x, rate: (x.delivered / x.ms) * 1000 });
  // Every run must have delivered everything exactly once, not just the best one.
  const allOk = (xs, count) => xs.every((x) => x.delivered === count && x.duplicates === 0);
  return {
    n,
    nReplaced,
    rounds,
    sink: { ...rated(best(runs.sink)), ok: allOk(runs.sink, n) },
    direct: { ...rated(best(runs.direct)), ok: allOk(runs.direct, n) },
    ceiling: { ...rated(best(runs.ceiling)), ok: allOk(runs.ceiling, n) },
    replaced: { ...rated(best(runs.replaced)), ok: allOk(runs.replaced, nReplaced) },
    replacedNoKeepAlive: { ...rated(best(runs.replacedNoKeepAlive)), ok: allOk(runs.replacedNoKeepAlive, nReplaced) },
  };
}
