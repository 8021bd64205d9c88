import { readdir, readFile, stat, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { SpoolError, describeIoError } from "./spool-error.js";

/*
 * Directory lock without flock (Node has none): every opener writes its own file
 * `lock.<pid>.<random>` and then lists the directory. A writer that sees another live lock
 * removes its own and refuses. Of two concurrent openers at least one sees the other (each
 * writes before it lists), so two can never both hold the directory; both may back off, hence
 * a few retries. A lock whose process is gone (kill -9) is stale and removed by the next opener:
 * gone means `process.kill(pid, 0)` says ESRCH, or the pid now belongs to a process with a
 * different start time (pid reuse; Linux `/proc/<pid>/stat`).
 */

interface LockInfo {
  pid: number;
  host: string;
  start: string | null;
  createdAt: string;
}

const RETRIES = 3;
/** A lock file still empty or half-written after this long belongs to a dead opener. */
const UNREADABLE_GRACE_MS = 5_000;

/** A held directory lock; `release()` removes it (idempotent). */
export interface DirLock {
  readonly file: string;
  release(): Promise<void>;
}

export async function acquireLock(dir: string): Promise<DirLock> {
  const own = `lock.${process.pid}.${Math.random().toString(36).slice(2, 10)}`;
  const file = join(dir, own);
  const info: LockInfo = {
    pid: process.pid,
    host: hostname(),
    start: await processStart(process.pid),
    createdAt: new Date().toISOString(),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(file, JSON.stringify(info), { flag: "wx" });
    } catch (err) {
      throw new SpoolError("IW_SPOOL_UNAVAILABLE", describeIoError("write the lock file in", dir, err), { cause: err });
    }
    const holder = await findLiveHolder(dir, own);
    if (holder === undefined) {
      let released = false;
      return {
        file,
        async release() {
          if (released) return;
          released = true;
          await unlink(file).catch(() => undefined);
        },
      };
    }
    await unlink(file).catch(() => undefined);
    if (attempt + 1 >= RETRIES) throw lockedError(dir, holder);
    await delay(20 + Math.floor(Math.random() * 60));
  }
}

function lockedError(dir: string, holder: { name: string; info: LockInfo | undefined }): SpoolError {
  const who = holder.info
    ? `process ${holder.info.pid} on host ${holder.info.host} (since ${holder.info.createdAt})`
    : "another process (lock file being written)";
  const remote =
    holder.info && holder.info.host !== hostname()
      ? "; its liveness cannot be checked from this host, delete the lock file if it is gone"
      : "";
  return new SpoolError(
    "IW_SPOOL_LOCKED",
    `spool: directory ${dir} is in use by ${who} (${join(dir, holder.name)})${remote}; give each process its own IW_SPOOL_DIR`,
  );
}

async function findLiveHolder(dir: string, own: string): Promise<{ name: string; info: LockInfo | undefined } | undefined> {
  for (const name of await readdir(dir)) {
    if (!name.startsWith("lock.") || name === own || name.endsWith(".tmp")) continue;
    const path = join(dir, name);
    const info = await readLock(path);
    if (info === "gone") continue;
    if (info === undefined) {
      const age = await stat(path).then(
        (s) => Date.now() - s.mtimeMs,
        () => Infinity,
      );
      if (age < UNREADABLE_GRACE_MS) return { name, info: undefined };
    } else if (await isAlive(info)) {
      return { name, info };
    }
    await unlink(path).catch(() => undefined); // stale: its process is gone
  }
  return undefined;
}

async function readLock(path: string): Promise<LockInfo | undefined | "gone"> {
  try {
    const parsed = JSON.parse(await readFile(path, "utf8")) as Partial<LockInfo>;
    return typeof parsed.pid === "number" && typeof parsed.host === "string" ? (parsed as LockInfo) : undefined;
  } catch (err) {
    return (err as { code?: string }).code === "ENOENT" ? "gone" : undefined;
  }
}

async function isAlive(info: LockInfo): Promise<boolean> {
  if (info.host !== hostname()) return true; // cannot tell: keep out
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as { code?: string }).code === "ESRCH") return false;
  }
  const start = await processStart(info.pid);
  return info.start === null || start === null || start === info.start;
}

/** Start time of a process in clock ticks since boot (Linux), or null where unavailable. */
async function processStart(pid: number): Promise<string | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}
