import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { activate, scanLog } from "@iw/core";
import type { Dispatcher, IwEvent, SinkStats } from "@iw/core";
import { delay, startLogstashReceiver, waitFor } from "@iw/testkit";
import type { LogstashReceiver } from "@iw/testkit";
import { buildHostApp } from "./host-app.js";
import { openSpool } from "../../core/src/spool/index.js";
import { plugin } from "../src/index.js";
import { recordingLogger } from "./helpers.js";

/*
 * The durable spool (IW_SPOOL_DIR) as a host using the Logstash sink sees it: real loopback
 * collectors, real files, and (for crashes and a second process) real child processes running
 * the built packages.
 */

/** The spool's group commit window in these tests (IW_SPOOL_FLUSH_MS). */
const FLUSH_MS = 50;
/** Timer and scheduling delay allowed on top of one flush window on a loaded 2-core machine. */
const SLACK_MS = 350;
const MIB = 1024 * 1024;

let iw: Dispatcher | undefined;
const servers: { close(): Promise<void> }[] = [];
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await iw?.close(1000);
  iw = undefined;
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "iw-spool-ls-"));
  dirs.push(d);
  return d;
}

/** A receiver that is down (its port closed, kept for its return). */
async function downReceiver(): Promise<LogstashReceiver> {
  const receiver = await startLogstashReceiver();
  servers.push(receiver);
  await receiver.setFault("down");
  return receiver;
}

function statsOf(dispatcher: Dispatcher): SinkStats {
  return dispatcher.stats()[0]!;
}

function expectInvariant(s: SinkStats): void {
  expect(s.emitted).toBe(s.delivered + s.dropped.total + s.queued + s.inFlight + s.spooled);
}

const scan = (id: string): IwEvent =>
  scanLog({
    event_id: id,
    direction: "input",
    decision: "block",
    anomaly_score: 12.8,
    threshold: 10,
    policy: "default",
    request_id: id,
    matches: [],
  });

/** `count` scan logs `<prefix>-<n>` (n zero-padded, so ids sort in emission order). */
function scans(prefix: string, count: number): IwEvent[] {
  return Array.from({ length: count }, (_, i) => scan(`${prefix}-${String(i).padStart(7, "0")}`));
}

/** Emits in chunks, yielding to the event loop between them (as a serving host would). */
async function emitAll(dispatcher: Dispatcher, events: readonly IwEvent[], chunk: number, between?: () => void): Promise<void> {
  for (let i = 0; i < events.length; i += chunk) {
    for (let j = i; j < Math.min(i + chunk, events.length); j++) dispatcher.emit(events[j]!);
    between?.();
    await new Promise((r) => setImmediate(r));
  }
}

/** Bytes of the regular files in `dir` (not recursive), and the names of its segments. */
function dirUsage(dir: string): { bytes: number; segments: string[] } {
  let bytes = 0;
  const segments: string[] = [];
  for (const name of readdirSync(dir)) {
    const st = statSync(join(dir, name));
    if (!st.isFile()) continue;
    bytes += st.size;
    if (name.endsWith(".seg")) segments.push(name);
  }
  return { bytes, segments };
}

/** Opens the sink's spool directory the way the next run would: how many records are still unacknowledged. */
async function unackedIn(dir: string): Promise<number> {
  const spool = await openSpool({ dir });
  try {
    return spool.unacked;
  } finally {
    await spool.close();
  }
}

/** The in-process host: activate() with the Logstash sink and these variables. */
async function activateHost(env: Record<string, string>): Promise<{ dispatcher: Dispatcher; logger: ReturnType<typeof recordingLogger> }> {
  const logger = recordingLogger();
  const dispatcher = await activate({ env: { IW_SUMMARY_INTERVAL_S: "0", IW_EXIT_FLUSH_MS: "0", ...env }, plugins: [plugin], logger });
  iw = dispatcher;
  return { dispatcher, logger };
}

