import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { openSpool } from "../../src/spool/index.js";
import type { Spool, SpoolOptions, SpoolRecord } from "../../src/spool/index.js";

/** Temporary directories made by a test file, removed by `cleanup()` in `afterEach`. */
export function tempDirs(): { make(): Promise<string>; cleanup(): Promise<void> } {
  const dirs: string[] = [];
  return {
    async make() {
      const dir = await mkdtemp(join(tmpdir(), "iw-spool-"));
      dirs.push(dir);
      return dir;
    },
    async cleanup() {
      await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

export async function collect(spool: Spool): Promise<SpoolRecord[]> {
  const out: SpoolRecord[] = [];
  for await (const r of spool.replay()) out.push(r);
  return out;
}

export async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith(".seg")).sort();
}

/** A payload that identifies itself, padded to roughly `size` bytes. */
export function payload(tag: string, size = 100): string {
  return `${tag}|${"x".repeat(Math.max(0, size - tag.length - 1))}`;
}

/**
 * The spools a test file opens and its temporary directories: every spool opened (or
 * `track`ed) is closed, and every directory removed, after each test.
 */
export function spoolsUnderTest(): {
  readonly tmp: ReturnType<typeof tempDirs>;
  readonly open: (options: SpoolOptions) => Promise<Spool>;
  readonly track: (spool: Spool) => Spool;
} {
  const tmp = tempDirs();
  const opened: Spool[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await tmp.cleanup();
  });
  const track = (spool: Spool): Spool => {
    opened.push(spool);
    return spool;
  };
  return { tmp, track, open: async (options) => track(await openSpool(options)) };
}
