// (b) What shipping costs the host: a request loop doing ~20 µs of (fixed) work, then building and
// emitting its scan log; sink off (no IW_ELK_URL) / on (healthy collector) / collector blackholed.
// The loop yields to I/O every 50 requests, as a server does between requests.
import { activate } from "@iw/core";
import { plugin } from "../dist/index.js";
import { calibratedWork, countingLogger, percentile, requestScanLog, yieldToIo } from "./common.mjs";

const WORK_US = 20;

async function loop(iw, requests, offset, busy) {
  const lat = new Float64Array(requests);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < requests; i++) {
    const s = process.hrtime.bigint();
    busy();
    iw.emit(requestScanLog(offset + i));
    // The yield is part of the request that makes it: whatever the sink does on the event loop
    // then (serializing a batch, writing it) delays that request, as it would in a server.
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
  const healthy = await rx.start();
  const hole = await rx.start();
  await hole.setFault("blackhole");
  const busy = calibratedWork(WORK_US);
  const results = { off: [], on: [], blackholed: [] };
  let delivered = 0;
  let emittedOn = 0;
  let offset = 0;
  for (let round = 0; round <= rounds; round++) {
    for (const mode of ["off", "on", "blackholed"]) {
      const env = mode === "off" ? {} : { IW_ELK_URL: mode === "on" ? healthy.url : hole.url };
      const iw = await activate({ env, plugins: [plugin], logger: countingLogger(), summaryIntervalMs: 0 });
      const r = await loop(iw, requests, offset, busy);
      offset += requests;
      if (mode === "on") {
        await iw.flush(30_000);
        const [s] = iw.stats();
        if (round > 0) {
          delivered += s.delivered;
          emittedOn += s.emitted;
        }
      }
      await iw.close(mode === "blackholed" ? 100 : 5000);
      if (round > 0) results[mode].push(r); // round 0 warms up
    }
  }
  const st = await healthy.stats();
  await healthy.close();
  await hole.close();
  const median = (xs, k) => xs.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const m = (mode) => ({
    ms: median(results[mode], "ms"),
    cpuMs: median(results[mode], "cpuMs"),
    p50: median(results[mode], "p50"),
    p99: median(results[mode], "p99"),
  });
  return { requests, rounds, off: m("off"), on: m("on"), blackholed: m("blackholed"), delivered, emittedOn, duplicates: st.duplicates };
}
