import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { activate } from "@iw/core";
import type { Dispatcher, Logger, SinkStats } from "@iw/core";
import { delay, makeTestEvents, startLogstashReceiver, waitFor } from "@iw/testkit";
import type { LogstashReceiver } from "@iw/testkit";
import { buildHostApp } from "./host-app.js";
import { plugin } from "../src/index.js";
import { ids, recordingLogger, startRawServer } from "./helpers.js";
import type { RawServer } from "./helpers.js";

/*
 * The delivery engine v2 as a user of the Logstash sink sees it, against real loopback
 * collectors: what arrives (by event_id), what the stats say, what is logged.
 */

let iw: Dispatcher | undefined;
const servers: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await iw?.close(1000);
  iw = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** The dispatcher a host gets from `activate()` with IW_ELK_URL=`url` and the given `IW_ELK_*` queue settings. */
function activateLogstash(url: string, queue: Record<string, string>, logger: Logger): Promise<Dispatcher> {
  return activate({ env: { IW_ELK_URL: url, ...queue }, plugins: [plugin], logger });
}

function statsOf(dispatcher: Dispatcher): SinkStats {
  return dispatcher.stats()[0]!;
}

function expectInvariant(s: SinkStats): void {
  expect(s.emitted).toBe(s.delivered + s.dropped.total + s.queued + s.inFlight);
}

/** The `event_id`s of a Logstash request body (a JSON array). */
function bodyIds(body: Buffer): string[] {
  return (JSON.parse(body.toString("utf8")) as { event_id: string }[]).map((e) => e.event_id);
}

