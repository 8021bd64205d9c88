import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { SpoolError, openSpool } from "../../src/spool/index.js";
import type { Spool } from "../../src/spool/index.js";
import { compileSpool } from "./compile-spool.js";
import { tempDirs } from "./spool-helpers.js";

const CHILD = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "spool-child.mjs");
const tmp = tempDirs();
const open: Spool[] = [];
const children: ChildProcess[] = [];
let compiled: string;
beforeAll(() => {
  compiled = compileSpool();
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await Promise.all(open.splice(0).map((s) => s.close()));
  await tmp.cleanup();
});

/** Starts a child holding the spool in `dir`; resolves once it has opened it. */
async function holder(dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CHILD, compiled, dir, "hold"], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    if (line.startsWith("ready")) return child;
    throw new Error(`child: ${line}`);
  }
  throw new Error("child exited before opening the spool");
}

async function lockedError(dir: string): Promise<SpoolError> {
  const err: unknown = await openSpool({ dir }).then(
    (s) => (open.push(s), new Error("opened")),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SpoolError);
  return err as SpoolError;
}

describe("directory lock", () => {
  it("refuses a second open in this process, naming this process", async () => {
    const dir = await tmp.make();
    open.push(await openSpool({ dir }));

    const err = await lockedError(dir);

    expect(err.code).toBe("IW_SPOOL_LOCKED");
    expect(err.message).toContain(`is in use by process ${process.pid} on host`);
  });

  it("refuses an open while another live process holds the directory, naming its pid", async () => {
    const dir = await tmp.make();
    const child = await holder(dir);

    const err = await lockedError(dir);

    expect(err.code).toBe("IW_SPOOL_LOCKED");
    expect(err.message).toMatch(
      new RegExp(`^spool: directory ${dir} is in use by process ${child.pid} on host .*; give each process its own IW_SPOOL_DIR$`),
    );
  });

  it("takes over a lock left by a process killed with SIGKILL", async () => {
    const dir = await tmp.make();
    const child = await holder(dir);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));

    const spool = await openSpool({ dir });
    open.push(spool);

    expect(spool.append("after takeover", true)).toBe(1);
    expect((await readdir(dir)).filter((n) => n.startsWith("lock."))).toEqual([
      expect.stringMatching(new RegExp(`^lock\\.${process.pid}\\.`)),
    ]);
  });

  it("lets the next process open once the holder closed the spool", async () => {
    const dir = await tmp.make();
    const first = await openSpool({ dir });
    await first.close();

    const child = await holder(dir);

    expect(child.pid).toBeGreaterThan(0);
  });

  it("treats a lock naming this pid with another start time as stale (pid reuse, e.g. pid 1 in a new container)", async (ctx) => {
    if (!existsSync(`/proc/${process.pid}/stat`)) ctx.skip();
    const dir = await tmp.make();
    await writeFile(
      join(dir, "lock.1.old"),
      JSON.stringify({ pid: process.pid, host: hostname(), start: "1", createdAt: "2020-01-01T00:00:00.000Z" }),
    );

    const spool = await openSpool({ dir });
    open.push(spool);

    expect((await readdir(dir)).filter((n) => n.startsWith("lock."))).toHaveLength(1);
  });

  it("refuses a lock held from another host, saying its liveness cannot be checked", async () => {
    const dir = await tmp.make();
    await writeFile(
      join(dir, "lock.42.remote"),
      JSON.stringify({ pid: 42, host: "other-host", start: null, createdAt: "2020-01-01T00:00:00.000Z" }),
    );

    const err = await lockedError(dir);

    expect(err.message).toContain("in use by process 42 on host other-host");
    expect(err.message).toContain("its liveness cannot be checked from this host, delete the lock file if it is gone");
  });
});