describe("a host with IW_SPOOL_DIR (built packages, child processes)", () => {
  let app: string;

  beforeAll(() => {
    app = buildHostApp("spool-host", "spool-host.mjs", "host.mjs");
  }, 180_000);

  afterAll(() => {
    if (app) rmSync(app, { recursive: true, force: true });
  });

  interface Host {
    readonly child: ChildProcess;
    readonly pid: number;
    /** `e <n> <at>` lines: the last counter emitted and when (the child's clock, the same as ours). */
    readonly emitted: [n: number, at: number][];
    readonly stdout: string[];
    stderr(): string;
    readonly exited: Promise<void>;
  }

  /** Starts host.mjs with `env` (and nothing else of this process's environment); resolves once it said `ready`. */
  async function startHost(env: Record<string, string>): Promise<Host> {
    const child = spawn(process.execPath, ["host.mjs"], {
      cwd: app,
      env: { PATH: process.env["PATH"] ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    const emitted: [number, number][] = [];
    const stdout: string[] = [];
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
    const ready = new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout }).on("line", (line) => {
        stdout.push(line);
        const [kind, a, b] = line.split(" ");
        if (kind === "ready") resolve();
        else if (kind === "e") emitted.push([Number(a), Number(b)]);
      });
      void exited.then(() => reject(new Error(`host exited before it was ready: ${stderr}`)));
    });
    await ready;
    return { child, pid: child.pid!, emitted, stdout, stderr: () => stderr, exited };
  }

  describe("killed with SIGKILL again and again while the collector is down", () => {
    const CYCLES = 12;

    it(`delivers, once the collector is back, every event emitted more than a flush window before each of ${CYCLES} kills, each once, in order`, async () => {
      const started = Date.now();
      const receiver = await downReceiver();
      const spoolDir = tempDir();
      const sinkDir = join(spoolDir, "logstash");
      const env = {
        IW_ELK_URL: receiver.url,
        IW_SPOOL_DIR: spoolDir,
        IW_SPOOL_FLUSH_MS: String(FLUSH_MS),
        IW_ELK_RETRY_INITIAL_MS: "50",
        IW_ELK_RETRY_MAX_MS: "200",
        IW_ELK_CONCURRENCY: "1", // one request at a time: arrival order is send order
        IW_SUMMARY_INTERVAL_S: "0",
        IW_EXIT_FLUSH_MS: "0",
      };
      const cycles: { must: number; reported: number; total: number }[] = [];
      let stalePid: number | undefined;

      for (let c = 0; c < CYCLES; c++) {
        // kill -9 leaves the lock of the process it killed: the next start must see it is stale.
        if (stalePid !== undefined) expect(readdirSync(sinkDir).some((f) => f.startsWith(`lock.${stalePid}.`))).toBe(true);
        const host = await startHost({ ...env, HOST_MODE: "emit", HOST_CYCLE: String(c), HOST_RATE: "2000" });
        await delay(200 + Math.random() * 700);
        const killedAt = Date.now();
        host.child.kill("SIGKILL");
        await host.exited;
        stalePid = host.pid;

        expect(host.stderr()).toContain(`spools to ${sinkDir}`);
        expect(host.stderr()).not.toContain("cannot be used");
        const before = host.emitted.filter(([, at]) => at <= killedAt);
        const must = Math.max(-1, ...before.filter(([, at]) => at <= killedAt - FLUSH_MS - SLACK_MS).map(([n]) => n));
        const reported = Math.max(-1, ...before.map(([n]) => n));
        const total = Math.max(-1, ...host.emitted.map(([n]) => n));
        expect(reported).toBeGreaterThan(0);
        cycles.push({ must, reported, total });
      }

      await receiver.setFault("none");
      const drain = await startHost({ ...env, HOST_MODE: "drain", HOST_FINAL: "5" });
      await drain.exited;
      const report = JSON.parse(drain.stdout.find((l) => l.startsWith("stats "))!.slice(6)) as { drained: boolean; stats: SinkStats[] };
      expect(report.drained).toBe(true);
      const ids = receiver.eventIds();

      // Every event emitted a flush window (+ slack) before its kill arrived.
      const got = new Set(ids);
      const missing: string[] = [];
      let lastWindow = 0;
      let lostLastWindow = 0;
      cycles.forEach(({ must, reported }, c) => {
        const prefix = `c${String(c).padStart(2, "0")}-`;
        for (let n = 0; n <= reported; n++) {
          const id = `${prefix}${String(n).padStart(7, "0")}`;
          if (n <= must) {
            if (!got.has(id)) missing.push(id);
          } else {
            lastWindow++;
            if (!got.has(id)) lostLastWindow++;
          }
        }
      });
      expect(missing.slice(0, 10)).toEqual([]);
      // Nothing was ever delivered before, so nothing is delivered twice.
      expect(receiver.duplicates()).toBe(0);
      // Each run's backlog is sent before anything newer: the arrival order is the emission order.
      const cycleIds = ids.filter((id) => id.startsWith("c"));
      expect(cycleIds).toEqual([...cycleIds].sort());
      expect(ids.slice(-5)).toEqual(["final-0", "final-1", "final-2", "final-3", "final-4"]);
      expect(ids.length).toBe(cycleIds.length + 5);
      // What the drain run reports: the backlog replayed and delivered, nothing left behind.
      const s = report.stats[0]!;
      expect(s).toMatchObject({ emitted: ids.length, delivered: ids.length, spooled: 0, queued: 0, inFlight: 0, dropped: { total: 0 } });
      expect(drain.stderr()).toContain(`replaying ${ids.length - 5} events left in the spool by an earlier run`);

      // Acknowledged is acknowledged: another start sends nothing again.
      receiver.clear();
      const again = await startHost({ ...env, HOST_MODE: "drain", HOST_FINAL: "0" });
      await again.exited;
      expect(receiver.eventIds()).toEqual([]);
      expect(again.stderr()).not.toContain("replaying");

      const emittedTotal = cycles.reduce((sum, x) => sum + x.total + 1, 0);
      const mustTotal = cycles.reduce((sum, x) => sum + x.must + 1, 0);
      const elapsed = Date.now() - started;
      console.info(
        `[spool crash loop] ${CYCLES} kill -9 cycles in ${elapsed} ms: ${emittedTotal} events emitted, ${mustTotal} required and delivered, ` +
          `${lastWindow} in the last ${FLUSH_MS + SLACK_MS} ms before a kill of which ${lostLastWindow} lost, ${ids.length - 5} delivered in all, 0 duplicates`,
      );
      expect(elapsed).toBeLessThan(45_000);
    }, 60_000);
  });

  describe("a second process pointed at the same directory", () => {
    it("is refused with a line naming the holder's pid, and still delivers from memory", async () => {
      const spoolDir = tempDir();
      const down = await downReceiver();
      const holder = await startHost({ IW_ELK_URL: down.url, IW_SPOOL_DIR: spoolDir, HOST_MODE: "hold", IW_SUMMARY_INTERVAL_S: "0" });
      const receiver = await startLogstashReceiver();
      servers.push(receiver);

      const { dispatcher, logger } = await activateHost({ IW_ELK_URL: receiver.url, IW_SPOOL_DIR: spoolDir });
      const events = scans("second", 300);
      for (const e of events) dispatcher.emit(e);
      expect(await dispatcher.flush(5000)).toBe(true);

      expect(receiver.eventIds()).toEqual(events.map((e) => e.event_id));
      const errors = logger.lines.filter((l) => l.startsWith("error "));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        new RegExp(
          `^error sink logstash: the spool in ${join(spoolDir, "logstash")} cannot be used, so this sink keeps its events in memory only: .*in use by process ${holder.pid} `,
        ),
      );
      expect(statsOf(dispatcher)).toMatchObject({ emitted: 300, delivered: 300, spooled: 0, dropped: { total: 0 } });
    });
  });
});

