// (b) What shipping costs the host: a request loop doing ~20 µs of (fixed) work, then building and
// emitting its scan log; sink off (no IW_SYSLOG_URL) / on over TCP / on over UDP / TCP receiver
// that accepts and never reads (blackholed). The loop yields to I/O every 50 requests.
import { activate } from "@iw/core";
import { plugin } from "../dist/index.js";
import { calibratedWork, countingLogger, percentile, requestScanLog, sleep, yieldToIo } from "./common.mjs";

const WORK_US = 20;

async function loop(iw, requests, offset, busy) {
  const lat = new Float64Array(requests);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < requests; i++) {
    const s = process.hrtime.bigint();
    busy();
    iw.emit(requestScanLog(offset + i));
    if (i % 50 === 49) await yieldToIo();
    lat[i] = Number(process.hrtime.bigint() - s) / 1000;
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, p50: percentile(lat, 50), p99: percentile(lat, 99) };
}

export async function runHostCost(rx, scale) {
  const requests = 40_000 * scale;
  const rounds = 3;
  const tcp = await rx.start({ transport: "tcp" });
  const udp = await rx.start({ transport: "udp" });
  const hole = await rx.start({ transport: "tcp" });
  await hole.setFault({ kind: "blackhole" });
  const busy = calibratedWork(WORK_US);
  const modes = { off: {}, tcp: { IW_SYSLOG_URL: tcp.url }, udp: { IW_SYSLOG_URL: udp.url }, blackholed: { IW_SYSLOG_URL: hole.url } };
  const results = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
  const emitted = { tcp: 0, udp: 0 };
  let offset = 0;
  for (let round = 0; round <= rounds; round++) {
    for (const [mode, env] of Object.entries(modes)) {
      const iw = await activate({ env, plugins: [plugin], logger: countingLogger(), summaryIntervalMs: 0 });
      const r = await loop(iw, requests, offset, busy);
      offset += requests;
      if (mode === "tcp" || mode === "udp") {
        await iw.flush(30_000);
        if (round > 0) emitted[mode] += iw.stats()[0].emitted;
      }
      await iw.close(mode === "blackholed" ? 100 : 5000);
      if (round > 0) results[mode].push(r); // round 0 warms up
    }
  }
  await sleep(500);
  const received = { tcp: (await tcp.stats()).distinct, udp: (await udp.stats()).distinct };
  for (const r of [tcp, udp, hole]) await r.close();
  const median = (xs, k) => xs.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const m = (mode) => ({
    ms: median(results[mode], "ms"),
    cpuMs: median(results[mode], "cpuMs"),
    p50: median(results[mode], "p50"),
    p99: median(results[mode], "p99"),
  });
  // Round 0 (warm-up) also delivered: count what the measured rounds emitted against all received.
  return {
    requests,
    rounds,
    off: m("off"),
    tcp: m("tcp"),
    udp: m("udp"),
    blackholed: m("blackholed"),
    emitted,
    received,
    totalPerMode: requests * (rounds + 1),
  };
}
