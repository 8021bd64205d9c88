// Shared pieces of the benchmarks (as in packages/sink-logstash/bench).
import { scanLog } from "@iw/core";

/** A logger that counts lines (and keeps the first few) instead of printing them. */
export function countingLogger() {
  const lines = [];
  let count = 0;
  const push = (level) => (message) => {
    count++;
    if (lines.length < 20) lines.push(`${level} ${message}`);
  };
  return {
    lines,
    get count() {
      return count;
    },
    debug: () => {},
    info: push("info"),
    warn: push("warn"),
    error: push("error"),
  };
}

let blackhole = 0;
function work(iterations) {
  let x = blackhole | 1;
  for (let i = 0; i < iterations; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  blackhole ^= x;
}

/**
 * Returns a function doing a FIXED amount of CPU work that takes about `us` microseconds on an
 * idle core (the fastest of many calibration runs). Fixed work, not "spin until the clock says
 * so": on a shared machine a preempted spin would burn less CPU and flatter whatever runs next.
 */
export function calibratedWork(us) {
  const probe = 200_000;
  let best = Infinity;
  for (let i = 0; i < 30; i++) {
    const t0 = process.hrtime.bigint();
    work(probe);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / probe);
  }
  const iterations = Math.max(1, Math.round((us * 1000) / best));
  return () => work(iterations);
}

/** The scan log a firewall builds per request. */
export function requestScanLog(i) {
  return scanLog({
    direction: "input",
    decision: i % 10 === 0 ? "block" : "allow",
    anomaly_score: i % 10 === 0 ? 12.8 : 0.4,
    threshold: 10,
    policy: "default",
    request_id: `req-${i}`,
    matches:
      i % 10 === 0
        ? [{ signature_id: "INJ-D-002", matched_text: "ignore all previous instructions", score: 6.3, confidence: 0.9, severity: 7 }]
        : [],
  });
}

export const yieldToIo = () => new Promise((r) => setImmediate(r));
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function percentile(values, p) {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