describe("a long outage", () => {
  const BUDGET = MIB;

  it("with 200,000 events emitted while the collector is down, holds at most the memory budget, keeps the rest on disk, and delivers each event once when it returns", async () => {
    const N = 200_000;
    const receiver = await downReceiver();
    const spoolDir = tempDir();
    const sinkDir = join(spoolDir, "logstash");
    const maxBytes = 128 * MIB;
    const { dispatcher } = await activateHost({
      IW_ELK_URL: receiver.url,
      IW_SPOOL_DIR: spoolDir,
      IW_SPOOL_MAX_BYTES: "128MiB",
      IW_SPOOL_FLUSH_MS: String(FLUSH_MS),
      IW_ELK_MAX_QUEUE_BYTES: String(BUDGET),
      IW_ELK_AUDIT_RESERVE_BYTES: String(BUDGET / 4),
      IW_ELK_BATCH_SIZE: "1000",
      IW_ELK_RETRY_INITIAL_MS: "50",
      IW_ELK_RETRY_MAX_MS: "200",
    });
    let maxHeld = 0;
    let samples = 0;
    const over: Pick<SinkStats, "heldBytes" | "budgetBytes">[] = [];
    const sample = (): void => {
      const { heldBytes, budgetBytes } = statsOf(dispatcher);
      samples++;
      maxHeld = Math.max(maxHeld, heldBytes);
      if ((heldBytes > BUDGET || budgetBytes !== BUDGET) && over.length < 3) over.push({ heldBytes, budgetBytes });
    };
    const sampler = setInterval(sample, 5);
    const events = scans("long", N);
    const t0 = Date.now();
    try {
      await emitAll(dispatcher, events, 2000, sample);
      const emittedIn = Date.now() - t0;
      await delay(FLUSH_MS + SLACK_MS); // the last group is written
      const atEnd = statsOf(dispatcher);
      const disk = dirUsage(sinkDir);
      expect(atEnd).toMatchObject({ emitted: N, delivered: 0, dropped: { total: 0 } });
      expect(atEnd.spooled).toBeGreaterThan(N * 0.9); // most of it waits on disk only
      expect(disk.bytes).toBeLessThanOrEqual(maxBytes + 8 * 1024);
      expect(disk.bytes).toBeGreaterThan(N * 200); // really on disk

      await receiver.setFault("none");
      const t1 = Date.now();
      expect(await dispatcher.flush(20_000)).toBe(true);
      const deliveredIn = Date.now() - t1;
      console.info(
        `[spool long outage] ${N} events emitted in ${emittedIn} ms (${(disk.bytes / MIB).toFixed(1)} MiB on disk), delivered in ${deliveredIn} ms; max heldBytes ${maxHeld} of ${BUDGET}`,
      );
    } finally {
      clearInterval(sampler);
    }

    expect(over).toEqual([]);
    expect(samples).toBeGreaterThan(50);
    expect(maxHeld).toBeGreaterThan(BUDGET / 4); // the budget was really used
    expect(receiver.distinctEventIds()).toBe(N);
    expect(receiver.duplicates()).toBe(0);
    const s = statsOf(dispatcher);
    expect(s).toMatchObject({ emitted: N, delivered: N, spooled: 0, queued: 0, inFlight: 0, dropped: { total: 0 } });
    expectInvariant(s);
    // Delivered segments are deleted: what is left is at most the segment still being written.
    await waitFor(() => dirUsage(sinkDir).segments.length <= 1, { timeoutMs: 2000, what: "delivered segments deleted" });
    expect(dirUsage(sinkDir).bytes).toBeLessThanOrEqual(8 * MIB + 64 * 1024);
    await dispatcher.close(2000);
    expect(await unackedIn(sinkDir)).toBe(0);
  }, 60_000);

  it("never lets the spool pass IW_SPOOL_MAX_BYTES: later scan logs are dropped spool_full, everything kept is delivered once", async () => {
    const N = 30_000;
    const receiver = await downReceiver();
    const spoolDir = tempDir();
    const sinkDir = join(spoolDir, "logstash");
    const maxBytes = 4 * MIB;
    const { dispatcher } = await activateHost({
      IW_ELK_URL: receiver.url,
      IW_SPOOL_DIR: spoolDir,
      IW_SPOOL_MAX_BYTES: "4MiB",
      IW_SPOOL_FLUSH_MS: String(FLUSH_MS),
      IW_ELK_MAX_QUEUE_BYTES: String(BUDGET),
      IW_ELK_AUDIT_RESERVE_BYTES: String(BUDGET / 4),
      IW_ELK_RETRY_INITIAL_MS: "50",
      IW_ELK_RETRY_MAX_MS: "200",
    });
    const events = scans("full", N);
    await emitAll(dispatcher, events, 1000);
    await delay(FLUSH_MS + SLACK_MS);
    const atEnd = statsOf(dispatcher);
    expect(dirUsage(sinkDir).bytes).toBeLessThanOrEqual(maxBytes + 8 * 1024);
    expect(atEnd.dropped.spool_full).toBeGreaterThan(N / 2); // the limit was really reached
    expect(atEnd.dropped.total).toBe(atEnd.dropped.spool_full);

    await receiver.setFault("none");
    expect(await dispatcher.flush(10_000)).toBe(true);
    // Scan logs are refused from the first one that does not fit: what arrives is a prefix.
    const kept = N - atEnd.dropped.spool_full;
    expect(receiver.eventIds().sort()).toEqual(events.slice(0, kept).map((e) => e.event_id));
    const s = statsOf(dispatcher);
    expect(s).toMatchObject({ emitted: N, delivered: kept, spooled: 0, dropped: { total: atEnd.dropped.spool_full } });
    expectInvariant(s);
  }, 30_000);
});

