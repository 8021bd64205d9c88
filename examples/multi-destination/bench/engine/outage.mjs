// Scenario 3 — outages and a poison event, default settings, Logstash.
//
// Outage: events are emitted at a steady rate (paced on the clock, every 5 ms) while the Logstash
// receiver (in another process) is up for `upMs`, down for `downMs` (listener closed, open
// connections destroyed: connection refused), then listening again on the SAME port for
// `afterMs` more of emission. Then flush (bounded). Counted at the receiver by event_id: distinct
// and duplicates against emitted; resumption = from the receiver being back to the first
// accepted request that carried events.
//
// Poison: the receiver answers 500 to every request whose body holds one event's event_id, 200
// otherwise. Every other event should still arrive; we wait (bounded) for them.
import { activate } from "@iw/core";
import { startCollectorProcess } from "./receivers.mjs";
import { accounting, countingLogger, requestEvent, scenarioMain, sleep } from "./common.mjs";

const ENV = { IW_SUMMARY_INTERVAL_S: "0", IW_SINKS_STRICT: "true" };

/** Emits `rate` events/s on the clock until `stop()`; `special(i)` may supply event i. */
function pacedEmitter(dispatcher, rate, prefix, special = () => undefined) {
  const t0 = performance.now();
  let emitted = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) * rate) / 1000);
    for (; emitted < due; emitted++) dispatcher.emit(special(emitted) ?? requestEvent(prefix, emitted));
  }, 5);
  return {
    get emitted() {
      return emitted;
    },
    stop() {
      clearInterval(timer);
      return { emitted, seconds: (performance.now() - t0) / 1000 };
    },
  };
}

async function outage(collectors, { rate, upMs, downMs, afterMs, flushMs }, prefix) {
  const rx = await collectors.start("logstash");
  const logger = countingLogger();
  const dispatcher = await activate({ env: { ...ENV, IW_ELK_URL: rx.url }, logger, resolveFrom: import.meta.url });
  const emitter = pacedEmitter(dispatcher, rate, prefix);
  await sleep(upMs);
  await rx.down();
  const emittedAtDown = emitter.emitted;
  await sleep(downMs);
  await rx.up();
  const upAt = performance.now();
  const emittedAtUp = emitter.emitted;
  await sleep(afterMs);
  const { emitted, seconds } = emitter.stop();
  const flushed = await dispatcher.flush(flushMs);
  const allInMs = performance.now() - upAt;
  const acc = accounting(dispatcher.stats());
  const resumeMs = await rx.resumeMs();
  const counts = await rx.count(prefix);
  await dispatcher.close(1000);
  await rx.close();
  return {
    rate,
    upMs,
    downMs,
    afterMs,
    emitted,
    actualRate: emitted / seconds,
    emittedAtDown,
    emittedAtUp,
    flushed,
    allInMs,
    resumeMs,
    counts,
    acc,
    logLines: logger.count,
    firstLines: logger.lines,
  };
}

async function poison(collectors, { rate, emitMs, waitMs, poisonIndex }, prefix) {
  const rx = await collectors.start("poison");
  const logger = countingLogger();
  const dispatcher = await activate({ env: { ...ENV, IW_ELK_URL: rx.url }, logger, resolveFrom: import.meta.url });
  const bad = requestEvent(prefix, poisonIndex);
  await rx.poison(bad.event_id);
  const emitter = pacedEmitter(dispatcher, rate, prefix, (i) => (i === poisonIndex ? bad : undefined));
  await sleep(emitMs);
  const { emitted } = emitter.stop();
  const stoppedAt = performance.now();
  // Wait until every other event arrived (or the bound).
  let counts = await rx.count(prefix);
  while (counts.distinct < emitted - 1 && performance.now() - stoppedAt < waitMs) {
    await sleep(250);
    counts = await rx.count(prefix);
  }
  const othersInMs = counts.distinct >= emitted - 1 ? performance.now() - stoppedAt : undefined;
  const acc = accounting(dispatcher.stats());
  await dispatcher.close(1000);
  const afterClose = accounting(dispatcher.stats());
  await rx.close();
  return {
    rate,
    emitted,
    poisonIndex,
    othersExpected: emitted - 1,
    counts,
    othersInMs,
    waitMs,
    acc,
    afterClose,
    logLines: logger.count,
    firstLines: logger.lines,
  };
}

scenarioMain(async ({ quick = false }) => {
  const collectors = await startCollectorProcess();
  try {
    const flushMs = quick ? 20_000 : 40_000;
    const short = await outage(collectors, { rate: 4000, upMs: 1000, downMs: 3000, afterMs: 2000, flushMs }, "out3-");
    const long = await outage(collectors, { rate: 2000, upMs: 1000, downMs: quick ? 5000 : 10_000, afterMs: 2000, flushMs }, "out10-");
    const bad = await poison(
      collectors,
      { rate: 2000, emitMs: quick ? 2000 : 3000, waitMs: quick ? 8000 : 15_000, poisonIndex: 1000 },
      "poison-",
    );
    return { outages: [short, long], poison: bad };
  } finally {
    collectors.stop();
  }
});