/** A small seeded PRNG (mulberry32), so a "random" collector fails the same way on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("an event the collector keeps refusing (a poison event)", () => {
  it("drops only that event as rejected after maxRefusals tries, names it in the log, and delivers every other event once", async () => {
    const events = makeTestEvents(200, { kind: "scan" });
    const poisonId = events[37]!.event_id;
    const accepted: string[] = [];
    const aloneTries: number[] = [];
    const server: RawServer = await startRawServer((res, i) => {
      const sent = bodyIds(server.requests[i]!.body);
      if (sent.includes(poisonId)) {
        if (sent.length === 1) aloneTries.push(i);
        res.writeHead(500, { "content-type": "text/plain" }).end("pipeline error");
        return;
      }
      accepted.push(...sent);
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
    servers.push(server);
    const logger = recordingLogger();
    iw = await activateLogstash(
      server.url,
      {
        IW_ELK_BATCH_SIZE: "20",
        IW_ELK_FLUSH_MS: "10",
        IW_ELK_RETRY_INITIAL_MS: "10",
        IW_ELK_RETRY_MAX_MS: "40",
        IW_ELK_MAX_REFUSALS: "3",
      },
      logger,
    );

    // Traffic keeps flowing while the poison is narrowed down: 10 scan logs every 50 ms.
    for (let i = 0; i < events.length; i += 10) {
      for (const e of events.slice(i, i + 10)) iw.emit(e);
      await delay(50);
    }
    const dispatcher = iw;
    await waitFor(
      () => {
        const s = statsOf(dispatcher);
        return s.queued + s.inFlight === 0 && s.dropped.rejected === 1;
      },
      { timeoutMs: 3000, what: "the poison event dropped and everything else delivered" },
    );

    expect([...accepted].sort()).toEqual(
      ids(events)
        .filter((id) => id !== poisonId)
        .sort(),
    );
    const s = statsOf(iw);
    expect(s).toMatchObject({ emitted: 200, delivered: 199, state: "active", dropped: { rejected: 1, total: 1 } });
    expectInvariant(s);
    // Alone, it was refused while other events got through maxRefusals times; tries alone with
    // nothing else sent meanwhile prove nothing about the event and are not counted.
    expect(aloneTries.length).toBeGreaterThanOrEqual(3);
    const named = logger.lines.filter((l) => l.includes(poisonId));
    // The tries are told once a minute at most; the drop is always told.
    expect(named.filter((l) => l.includes("while other events got through")).map((l) => /\((\d) of 3 tries\)/.exec(l)?.[1])).toEqual(["1"]);
    const dropLines = named.filter((l) => l.includes("(rejected)"));
    expect(dropLines).toHaveLength(1);
    expect(dropLines[0]).toMatch(
      /^warn \[iw:logstash\] dropped 1 event the collector refused \(rejected\): .*answered 500.*; event_id [0-9a-f-]{36}/,
    );
    expect(named).toHaveLength(2);
    // No other event is ever named as refused.
    const otherIds = new Set(ids(events).filter((id) => id !== poisonId));
    expect(logger.lines.filter((l) => /refused|rejected/.test(l) && [...otherIds].some((id) => l.includes(id)))).toEqual([]);
  });
});

describe("a flaky collector (70 % of requests answered 500)", () => {
  it("never holds more than maxQueueBytes, and once it heals delivers everything held, each event once", async () => {
    const random = seeded(7);
    let failRate = 0.7;
    const accepted: string[] = [];
    const server = await startRawServer((res, i) => {
      if (random() < failRate) {
        res.writeHead(500, { "content-type": "text/plain" }).end("flaky");
        return;
      }
      accepted.push(...bodyIds(server.requests[i]!.body));
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
    servers.push(server);
    const logger = recordingLogger();
    const budget = 64 * 1024;
    iw = await activateLogstash(
      server.url,
      {
        IW_ELK_MAX_QUEUE_BYTES: String(budget),
        IW_ELK_BATCH_SIZE: "20",
        IW_ELK_FLUSH_MS: "5",
        IW_ELK_RETRY_INITIAL_MS: "5",
        IW_ELK_RETRY_MAX_MS: "40",
      },
      logger,
    );
    const dispatcher = iw;

    const over: Pick<SinkStats, "heldBytes" | "budgetBytes" | "queued" | "inFlight">[] = [];
    let samples = 0;
    let maxHeldBytes = 0;
    let maxHeldEvents = 0;
    const sample = (): void => {
      const { heldBytes, budgetBytes, queued, inFlight } = statsOf(dispatcher);
      samples++;
      if (!(heldBytes <= budgetBytes && budgetBytes === budget) && over.length < 3) over.push({ heldBytes, budgetBytes, queued, inFlight });
      maxHeldBytes = Math.max(maxHeldBytes, heldBytes);
      maxHeldEvents = Math.max(maxHeldEvents, queued + inFlight);
    };
    const sampler = setInterval(sample, 2);
    // Chunks of 300 (about twice the budget) pushed at once: the budget is exceeded whatever the
    // collector's pace, and the last chunk is still held when `before` is read.
    const events = makeTestEvents(3000, { kind: "scan" });
    try {
      for (let i = 0; i < events.length; i += 300) {
        if (i > 0) await delay(30);
        for (const e of events.slice(i, i + 300)) iw.emit(e);
        sample();
      }
    } finally {
      clearInterval(sampler);
    }

    // What is held never adds up to more than the budget in serialized bytes.
    const smallest = Math.min(...events.map((e) => JSON.stringify(e).length));
    expect(maxHeldEvents * smallest).toBeLessThanOrEqual(budget);
    expect(over).toEqual([]);
    // The test could fail: far more was emitted than fits, and the budget was really used.
    expect(samples).toBeGreaterThan(100);
    expect(maxHeldBytes).toBeGreaterThan(budget / 4);
    const before = statsOf(iw);
    expect(before.dropped.queue_full).toBeGreaterThan(0);
    expect(before.queued + before.inFlight).toBeGreaterThan(0);

    failRate = 0;
    expect(await iw.flush(4000)).toBe(true);
    const after = statsOf(iw);
    expect(after).toMatchObject({ queued: 0, inFlight: 0, emitted: 3000 });
    expect(after.delivered - before.delivered).toBe(before.queued + before.inFlight);
    expect(after.dropped).toEqual(before.dropped);
    expect(after.dropped.total).toBe(after.dropped.queue_full);
    expectInvariant(after);
    expect(accepted).toHaveLength(after.delivered);
    expect(new Set(accepted).size).toBe(accepted.length);
    const emitted = new Set(ids(events));
    expect(accepted.filter((id) => !emitted.has(id))).toEqual([]);
  });
});

describe("a collector coming back after an outage", () => {
  /** Takes the receiver down and emits `burst` events at once, so `burst / batch` batches fail together. */
  async function outage(receiver: LogstashReceiver, dispatcher: Dispatcher, burst: number): Promise<string[]> {
    await receiver.setFault("down");
    const events = makeTestEvents(burst, { kind: "scan" });
    for (const e of events) dispatcher.emit(e);
    return ids(events);
  }

  it("delivers within a second of its return, and the first success releases the whole backlog at once", async () => {
    const receiver = await startLogstashReceiver();
    servers.push(receiver);
    const logger = recordingLogger();
    iw = await activateLogstash(
      receiver.url,
      {
        IW_ELK_BATCH_SIZE: "10",
        IW_ELK_CONCURRENCY: "16",
        IW_ELK_FLUSH_MS: "10",
        IW_ELK_RETRY_INITIAL_MS: "400",
        IW_ELK_RETRY_MAX_MS: "700",
      },
      logger,
    );
    // 16 batches fail together, each then waiting for a retry.
    const emitted = await outage(receiver, iw, 160);
    // Down for 1.5 s while the host keeps emitting.
    for (let round = 0; round < 15; round++) {
      const more = makeTestEvents(5, { kind: "scan" });
      for (const e of more) iw.emit(e);
      emitted.push(...ids(more));
      await delay(100);
    }
    expect(receiver.events).toHaveLength(0);
    expect(statsOf(iw).state).toBe("backoff");

    await receiver.setFault("none");
    const back = Date.now();
    await receiver.waitForEvents(emitted.length, 3000);
    expect(await iw.flush(1000)).toBe(true); // the last answers reach the engine

    const delivering = receiver.requests.filter((r) => r.eventCount > 0).map((r) => r.receivedAt);
    const first = Math.min(...delivering);
    const last = Math.max(...delivering);
    expect(first - back).toBeLessThan(1000);
    expect(last - first).toBeLessThan(300); // each waiting batch on its own backoff: 400-650 ms
    expect(receiver.distinctEventIds()).toBe(emitted.length);
    expect(receiver.duplicates()).toBe(0);
    const s = statsOf(iw);
    expect(s).toMatchObject({ emitted: emitted.length, delivered: emitted.length, state: "active", dropped: { total: 0 } });
    expectInvariant(s);
  });

  it("close() right after the return sends what waits for a long backoff at once and drops nothing", async () => {
    const receiver = await startLogstashReceiver();
    servers.push(receiver);
    const logger = recordingLogger();
    iw = await activateLogstash(
      receiver.url,
      {
        IW_ELK_BATCH_SIZE: "50",
        IW_ELK_CONCURRENCY: "4",
        IW_ELK_FLUSH_MS: "10",
        IW_ELK_RETRY_INITIAL_MS: "30000",
        IW_ELK_RETRY_MAX_MS: "30000",
      },
      logger,
    );
    const dispatcher = iw;
    const emitted = await outage(receiver, iw, 200);
    await waitFor(() => statsOf(dispatcher).retried >= 4, { timeoutMs: 2000, what: "the 4 batches failed once" });

    await receiver.setFault("none");
    const started = Date.now();
    expect(await iw.close(5000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1500);

    const s = statsOf(iw);
    // The 200 scan logs and the traffic summary close() sends last.
    expect(s).toMatchObject({ emitted: 201, delivered: 201, queued: 0, inFlight: 0, dropped: { closed: 0, total: 0 } });
    expect(receiver.events.filter((e) => e["log_type"] === "scan").map((e) => e["event_id"])).toEqual(expect.arrayContaining(emitted));
    expect(receiver.events.map((e) => e["log_type"])).toEqual([...Array<string>(200).fill("scan"), "summary"]);
    expect(receiver.duplicates()).toBe(0);
    expect(logger.lines.filter((l) => l.includes("undelivered"))).toEqual([]);
  });
});

