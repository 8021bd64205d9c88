// (c) An outage with default settings: steady emission (1000 events/s) while the collector is
// up 1 s, down 3 s (connection refused), answers 429 + Retry-After: 1 for 3 s, then is up again.
// Every event must arrive once recovery comes, none twice.
import { activate } from "@iw/core";
import { plugin } from "../dist/index.js";
import { countingLogger, requestScanLog, sleep } from "./common.mjs";

export async function runOutage(rx) {
  const r = await rx.start();
  const logger = countingLogger();
  const iw = await activate({ env: { IW_ELK_URL: r.url }, plugins: [plugin], logger, summaryIntervalMs: 0 });
  let emitted = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < 10; i++) iw.emit(requestScanLog(emitted++));
  }, 10);
  await sleep(1000);
  await r.setFault("down");
  await sleep(3000);
  await r.setFault({ mode: "status", status: 429, retryAfter: 1 });
  await sleep(3000);
  await r.setFault("none");
  const recoveredAt = performance.now();
  await sleep(1000);
  clearInterval(timer);
  const drained = await iw.flush(60_000);
  const drainMs = performance.now() - recoveredAt;
  const [stats] = iw.stats();
  await iw.close(1000);
  const st = await r.stats();
  await r.close();
  return { emitted, drained, drainMs, stats, received: st.distinct, duplicates: st.duplicates, logLines: logger.count };
}
