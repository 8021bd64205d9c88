import { rm } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { Spool, SpoolRecord } from "../../src/spool/index.js";
import { payload, segmentFiles, spoolsUnderTest } from "./spool-helpers.js";

const { tmp, open: openTracked } = spoolsUnderTest();

const tags = (records: SpoolRecord[]) => records.map((r) => r.data.toString().split("|")[0]);

/** Reads everything from `from` on in chunks of `chunk` bytes. */
async function readAll(spool: Spool, from: number, chunk: number): Promise<SpoolRecord[]> {
  const out: SpoolRecord[] = [];
  for (;;) {
    const got = await spool.read(from, chunk);
    if (got.length === 0) return out;
    out.push(...got);
    from = got[got.length - 1]!.seq + 1;
  }
}

/** mulberry32: a small seeded PRNG, so a failure can be reproduced. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("read", () => {
  it("reads from the middle across several segments, in order, with lane and data", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir, segmentBytes: 4096 });
    const seqs = Array.from({ length: 300 }, (_, i) => a.append(payload(`r${i}`, 200), i % 3 === 0)!);
    await a.flush();
    expect((await segmentFiles(dir)).length).toBeGreaterThan(10);

    const got = await a.read(seqs[137]!, 40 * 200);

    expect(got.map((r) => r.seq)).toEqual(seqs.slice(137, 177));
    expect(tags(got)).toEqual(Array.from({ length: 40 }, (_, k) => `r${137 + k}`));
    expect(got.map((r) => r.audit)).toEqual(Array.from({ length: 40 }, (_, k) => (137 + k) % 3 === 0));
    // continuing where it stopped, then to the end
    expect((await readAll(a, got[got.length - 1]!.seq + 1, 1000)).map((r) => r.seq)).toEqual(seqs.slice(177));
  });

  it("seeks inside large segments (marks) and reads earlier runs' segments the same way", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir, segmentBytes: 4 * 1024 * 1024 });
    const seqs = Array.from({ length: 20_000 }, (_, i) => a.append(payload(`r${i}`, 300), false)!);
    await a.close();
    const b = await openTracked({ dir, segmentBytes: 4 * 1024 * 1024 });

    for (const i of [15_000, 3, 9_999, 19_999, 0]) {
      const got = await b.read(seqs[i]!, 3 * 300);
      expect(tags(got)).toEqual(Array.from({ length: Math.min(3, 20_000 - i) }, (_, k) => `r${i + k}`));
    }
  });

  it("returns this run's records that are still pending in memory, without forcing a commit", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir, flushMs: 10_000 });
    const s1 = a.append("one", false)!;
    const s2 = a.append(new Uint8Array([1, 2, 3]), true)!;
    const s3 = a.append("three", false)!;
    a.ack(s2);

    const got = await a.read(s1, 1024 * 1024);

    expect(a.committedSeq).toBe(0);
    expect(got.map((r) => [r.seq, r.audit, r.data.toString("latin1")])).toEqual([
      [s1, false, "one"],
      [s3, false, "three"],
    ]);
  });

  it("returns written and pending records of this run together, in order", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir, flushMs: 10_000, segmentBytes: 4096 });
    for (let i = 0; i < 50; i++) a.append(payload(`r${i}`, 100), false);
    await a.flush();
    for (let i = 50; i < 60; i++) a.append(payload(`r${i}`, 100), false);

    const writing = a.flush(); // the group is being written while we read
    const got = await readAll(a, 1, 700);
    await writing;

    expect(tags(got)).toEqual(Array.from({ length: 60 }, (_, i) => `r${i}`));
  });

  it("skips acknowledged records, on disk and in memory", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir, segmentBytes: 4096 });
    const seqs = Array.from({ length: 100 }, (_, i) => a.append(payload(`r${i}`, 100), false)!);
    await a.flush();
    const more = Array.from({ length: 20 }, (_, i) => a.append(payload(`m${i}`, 100), false)!);
    for (const s of [...seqs, ...more]) if (s % 4 !== 0) a.ack(s);

    const got = await readAll(a, 1, 1000);

    expect(got.map((r) => r.seq)).toEqual([...seqs, ...more].filter((s) => s % 4 === 0));
    expect(a.unacked).toBe(30);
    expect(a.stats().unackedRecords).toBe(30);
    expect(a.oldestUnackedSeq).toBe(4);
  });

  it("returns at most about maxBytes, and at least one record", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir });
    for (let i = 0; i < 100; i++) a.append(payload(`r${i}`, 100), false);
    a.append(payload("big", 5000), false);
    await a.flush();

    const got = await a.read(1, 1000);
    const one = await a.read(101, 10);
    const tiny = await a.read(1, 1);

    expect(got).toHaveLength(10);
    expect(got.reduce((n, r) => n + r.data.length, 0)).toBeLessThanOrEqual(1000);
    expect(one.map((r) => r.data.length)).toEqual([5000]);
    expect(tiny).toHaveLength(1);
    expect(await a.read(102, 1000)).toEqual([]);
  });

  it("after a restart starts at the first unacknowledged record of the earlier run and yields exactly the unacknowledged ones", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir, segmentBytes: 4096 });
    const seqs = Array.from({ length: 200 }, (_, i) => a.append(payload(`r${i}`, 150), i % 2 === 0)!);
    await a.flush();
    const rnd = prng(7);
    const keep = new Set<number>();
    for (const s of seqs) {
      if (s <= 57 || rnd() < 0.6) a.ack(s);
      else keep.add(s);
    }
    await a.close();

    const b = await openTracked({ dir, segmentBytes: 4096 });
    const expected = seqs.filter((s) => keep.has(s));

    expect(b.unacked).toBe(expected.length);
    expect(b.stats().unackedRecords).toBe(expected.length);
    expect(b.oldestUnackedSeq).toBe(expected[0]);
    const got = await readAll(b, b.oldestUnackedSeq!, 2000);
    expect(got.map((r) => r.seq)).toEqual(expected);
    expect(tags(got)).toEqual(expected.map((s) => `r${s - 1}`));

    for (const r of got) b.ack(r.seq);
    expect(b.unacked).toBe(0);
    expect(b.oldestUnackedSeq).toBeUndefined();
    const next = b.append("new", false)!;
    expect(b.oldestUnackedSeq).toBe(next);
    expect(next).toBe(201);
  });

  it("interleaves append, read and random acks over 20,000 records without losing or reordering any", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir, segmentBytes: 64 * 1024, flushMs: 5, groupBytes: 16 * 1024 });
    const rnd = prng(20_240_601);
    const appended: number[] = [];
    const read: number[] = [];
    const acked = new Set<number>();
    let cursor = 1;
    let i = 0;
    while (i < 20_000 || cursor <= appended[appended.length - 1]!) {
      const burst = Math.floor(rnd() * 300);
      for (let k = 0; k < burst && i < 20_000; k++, i++)
        appended.push(a.append(payload(`r${i}`, 40 + Math.floor(rnd() * 200)), rnd() < 0.1)!);
      // acks of records not read yet (e.g. dropped) and of records read
      for (let k = 0; k < 20; k++) {
        const s = appended[Math.floor(rnd() * appended.length)]!;
        if (s >= cursor && rnd() < 0.5) {
          a.ack(s);
          acked.add(s);
        }
      }
      const got = await a.read(cursor, 1 + Math.floor(rnd() * 8000));
      for (const r of got) {
        expect(r.seq).toBeGreaterThanOrEqual(cursor);
        expect(r.data.toString().split("|")[0]).toBe(`r${r.seq - 1}`);
        read.push(r.seq);
        if (rnd() < 0.9) {
          a.ack(r.seq);
          acked.add(r.seq);
        }
      }
      if (got.length > 0) cursor = got[got.length - 1]!.seq + 1;
      else if (cursor <= appended[appended.length - 1]!) {
        // nothing left to read from cursor on: everything there was acknowledged
        expect(appended.filter((s) => s >= cursor && !acked.has(s))).toEqual([]);
        cursor = appended[appended.length - 1]! + 1;
      }
      if (rnd() < 0.2) await new Promise((r) => setTimeout(r, 1));
    }

    expect(appended).toHaveLength(20_000);
    // every record not acknowledged before the read reached it was read, once, in order
    expect(read).toEqual([...read].sort((x, y) => x - y));
    expect(new Set(read).size).toBe(read.length);
    const readSet = new Set(read);
    expect(appended.filter((s) => !readSet.has(s) && !acked.has(s))).toEqual([]);
    const unacked = appended.filter((s) => !acked.has(s));
    expect(a.unacked).toBe(unacked.length);
    expect(a.oldestUnackedSeq).toBe(unacked[0]);
    expect((await readAll(a, 1, 64 * 1024)).map((r) => r.seq)).toEqual(unacked);

    await a.close();
    const b = await openTracked({ dir, segmentBytes: 64 * 1024 });
    expect(b.unacked).toBe(unacked.length);
    expect(b.oldestUnackedSeq).toBe(unacked[0]);
    expect((await readAll(b, 1, 64 * 1024)).map((r) => r.seq)).toEqual(unacked);
    for (const s of unacked) b.ack(s);
    await b.flush();
    expect(await segmentFiles(dir)).toEqual([]);
  });

  it("resolves [] without throwing on a failed spool", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir });
    await rm(dir, { recursive: true, force: true }); // the segment file cannot be created now
    a.append("y", false);
    await a.flush();

    expect(a.failed?.code).toBe("IW_SPOOL_IO");
    await expect(a.read(1, 1024)).resolves.toEqual([]);
  });

  it("marks the spool failed and resolves with what it has when a segment cannot be read", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir, segmentBytes: 4096 });
    for (let i = 0; i < 60; i++) a.append(payload(`r${i}`, 200), false);
    await a.close();
    const b = await openTracked({ dir, segmentBytes: 4096 });
    const files = await segmentFiles(dir);
    await rm(`${dir}/${files[1]!}`);

    const got = await b.read(1, 1024 * 1024);

    expect(got.length).toBeGreaterThan(0);
    expect(tags(got)).toEqual(Array.from({ length: got.length }, (_, k) => `r${k}`));
    expect(b.failed).toMatchObject({ code: "IW_SPOOL_IO", errno: "ENOENT" });
    expect(await b.read(1, 1024)).toEqual([]);
  });
});
