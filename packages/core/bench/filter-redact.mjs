// Cost of the per-event work activation adds: the compiled event filter (run by emit, per sink)
// and redaction (run at batch time, per sink), each against a baseline in the same run.
// `node bench/filter-redact.mjs` from packages/core after `npx tsc -p tsconfig.build.json`.
import { auditEvent, compileEventFilter, createRedactor, scanLog } from "../dist/index.js";

const N = Number(process.env.IW_BENCH_EVENTS ?? 1_000_000);
const events = Array.from({ length: 1024 }, (_, i) =>
  i % 4 === 3
    ? auditEvent({ category: "auth", action: "login_attempt", source_ip: "10.0.0.1" })
    : scanLog({
        direction: i % 2 ? "input" : "output",
        decision: ["allow", "flag", "block"][i % 3],
        anomaly_score: 12.8,
        threshold: 10,
        policy: "default",
        request_id: `req-${i}`,
        matches: [
          { signature_id: "INJ-D-002", matched_text: `ignore all previous instructions ${i}`, score: 6.3, confidence: 0.9, severity: 7 },
        ],
      }),
);

// A fresh loop per case (new Function), so one case's call-site feedback cannot slow another.
function time(fn, n) {
  const loop = new Function("fn", "events", "n", "let s = 0; for (let i = 0; i < n; i++) if (fn(events[i & 1023])) s++; return s;");
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const t0 = process.hrtime.bigint();
    if (loop(fn, events, n) < 0) console.log("unreachable");
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / n);
  }
  return best;
}

const identity = (e) => e;
const cases = {
  "accept-all predicate (baseline)": [() => true, N],
  "filter all": [compileEventFilter("all").accepts, N],
  "filter scan:block,audit:auth": [compileEventFilter("scan:block,audit:auth").accepts, N],
  "filter -scan:allow,-audit:lifecycle": [compileEventFilter("-scan:allow,-audit:lifecycle").accepts, N],
  "identity transform (baseline)": [identity, N / 10],
  "redact mask": [createRedactor({ mode: "mask" }), N / 10],
  "redact hash (HMAC-SHA256)": [createRedactor({ mode: "hash", key: "bench-key-0123456789" }), N / 10],
};
const results = {};
for (const [name, [fn, n]] of Object.entries(cases)) results[name] = time(fn, n);
const base = { filter: results["accept-all predicate (baseline)"], redact: results["identity transform (baseline)"] };
console.log("| case | ns/event | × baseline |");
console.log("|---|---:|---:|");
for (const [name, ns] of Object.entries(results)) {
  const b = name.startsWith("filter") || name.startsWith("accept") ? base.filter : base.redact;
  console.log(`| ${name} | ${ns.toFixed(1)} | ${(ns / b).toFixed(1)} |`);
}
