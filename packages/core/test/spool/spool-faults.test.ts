import { existsSync } from "node:fs";
import { chmod, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SpoolError, openSpool } from "../../src/spool/index.js";
import { describeIoError } from "../../src/spool/spool-error.js";
import { spoolsUnderTest } from "./spool-helpers.js";

const { tmp, track } = spoolsUnderTest();

async function openError(dir: string): Promise<SpoolError> {
  const err: unknown = await openSpool({ dir }).then(
    (s) => (track(s), new Error("opened")),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SpoolError);
  return err as SpoolError;
}

describe("openSpool directory problems", () => {
  it("creates a missing directory with its parents", async () => {
    const dir = join(await tmp.make(), "a", "b", "sink");
    const spool = await openSpool({ dir });
    track(spool);

    expect((await stat(dir)).isDirectory()).toBe(true);
  });

  it("rejects with one clear error when a path component is a regular file", async () => {
    const file = join(await tmp.make(), "plain-file");
    await writeFile(file, "");

    const err = await openError(join(file, "spool"));

    expect(err.code).toBe("IW_SPOOL_UNAVAILABLE");
    expect(err.errno).toBe("ENOTDIR");
    expect(err.message).toBe(
      `spool: cannot create directory ${join(file, "spool")}: a component of the path is a file, not a directory (ENOTDIR)`,
    );
  });

  it("rejects when the directory path is an existing file", async () => {
    const file = join(await tmp.make(), "plain-file");
    await writeFile(file, "");

    const err = await openError(file);

    expect(err.message).toContain("the path exists and is not a directory (EEXIST)");
  });

  it("rejects, without spinning, where mkdir answers ENOENT under an existing parent (/proc)", async (ctx) => {
    if (!existsSync("/proc/self")) ctx.skip();
    const err = await openError("/proc/iw-spool-test/sink");

    expect(err.code).toBe("IW_SPOOL_UNAVAILABLE");
    expect(err.errno).toBe("ENOENT");
  });

  it("rejects with the permission reason where the directory cannot be written", async (ctx) => {
    // chmod does not stop root, so as root use sysfs, which refuses mkdir to everyone.
    let dir: string;
    if (process.getuid?.() === 0) {
      if (!existsSync("/sys/kernel")) {
        console.warn("SKIPPED: running as root without /sys, no unwritable directory to test with");
        ctx.skip();
      }
      dir = "/sys/kernel/iw-spool-test";
    } else {
      const parent = await tmp.make();
      await chmod(parent, 0o555);
      dir = join(parent, "sink");
    }

    const err = await openError(dir);

    expect(err.code).toBe("IW_SPOOL_UNAVAILABLE");
    expect(["EACCES", "EPERM", "EROFS"]).toContain(err.errno);
    expect(err.message).toMatch(
      /^spool: cannot create directory .*: (permission denied|operation not permitted|the file system is read-only) \(E[A-Z]+\)$/,
    );
  });

  it("explains disk full and read-only file systems in words", () => {
    expect(describeIoError("write to spool directory", "/d", Object.assign(new Error("x"), { code: "ENOSPC" }))).toBe(
      "spool: cannot write to spool directory /d: no space left on the device (ENOSPC)",
    );
    expect(describeIoError("create directory", "/d", Object.assign(new Error("x"), { code: "EROFS" }))).toContain(
      "the file system is read-only (EROFS)",
    );
  });
});

describe("I/O failure while running", () => {
  it("stops accepting records, reports one error, and keeps the host running", async () => {
    const dir = await tmp.make();
    const failures: SpoolError[] = [];
    const logged: string[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (m: string) => void logged.push(m) };
    const spool = await openSpool({ dir, logger, onFailure: (e) => failures.push(e) });
    track(spool);
    await rm(dir, { recursive: true, force: true }); // the segment file cannot be created now

    const seq = spool.append("lost", true);
    await spool.flush();
    const after = spool.append("refused", true);
    spool.ack(seq!);
    await spool.close();

    expect(seq).toBe(1);
    expect(after).toBeUndefined();
    expect(failures).toHaveLength(1);
    expect(spool.failed).toBe(failures[0]);
    expect(spool.failed).toMatchObject({ code: "IW_SPOOL_IO", errno: "ENOENT" });
    expect(logged).toEqual([spool.failed!.message]);
    expect(spool.stats()).toMatchObject({ failed: true, lostRecords: 1, refused: { spool_failed: 1 } });
  });

  it("survives a throwing onFailure callback on the timer-driven commit without an unhandled rejection", async () => {
    const dir = await tmp.make();
    const spool = await openSpool({
      dir,
      flushMs: 10,
      onFailure: () => {
        throw new Error("callback bug");
      },
    });
    track(spool);
    await rm(dir, { recursive: true, force: true });

    spool.append("x", false);
    await new Promise((r) => setTimeout(r, 100)); // vitest fails the run on an unhandled rejection

    expect(spool.failed?.code).toBe("IW_SPOOL_IO");
  });
});