describe("a host that never calls close() (built packages, child process)", () => {
  let app: string;

  beforeAll(() => {
    app = buildHostApp("exit-host", "exit-app.mjs", "app.mjs");
  }, 180_000);

  afterAll(() => {
    if (app) rmSync(app, { recursive: true, force: true });
  });

  interface Run {
    readonly code: number | null;
    readonly ms: number;
    readonly ids: string[];
    readonly stderr: string;
  }

  /** Runs the app with `env` (and nothing else of this process's environment). */
  function runApp(env: Record<string, string>): Promise<Run> {
    const started = Date.now();
    return new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, ["app.mjs"], {
        cwd: app,
        env: { PATH: process.env["PATH"] ?? "", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
      const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(killer);
        try {
          const report = JSON.parse(stdout.trim().split("\n").pop() ?? "") as { enabled: boolean; ids: string[] };
          if (!report.enabled) throw new Error("no sink was activated");
          resolve({ code, ms: Date.now() - started, ids: report.ids, stderr });
        } catch (err) {
          reject(new Error(`app exited with ${code}: ${String(err)}\nstdout: ${stdout}\nstderr: ${stderr}`));
        }
      });
    });
  }

  it("delivers every emitted event before the process exits on its own", async () => {
    const receiver = await startLogstashReceiver();
    servers.push(receiver);

    const run = await runApp({ IW_ELK_URL: receiver.url });

    expect(run.code).toBe(0);
    expect(run.ids).toHaveLength(6);
    expect(receiver.eventIds().sort()).toEqual([...run.ids].sort());
    expect(run.stderr).not.toMatch(/undelivered/);
  });

  it("with the collector down, exits within IW_EXIT_FLUSH_MS and says in one line how many events are undelivered", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });

    const run = await runApp({ IW_ELK_URL: `http://127.0.0.1:${closedPort}/`, IW_EXIT_FLUSH_MS: "300" });

    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(2000);
    const lines = run.stderr.split("\n").filter((l) => l.includes("undelivered"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("process exiting with 6 events undelivered (logstash: 6)");
  });
});

describe("a burst of 20,000 scan logs in one tick", () => {
  it("delivers all of them with the default budget", async () => {
    const receiver = await startLogstashReceiver();
    servers.push(receiver);
    iw = await activateLogstash(receiver.url, {}, recordingLogger());
    const events = makeTestEvents(20_000, { kind: "scan" });

    for (const e of events) iw.emit(e);
    expect(await iw.flush(4000)).toBe(true);

    expect(receiver.distinctEventIds()).toBe(20_000);
    expect(receiver.duplicates()).toBe(0);
    const s = statsOf(iw);
    expect(s).toMatchObject({ emitted: 20_000, delivered: 20_000, dropped: { total: 0 } });
    expectInvariant(s);
  });
});
