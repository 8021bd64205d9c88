// (a) Distinct events/s that reach the strict receiver (another process): the sink behind core's
// DeliveryQueue (activate()) over TCP, TLS and UDP; the sink alone; a ceiling (pre-formatted,
// octet-counted 500-message batches written to one connection); and a naive client (one write
// per message, awaited), all in the same run.
import { connect } from "node:net";
import { activate } from "@iw/core";
import { generateTestCertificates, makeTestEvents } from "@iw/testkit";
import { createSyslogSink, plugin } from "../dist/index.js";
// Internals of the built package (not exported): the bench drives the encoder on its own.
import { SyslogEncoder } from "../dist/encoder.js";
import { resolveOptions } from "../dist/resolve-options.js";
import { countingLogger, sleep } from "./common.mjs";

const BATCH = 500;

/** Waits until the receiver has `n` distinct events, or nothing new came for a second. */
async function arrived(r, n, t0) {
  let last = -1;
  let at = performance.now() - t0;
  for (;;) {
    const st = await r.stats();
    if (st.distinct !== last) [last, at] = [st.distinct, performance.now() - t0];
    if (st.distinct >= n || performance.now() - t0 - at > 1000) return { ms: at, st };
    await sleep(2);
  }
}

async function viaQueue(rx, events, transport, env = {}, tls) {
  const r = await rx.start({ transport, ...(tls ? { tls: tls.server } : {}) });
  const iw = await activate({
    env: { IW_SYSLOG_URL: r.url, IW_SYSLOG_MAX_QUEUE_BYTES: "4GiB", IW_SYSLOG_AUDIT_RESERVE_BYTES: "1GiB", ...env },
    plugins: [plugin],
    logger: countingLogger(),
    summaryIntervalMs: 0,
  });
  const t0 = performance.now();
  for (const e of events) iw.emit(e);
  await iw.flush(120_000);
  const { ms, st } = await arrived(r, events.length, t0);
  await iw.close(1000);
  await r.close();
  return { ms, delivered: st.distinct, duplicates: st.duplicates, violations: st.violations };
}

async function sinkAlone(rx, events) {
  const r = await rx.start({ transport: "tcp" });
  const sink = createSyslogSink({ url: r.url });
  const t0 = performance.now();
  for (let i = 0; i < events.length; i += BATCH) {
    const result = await sink.send(events.slice(i, i + BATCH), { signal: AbortSignal.timeout(10_000), attempt: 1, batchId: String(i) });
    if (result.status !== "success") throw result.error;
  }
  const { ms, st } = await arrived(r, events.length, t0);
  await sink.close();
  await r.close();
  return { ms, delivered: st.distinct, duplicates: st.duplicates, violations: st.violations };
}

/** Writes `chunks` to one TCP connection, each write awaited (its callback), as fast as it goes. */
async function writeAll(url, chunks) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise((r) => socket.once("connect", r));
  socket.setNoDelay(true);
  for (const c of chunks) await new Promise((resolve, reject) => socket.write(c, (err) => (err ? reject(err) : resolve())));
  return socket;
}

async function ceiling(rx, events) {
  const r = await rx.start({ transport: "tcp" });
  const enc = new SyslogEncoder(resolveOptions({ url: r.url }));
  const chunks = [];
  for (let i = 0; i < events.length; i += BATCH) {
    chunks.push(
      Buffer.from(
        events
          .slice(i, i + BATCH)
          .map((e) => {
            const t = enc.encode(e).text;
            return `${Buffer.byteLength(t)} ${t}`;
          })
          .join(""),
      ),
    );
  }
  const t0 = performance.now();
  const socket = await writeAll(r.url, chunks);
  const { ms, st } = await arrived(r, events.length, t0);
  socket.destroy();
  await r.close();
  return { ms, delivered: st.distinct, duplicates: st.duplicates, violations: st.violations };
}

/** A simple client: formats and writes each message on its own, awaiting the write. */
async function naive(rx, events) {
  const r = await rx.start({ transport: "tcp" });
  const enc = new SyslogEncoder(resolveOptions({ url: r.url }));
  const { hostname, port } = new URL(r.url);
  const socket = connect(Number(port), hostname);
  await new Promise((res) => socket.once("connect", res));
  const t0 = performance.now();
  for (const e of events) {
    const t = enc.encode(e).text;
    await new Promise((res, rej) => socket.write(`${Buffer.byteLength(t)} ${t}`, (err) => (err ? rej(err) : res())));
  }
  const { ms, st } = await arrived(r, events.length, t0);
  socket.destroy();
  await r.close();
  return { ms, delivered: st.distinct, duplicates: st.duplicates, violations: st.violations };
}

const best = (runs) => runs.reduce((a, b) => (b.delivered / b.ms > a.delivered / a.ms ? b : a));

export async function runThroughput(rx, scale, rounds = 3) {
  const n = 100_000 * scale;
  const nNaive = 20_000 * scale;
  const certs = await generateTestCertificates();
  const tls = { server: { key: certs.server.key, cert: certs.server.cert } };
  const ca = Buffer.from(certs.ca.cert).toString("base64");
  // IW_SYSLOG_CA_FILE takes a path: the bench writes the CA once.
  const { writeFileSync, mkdtempSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const caFile = join(mkdtempSync(join(tmpdir(), "iw-bench-")), "ca.pem");
  writeFileSync(caFile, Buffer.from(ca, "base64"));
  const paths = {
    tcp: (ev) => viaQueue(rx, ev, "tcp"),
    tlsCef: (ev) => viaQueue(rx, ev, "tls", { IW_SYSLOG_FORMAT: "cef", IW_SYSLOG_CA_FILE: caFile }, tls),
    udp: (ev) => viaQueue(rx, ev, "udp"),
    alone: (ev) => sinkAlone(rx, ev),
    ceiling: (ev) => ceiling(rx, ev),
  };
  // Warm-up of every path (JIT, sockets), not measured.
  for (const run of Object.values(paths)) await run(makeTestEvents(5_000));
  await naive(rx, makeTestEvents(1_000));
  const runs = Object.fromEntries([...Object.keys(paths), "naive"].map((k) => [k, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [k, run] of Object.entries(paths)) runs[k].push(await run(makeTestEvents(n)));
    runs.naive.push(await naive(rx, makeTestEvents(nNaive)));
  }
  const rated = (xs, count) => {
    const b = best(xs);
    return {
      ...b,
      rate: (b.delivered / b.ms) * 1000,
      allDelivered: xs.every((x) => x.delivered === count && x.duplicates === 0 && x.violations === 0),
      worst: Math.min(...xs.map((x) => x.delivered)),
    };
  };
  return {
    n,
    nNaive,
    rounds,
    ...Object.fromEntries(Object.keys(paths).map((k) => [k, rated(runs[k], n)])),
    naive: rated(runs.naive, nNaive),
  };
}
