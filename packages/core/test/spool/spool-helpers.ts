import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Spool, SpoolRecord } from "../../src/spool/index.js";

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
