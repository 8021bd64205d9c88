// (b) What shipping costs the host: a request loop doing ~20 µs of fixed work, then building and
// emitting its scan log; sink off (no IW_OTLP_URL) / this sink on / collector blackholed / the
// OpenTelemetry SDK pipeline on (same records). The loop yields to I/O every 50 requests.
import { activate } from "@iw/core";
import { plugin } from "../dist/index.js";
import { startSdk } from "./sdk.mjs";
import { calibratedWork, countingLogger, median, percentile, requestScanLog, yieldToIo } from "./common.mjs";

const WORK_US = 20;

async function loop(emit, requests, offset, busy) {
  globalThis.gc?.();
  const lat = new Float64Array(requests);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < requests; i++) {
    const s = process.hrtime.bigint();
    busy();
    emit(requestScanLog(offset + i));
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
  const modes = ["off", "on", "blackholed", "sdk"];
  const results = Object.fromEntries(modes.map((m) => [m, []]));
  let delivered = 0;
  let emittedOn = 0;
  let offset = 0;
  for (let round = 0; round <= rounds; round++) {
    for (const mode of modes) {
      let r;
      if (mode === "sdk") {
        const s = startSdk(healthy.logsUrl, { maxQueueSize: requests });
        r = await loop((e) => s.emit(e), requests, offset, busy);
        await s.flush();
        await s.close();
      } else {
        const env = mode === "off" ? {} : { IW_OTLP_URL: mode === "on" ? healthy.url : hole.url };
        const iw = await activate({ env, plugins: [plugin], logger: countingLogger(), summaryIntervalMs: 0 });
        r = await loop((e) => iw.emit(e), requests, offset, busy);
        if (mode === "on") {
          await iw.flush(30_000);
          const [st] = iw.stats();
          if (round > 0) {
            delivered += st.delivered;
            emittedOn += st.emitted;
          }
        }
        await iw.close(mode === "blackholed" ? 100 : 5000);
      }
      offset += requests;
      if (round > 0) results[mode].push(r); // round 0 warms up
    }
  }
  const st = await healthy.stats();
  await healthy.close();
  await hole.close();
  const m = (mode) => Object.fromEntries(["ms", "cpuMs", "p50", "p99"].map((k) => [k, median(results[mode].map((x) => x[k]))]));
  return { requests, rounds, ...Object.fromEntries(modes.map((x) => [x, m(x)])), delivered, emittedOn, duplicates: st.duplicates };
}
