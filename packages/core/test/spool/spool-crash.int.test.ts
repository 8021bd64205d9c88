import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { openSpool } from "../../src/spool/index.js";
import { compileSpool } from "./compile-spool.js";
import { tempDirs } from "./spool-helpers.js";

const CHILD = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "spool-child.mjs");
const FLUSH_MS = 50; // the child's flushMs
// Timer and scheduling delay allowed on top of one flush window on a loaded 2-core machine.
const SLACK_MS = 150;
const CYCLES = 12;
const SYNCS = ["never", "interval", "always"] as const;
const tmp = tempDirs();
let compiled: string;
beforeAll(() => {
  compiled = compileSpool();
});
afterEach(() => tmp.cleanup());

interface Cycle {
  first: number;
  committed: number;
  /** Highest seq the child had appended more than one flush window (+ slack) before the kill. */
  dueByTime: number;
}

/** Runs the appending child for a random 150-600 ms, kills it with SIGKILL, and reports. */
async function crashCycle(dir: string, sync: string): Promise<Cycle> {
  const child = spawn(process.execPath, [CHILD, compiled, dir, "append", sync], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((r) => child.once("exit", r));
  const cycle: Cycle = { first: 0, committed: 0, dueByTime: 0 };
  const appendedAt: [number, number][] = [];
  let killedAt = Infinity;
  const lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => {
    if (Date.now() >= killedAt) return; // only what was said before the kill counts
    const [kind, a, b] = line.split(" ");
    if (kind === "ready") setTimeout(() => ((killedAt = Date.now()), child.kill("SIGKILL")), 150 + Math.random() * 450);
    else if (kind === "start") cycle.first = Number(a);
    else if (kind === "c") cycle.committed = Math.max(cycle.committed, Number(a));
    else if (kind === "a") appendedAt.push([Number(a), Number(b)]);
    else if (kind === "error") throw new Error(line);
  });
  await exited;
  for (const [seq, at] of appendedAt) if (at <= killedAt - FLUSH_MS - SLACK_MS) cycle.dueByTime = Math.max(cycle.dueByTime, seq);
  return cycle;
}

function checkPayload(data: Buffer): number {
  const text = data.toString();
  const n = Number(text.slice(0, text.indexOf(":")));
  const body = `${n}:${String(n)
    .repeat(Math.ceil(480 / String(n).length))
    .slice(0, 480)}`;
  expect(text).toBe(body);
  return n;
}

describe("crash loop", () => {
  it(`keeps every record committed (or appended a flush window before the kill) across ${CYCLES} kill -9 cycles, uncorrupted`, async () => {
    const dir = await tmp.make();
    const required = new Set<number>();
    const acked = new Set<number>();
    let replayedTotal = 0;
    for (let i = 0; i < CYCLES; i++) {
      const cycle = await crashCycle(dir, SYNCS[i % SYNCS.length]!);
      expect(cycle.first).toBeGreaterThan(0);
      expect(cycle.committed).toBeGreaterThanOrEqual(cycle.first); // group commits happened and were reported
      for (let s = cycle.first; s <= Math.max(cycle.committed, cycle.dueByTime); s++) required.add(s);

      const spool = await openSpool({ dir }); // also proves the killed child's lock is stale
      const seen: number[] = [];
      let lastSeq = 0;
      for await (const r of spool.replay()) {
        checkPayload(r.data);
        expect(r.seq).toBeGreaterThan(lastSeq);
        expect(acked.has(r.seq)).toBe(false);
        lastSeq = r.seq;
        seen.push(r.seq);
        if (Math.random() < 0.3) {
          spool.ack(r.seq);
          acked.add(r.seq);
        }
      }
      const seenSet = new Set(seen);
      const missing = [...required].filter((s) => !acked.has(s) && !seenSet.has(s));
      expect(missing).toEqual([]);
      expect(spool.stats().damagedRecords).toBe(0);
      replayedTotal += seen.length;
      await spool.close();
    }
    expect(required.size).toBeGreaterThan(CYCLES * 100);
    expect(replayedTotal).toBeGreaterThan(0);
  });
});
