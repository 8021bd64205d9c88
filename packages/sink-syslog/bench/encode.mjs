// (d) What formatting costs on the host's thread: `SyslogSink.prepare` of 500-event batches of
// the host-cost loop's scan logs, in each format, against `JSON.stringify` + `Buffer.from` of
// the same events (what a JSON sink pays), alternating, median of the rounds.
import { SyslogSink } from "../dist/index.js";
import { requestScanLog } from "./common.mjs";

export async function runEncode(scale, rounds = 7) {
  const batches = [];
  for (let b = 0; b < 100 * scale; b++) {
    const batch = [];
    for (let i = 0; i < 500; i++) batch.push(requestScanLog(b * 500 + i));
    batches.push(batch);
  }
  const out = {};
  for (const format of ["rfc5424", "rfc3164", "cef", "leef"]) {
    const sink = new SyslogSink({ url: "tcp://127.0.0.1:9", format });
    const ratios = [];
    let perEvent = [];
    for (let r = 0; r < rounds + 2; r++) {
      let t0 = performance.now();
      for (const b of batches) await sink.prepare(b);
      const p = performance.now() - t0;
      t0 = performance.now();
      for (const b of batches) Buffer.from(JSON.stringify(b));
      const j = performance.now() - t0;
      if (r >= 2) {
        ratios.push(p / j);
        perEvent.push((p * 1e6) / (batches.length * 500));
      }
    }
    await sink.close();
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    out[format] = { ratio: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), ns: median(perEvent) };
  }
  return out;
}
