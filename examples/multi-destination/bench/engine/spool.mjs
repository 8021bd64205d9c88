// Scenario 5 — the durable spool (IW_SPOOL_DIR), each part against the same sink without it, in
// the same run:
//   (a) host cost: scenario 1's closed request loop (~15 µs work + build + emit, yield every 16)
//       to a healthy Logstash receiver (another process), alternating spool off / on round by
//       round; per round, the spool-on total wall (first request → flush done) and host-thread
//       CPU divided by the paired spool-off round's.
//   (b) throughput: scenario 4's burst (`events` as fast as possible, yield every 32) with a
//       512 MiB budget for both, so neither drops; delivered/s, first emit → flush done.
//   (c) replay: one host process emits `backlog` events with the collector down and closes
//       (the spool keeps them); a new host process, the collector up, replays them. The receiver
//       of (c) counts event_ids and answers 200 (it runs in this process, not in the host's;
//       the testkit receiver would hold a million decoded events).
// Each spool-on round gets a fresh directory under the temp directory, removed afterwards.
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { activate } from "@iw/core";
import { startCollectorProcess } from "./receivers.mjs";
import { spoolAccounting } from "./spool-common.mjs";
import {
  calibrateWork,
  countingLogger,
  median,
  requestEvent,
  requestLoop,
  scenarioMain,
  settle,
  threadCpuMs,
  yieldToIo,
} from "./common.mjs";

const newSpoolDir = () => mkdtempSync(join(tmpdir(), "iw-spool-bench-"));

async function withSink(collectors, spool, extraEnv, fn) {
  const rx = await collectors.start("logstash");
  const dir = spool ? newSpoolDir() : undefined;
  const logger = countingLogger();
  const env = { IW_ELK_URL: rx.url, IW_SUMMARY_INTERVAL_S: "0", IW_SINKS_STRICT: "true", ...extraEnv };
  const dispatcher = await activate({ env, logger, resolveFrom: import.meta.url, ...(dir === undefined ? {} : { spoolDir: dir }) });
  if (spool !== logger.lines.some((l) => l.includes("spools to")))
    throw new Error(`spool ${spool ? "not " : ""}active: ${logger.lines.join(" | ")}`);
  try {
    const r = await fn(dispatcher);
    const acc = spoolAccounting(dispatcher.stats());
    await dispatcher.close(5000);
    return { ...r, acc, rx, logLines: logger.count, firstLines: logger.lines };
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/** (a) One round of the request loop, timed until flush() resolved. */
async function costRound(collectors, spool, prefix, requests, iterations) {
  const r = await withSink(collectors, spool, {}, async (dispatcher) => {
    await settle();
    const cpu0 = threadCpuMs();
    const t0 = performance.now();
    const loop = await requestLoop(dispatcher, { requests, prefix, iterations });
    const flushed = await dispatcher.flush(60_000);
    return { loopMs: loop.ms, ms: performance.now() - t0, cpuMs: threadCpuMs() - cpu0, flushed };
  });
  const counts = await r.rx.count(prefix);
  await r.rx.close();
  delete r.rx;
  return { ...r, counts, complete: r.flushed && counts.distinct === requests && counts.duplicates === 0 };
}

/** (b) One burst, timed from the first emit until flush() resolved. */
async function burstRound(collectors, spool, prefix, n) {
  const events = Array.from({ length: n }, (_, i) => requestEvent(prefix, i));
  const r = await withSink(collectors, spool, { IW_ELK_MAX_QUEUE_BYTES: "512MiB" }, async (dispatcher) => {
    await settle();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      dispatcher.emit(events[i]);
      if (i % 32 === 31) await yieldToIo();
    }
    const emitMs = performance.now() - t0;
    const flushed = await dispatcher.flush(120_000);
    return { emitMs, ms: performance.now() - t0, flushed };
  });
  const counts = await r.rx.count(prefix);
  await r.rx.close();
  delete r.rx;
  return { ...r, delivered: counts.distinct, duplicates: counts.duplicates, rate: (counts.distinct / r.ms) * 1000 };
}

/** The receiver of (c): answers 200 to every JSON array, counting distinct event_ids. */
async function startCounter() {
  const ids = new Set();
  let total = 0;
  let requests = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      requests++;
      for (const e of JSON.parse(Buffer.concat(chunks).toString("utf8"))) {
        total++;
        ids.add(e.event_id);
      }
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    counts: () => ({ distinct: ids.size, duplicates: total - ids.size, requests }),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A loopback URL nobody listens on (connection refused). */
async function closedPortUrl() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/`;
}

function child(options) {
  return new Promise((resolve, reject) => {
    const proc = fork(new URL("./spool-replay.mjs", import.meta.url), [JSON.stringify(options)], {
      execArgv: ["--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result;
    proc.on("message", (m) => (result = m.result));
    proc.on("exit", (code, signal) =>
      result === undefined ? reject(new Error(`spool-replay ${options.mode} exited (${code ?? signal})`)) : resolve(result),
    );
  });
}

/** (c) A backlog written by one process with the collector down, replayed by the next. */
async function replayBacklog(backlog) {
  const dir = newSpoolDir();
  try {
    const written = await child({ mode: "write", dir, url: await closedPortUrl(), events: backlog });
    const counter = await startCounter();
    try {
      const replayed = await child({ mode: "replay", dir, url: counter.url });
      return { backlog, written, replayed, counts: counter.counts() };
    } finally {
      await counter.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

scenarioMain(async ({ requests = 100_000, rounds = 3, workUs = 15, events = 200_000, backlog = 1_000_000 }) => {
  const collectors = await startCollectorProcess();
  let cost;
  let burst;
  let iterations;
  try {
    const noop = await activate({ env: {}, logger: countingLogger() });
    iterations = await calibrateWork(noop, workUs);
    for (const spool of [false, true]) await costRound(collectors, spool, `warm-cost-${spool}-`, Math.ceil(requests / 5), iterations);
    cost = { off: [], on: [] };
    for (let r = 0; r < rounds; r++) {
      cost.off.push(await costRound(collectors, false, `r${r}-cost-off-`, requests, iterations));
      cost.on.push(await costRound(collectors, true, `r${r}-cost-on-`, requests, iterations));
    }
    cost.wall = cost.on.map((x, r) => x.ms / cost.off[r].ms);
    cost.cpu = cost.on.map((x, r) => x.cpuMs / cost.off[r].cpuMs);

    for (const spool of [false, true]) await burstRound(collectors, spool, `warm-burst-${spool}-`, 20_000);
    burst = { off: [], on: [] };
    for (let r = 0; r < rounds; r++) {
      burst.off.push(await burstRound(collectors, false, `r${r}-burst-off-`, events));
      burst.on.push(await burstRound(collectors, true, `r${r}-burst-on-`, events));
    }
    burst.ratios = burst.on.map((x, r) => x.rate / burst.off[r].rate);
  } finally {
    collectors.stop();
  }
  const replay = await replayBacklog(backlog);
  return {
    requests,
    rounds,
    workUs,
    iterations,
    events,
    cost,
    burst,
    replay,
    median: { wall: median(cost.wall), cpu: median(cost.cpu), burst: median(burst.ratios) },
  };
});
