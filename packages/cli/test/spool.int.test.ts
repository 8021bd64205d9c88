import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { activate, auditEvent, scanLog } from "@iw/core";
import { openSpool } from "@iw/core/inspect";
import { startLogstashReceiver } from "@iw/testkit";
import type { LogstashReceiver } from "@iw/testkit";
import { ALL_PLUGINS, run } from "./helpers.js";

let dir: string;
let collector: LogstashReceiver;
let env: Record<string, string>;

/** A host that spooled `scans` scan logs and one audit event while its Logstash was down, then stopped. */
async function hostSpooled(scans: number): Promise<void> {
  const iw = await activate({ env: { ...env, IW_LOG_LEVEL: "off", IW_SUMMARY_INTERVAL_S: "0" }, plugins: ALL_PLUGINS });
  for (let i = 0; i < scans; i++)
    iw.emit(
      scanLog({
        direction: "input",
        decision: "block",
        anomaly_score: 12,
        threshold: 10,
        policy: "default",
        request_id: `req-${i}`,
        matches: [],
      }),
    );
  iw.emit(auditEvent({ category: "auth", action: "login_failed", source_ip: "192.0.2.1" }));
  await iw.close(200);
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "iw-cli-spool-"));
  collector = await startLogstashReceiver();
  await collector.setFault("down");
  env = { IW_ELK_URL: collector.url, IW_SPOOL_DIR: dir };
});
afterEach(async () => {
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("spool show", () => {
  it("counts each sink's spooled events by lane, with the oldest and newest, without taking the lock", async () => {
    await hostSpooled(20);
    const r = await run(["spool"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`spool ${dir}`);
    expect(r.stdout).toMatch(
      /^ {2}logstash {2}21 events \(1 in the audit lane, 20 in the scan lane\), \d+\.\d KiB in 1 segment; oldest \d{4}-\d\d-\d\dT[\d:.]+Z, newest \d{4}-\d\d-\d\dT[\d:.]+Z$/m,
    );
    const held = await openSpool({ dir: join(dir, "logstash") });
    try {
      const busy = await run(["spool", "--json"], env);
      const [doc] = busy.json<{ sinks: { folder: string; records: number; audit: number; holder: { pid: number } }[] }>();
      expect(doc!.sinks).toMatchObject([
        { folder: "logstash", sink: "logstash", records: 21, audit: 1, scan: 20, holder: { pid: process.pid, live: true } },
      ]);
      expect((await run(["spool"], env)).stdout).toMatch(new RegExp(`in use by process ${process.pid} on `));
    } finally {
      await held.close();
    }
  });

  it("takes the directory from --dir, and needs one", async () => {
    await hostSpooled(1);
    expect((await run(["spool", "--dir", dir])).stdout).toContain("logstash  2 events (1 in the audit lane, 1 in the scan lane)");
    const none = await run(["spool"], {});
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no spool directory: set IW_SPOOL_DIR (or --env-file with it) or pass --dir");
  });
});

describe("spool replay", () => {
  it("delivers the spooled events through the sink once its collector is back, exactly once, and empties the spool", async () => {
    await hostSpooled(20);
    await collector.setFault("none");
    const r = await run(["spool", "replay"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ logstash {2}replayed 21 of 21 events; the spool is empty \(/m);
    expect(collector.events).toHaveLength(21);
    expect(collector.duplicates()).toBe(0);
    expect((await run(["spool"], env)).stdout).toContain("logstash  empty");
  });

  it("keeps what it cannot deliver within --timeout, and says why", async () => {
    await hostSpooled(5);
    const started = Date.now();
    const r = await run(["spool", "replay", "--timeout", "500ms", "--json"], env);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(r.code).toBe(1);
    const [doc] = r.json<{ ok: boolean; sinks: { folder: string; delivered: number; left: number; message: string }[] }>();
    expect(doc!.sinks[0]).toMatchObject({ folder: "logstash", ok: false, delivered: 0, left: 6 });
    expect(doc!.sinks[0]!.message).toMatch(/^replayed 0 of 6 events; 6 kept in the spool: .*ECONNREFUSED/);
    expect((await run(["spool"], env)).stdout).toContain("logstash  6 events");
  });

  it("refuses while a running host holds the spool, naming the process", async () => {
    await hostSpooled(3);
    await collector.setFault("none");
    const held = await openSpool({ dir: join(dir, "logstash") });
    try {
      const r = await run(["spool", "replay"], env);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        new RegExp(
          `✗ logstash {2}refused: the spool is in use by process ${process.pid} on .*; a running host replays its spool itself once its collector is back \\(stop it to replay or purge here\\)`,
        ),
      );
      expect(collector.events).toHaveLength(0);
    } finally {
      await held.close();
    }
  });

  it("needs the sink's configuration to replay its folder", async () => {
    await hostSpooled(1);
    const r = await run(["spool", "replay", "--dir", dir], {});
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `✗ logstash  no sink of this environment spools to ${join(dir, "logstash")}: set the variables of the sink it belongs to`,
    );
  });
});

describe("spool purge", () => {
  it("needs --sink or --all", async () => {
    const r = await run(["spool", "purge"], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("purge deletes events: name the sinks (--sink NAME) or pass --all");
  });

  it("deletes a sink's spooled events and their files", async () => {
    await hostSpooled(10);
    const r = await run(["spool", "purge", "--sink", "logstash"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ logstash {2}purged 11 events \([\d.]+ KiB on disk\)$/m);
    expect(readdirSync(join(dir, "logstash")).filter((f) => f.endsWith(".seg"))).toEqual([]);
    await collector.setFault("none");
    expect((await run(["spool", "replay"], env)).stdout).toContain("nothing to replay");
    expect(collector.events).toHaveLength(0);
  });

  it("refuses while the spool is held, and leaves it alone", async () => {
    await hostSpooled(2);
    const held = await openSpool({ dir: join(dir, "logstash") });
    try {
      const r = await run(["spool", "purge", "--all"], env);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("refused: the spool is in use by process");
    } finally {
      await held.close();
    }
    expect(existsSync(join(dir, "logstash"))).toBe(true);
    expect((await run(["spool"], env)).stdout).toContain("logstash  3 events");
  });
});