describe("a spool that fails while the host is serving", () => {
  it("runs the sink in memory with one error line when IW_SPOOL_DIR is under a regular file", async () => {
    const receiver = await startLogstashReceiver();
    servers.push(receiver);
    const base = tempDir();
    writeFileSync(join(base, "file"), "x");
    const { dispatcher, logger } = await activateHost({ IW_ELK_URL: receiver.url, IW_SPOOL_DIR: join(base, "file", "spool") });
    const events = scans("nodir", 500);
    for (const e of events) dispatcher.emit(e);
    expect(await dispatcher.flush(5000)).toBe(true);

    expect(receiver.eventIds()).toEqual(events.map((e) => e.event_id));
    const errors = logger.lines.filter((l) => l.startsWith("error "));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^error sink logstash: the spool in .*file\/spool\/logstash cannot be used, so this sink keeps its events in memory only: spool: cannot create directory .*\(ENOTDIR\)/,
    );
    expect(statsOf(dispatcher)).toMatchObject({ emitted: 500, delivered: 500, spooled: 0, dropped: { total: 0 } });
  });

  /**
   * Collector down, a 64 KiB budget: 2,000 events, most of them on disk only. Then `fault`
   * breaks the disk; the collector returns; once the failure is noticed, 500 more events are
   * emitted. What was in memory and everything after is delivered once; only what was on disk
   * only is lost (spool_failed).
   */
  async function survivesDiskFault(
    label: string,
    spoolDir: string,
    fault: (sinkDir: string) => void,
  ): Promise<ReturnType<typeof recordingLogger>> {
    const receiver = await downReceiver();
    const sinkDir = join(spoolDir, "logstash");
    const { dispatcher, logger } = await activateHost({
      IW_ELK_URL: receiver.url,
      IW_SPOOL_DIR: spoolDir,
      IW_SPOOL_MAX_BYTES: "1MiB",
      IW_SPOOL_FLUSH_MS: "20",
      IW_ELK_FLUSH_MS: "20",
      IW_ELK_BATCH_SIZE: "100",
      IW_ELK_MAX_QUEUE_BYTES: "65536",
      IW_ELK_AUDIT_RESERVE_BYTES: "16384",
      IW_ELK_RETRY_INITIAL_MS: "20",
      IW_ELK_RETRY_MAX_MS: "100",
    });
    const first = scans("a", 2000);
    for (const e of first) dispatcher.emit(e);
    const held = statsOf(dispatcher);
    expect(held.spooled).toBeGreaterThan(1000);
    const inMemory = held.queued + held.inFlight;
    expect(inMemory + held.spooled).toBe(2000);

    fault(sinkDir);
    await receiver.setFault("none");
    // The spool notices on its next write (a group, the acknowledgements file); on a loaded
    // machine that can take a while, and the events it held may all be read back before.
    await waitFor(() => logger.lines.some((l) => l.includes("the spool failed")), {
      timeoutMs: 5000,
      what: "the spool failure noticed",
    }).catch(() => undefined);
    const later = scans("b", 500);
    for (let i = 0; i < later.length; i += 25) {
      for (const e of later.slice(i, i + 25)) dispatcher.emit(e);
      await waitFor(() => statsOf(dispatcher).queued < 100, { timeoutMs: 5000 }).catch(() => undefined);
    }
    expect(await dispatcher.flush(10_000)).toBe(true);

    const s = statsOf(dispatcher);
    console.info(
      `[spool ${label}] ${inMemory} events in memory, ${held.spooled} on disk only when the disk broke; dropped spool_failed ${s.dropped.spool_failed}, queue_full ${s.dropped.queue_full}, delivered ${s.delivered}`,
    );
    // Only what was on disk only is lost to the disk (records read back into memory before the
    // failure was noticed are not: how many depends on timing, and can be all of them).
    expect(s.dropped.spool_failed).toBeLessThanOrEqual(held.spooled);
    // From memory alone with a 64 KiB budget, a slow collector can leave no room for some of the
    // later events: those are counted queue_full, never lost silently.
    expect(s.dropped.total).toBe(s.dropped.spool_failed + s.dropped.queue_full);
    expect(s).toMatchObject({ emitted: 2500, delivered: 2500 - s.dropped.total, spooled: 0, queued: 0, inFlight: 0 });
    expectInvariant(s);
    const ids = receiver.eventIds();
    expect(receiver.duplicates()).toBe(0);
    expect(ids.length).toBe(s.delivered);
    const got = new Set(ids);
    // Everything that was held in memory when the disk broke arrived.
    expect(
      first
        .slice(0, inMemory)
        .map((e) => e.event_id)
        .filter((id) => !got.has(id)),
    ).toEqual([]);
    return logger;
  }

  const deleteFolder = (sinkDir: string): void => rmSync(sinkDir, { recursive: true, force: true });

  it("keeps delivering from memory, saying why once, when the spool folder is deleted while running", async () => {
    const logger = await survivesDiskFault("folder deleted", tempDir(), deleteFolder);
    // Writes into files already open still succeed in a deleted folder: the spool finds out at its
    // next new file (the acknowledgements), which may come after the last delivery, or not at all
    // when everything was delivered first (then nothing was lost). At most one line, naming why.
    await waitFor(() => logger.lines.some((l) => l.includes("the spool failed")), { timeoutMs: 5000 }).catch(() => undefined);
    const errors = logger.lines.filter((l) => l.startsWith("error "));
    expect(errors.length).toBeLessThanOrEqual(1);
    for (const l of errors)
      expect(l).toMatch(
        /the spool failed, delivery goes on from memory only: spool: cannot .* spool directory .*\/logstash: the path does not exist \(was the directory removed\?\) \(ENOENT\)/,
      );
    // One line for the events lost with the disk, when any were (rate-limited like every drop line).
    expect(logger.lines.filter((l) => l.startsWith("warn ") && l.includes("(spool_failed)")).length).toBeLessThanOrEqual(1);
  }, 45_000);

  it("logs at most one error line when the spool folder is deleted while running", async () => {
    const logger = await survivesDiskFault("folder deleted", tempDir(), deleteFolder);
    await waitFor(() => logger.lines.some((l) => l.includes("the spool failed")), { timeoutMs: 5000 }).catch(() => undefined);
    await delay(200); // a second line, if there were one, would come with the first
    expect(logger.lines.filter((l) => l.startsWith("error ")).length).toBeLessThanOrEqual(1);
  }, 45_000);

  describe("on a full disk (a 2 MiB tmpfs)", () => {
    let mnt: string | undefined;
    let why: string | undefined;

    beforeAll(() => {
      if (process.getuid?.() !== 0) {
        why = "not running as root";
        return;
      }
      const dir = mkdtempSync(join(tmpdir(), "iw-spool-tmpfs-"));
      try {
        execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", dir], { stdio: "pipe" });
        mnt = dir;
      } catch (err) {
        why = `mount -t tmpfs failed: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
        rmSync(dir, { recursive: true, force: true });
      }
    });

    afterAll(() => {
      if (mnt === undefined) return;
      execFileSync("umount", [mnt], { stdio: "pipe" });
      rmSync(mnt, { recursive: true, force: true });
    });

    it("degrades to memory, says why (ENOSPC), and keeps delivering", async (ctx) => {
      if (mnt === undefined) {
        console.warn(`\n!!! SKIPPED the disk-full spool test: ${why ?? "no tmpfs"}. It needs root and mount -t tmpfs. !!!\n`);
        ctx.skip();
        return;
      }
      const spoolDir = join(mnt, "spool");
      // Leave about 160 KiB free: the spool opens, and its first large group does not fit.
      writeFileSync(join(mnt, "filler"), Buffer.alloc(2 * MIB - 160 * 1024));
      const logger = await survivesDiskFault("disk full", spoolDir, () => {});
      expect(existsSync(spoolDir)).toBe(true);
      const errors = logger.lines.filter((l) => l.startsWith("error "));
      // At most one line, and it says why (on a loaded machine the full disk may not have been
      // hit yet when the collector drained the backlog).
      expect(errors.length).toBeLessThanOrEqual(1);
      for (const l of errors)
        expect(l).toMatch(/the spool failed, delivery goes on from memory only: spool: cannot write to spool directory .*: .*\(ENOSPC\)/);
    }, 45_000);
  });
});

describe("a healthy collector", () => {
  it("delivers every event once and leaves no unacknowledged record in the spool after close()", async () => {
    const receiver = await startLogstashReceiver();
    servers.push(receiver);
    const spoolDir = tempDir();
    const sinkDir = join(spoolDir, "logstash");
    const { dispatcher, logger } = await activateHost({
      IW_ELK_URL: receiver.url,
      IW_SPOOL_DIR: spoolDir,
      IW_SPOOL_FLUSH_MS: String(FLUSH_MS),
      IW_ELK_FLUSH_MS: "20",
    });
    expect(logger.lines).toContain(`info sink logstash spools to ${sinkDir} (sync: interval) {"sink":"logstash"}`);
    const events = scans("ok", 5000);
    for (let i = 0; i < events.length; i += 250) {
      for (const e of events.slice(i, i + 250)) dispatcher.emit(e);
      await delay(5);
    }
    expect(await dispatcher.flush(5000)).toBe(true);
    expect(await dispatcher.close(2000)).toBe(true);

    expect(receiver.eventIds().filter((id) => id.startsWith("ok-"))).toEqual(events.map((e) => e.event_id));
    expect(receiver.duplicates()).toBe(0);
    const s = statsOf(dispatcher);
    expect(s).toMatchObject({ delivered: s.emitted, spooled: 0, queued: 0, inFlight: 0, dropped: { total: 0 } });
    expect(s.emitted).toBeGreaterThanOrEqual(5000);
    expectInvariant(s);
    expect(logger.lines.filter((l) => l.startsWith("error ") || l.startsWith("warn "))).toEqual([]);
    // The lock is released, and a next start would find nothing to send again.
    expect(readdirSync(sinkDir).filter((f) => f.startsWith("lock."))).toEqual([]);
    expect(await unackedIn(sinkDir)).toBe(0);
  });
});
