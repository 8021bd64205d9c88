import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect, payload, segmentFiles, spoolsUnderTest } from "./spool-helpers.js";

const { tmp, open: openTracked } = spoolsUnderTest();

describe("append and replay", () => {
  it("replays after a restart what was appended, byte for byte, with its lane and sequence number", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir });
    const s1 = a.append("first scan", false);
    const s2 = a.append(new Uint8Array([0, 1, 2, 255]), true);
    const s3 = a.append("ünïcödé audit", true);
    await a.close();

    const b = await openTracked({ dir });
    const records = await collect(b);

    expect([s1, s2, s3]).toEqual([1, 2, 3]);
    expect(records.map((r) => [r.seq, r.audit, r.data.toString("latin1")])).toEqual([
      [1, false, "first scan"],
      [2, true, Buffer.from([0, 1, 2, 255]).toString("latin1")],
      [3, true, Buffer.from("ünïcödé audit").toString("latin1")],
    ]);
  });

  it("keeps append order within each lane across segments", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir, segmentBytes: 4096 });
    for (let i = 0; i < 300; i++) a.append(payload(`${i % 3 === 0 ? "a" : "s"}${i}`, 200), i % 3 === 0);
    await a.close();

    const b = await openTracked({ dir, segmentBytes: 4096 });
    const records = await collect(b);

    expect((await segmentFiles(dir)).length).toBeGreaterThan(10);
    const tags = (audit: boolean) => records.filter((r) => r.audit === audit).map((r) => r.data.toString().split("|")[0]);
    expect(tags(true)).toEqual(Array.from({ length: 100 }, (_, k) => `a${k * 3}`));
    expect(tags(false)).toEqual(
      Array.from({ length: 300 }, (_, i) => i)
        .filter((i) => i % 3 !== 0)
        .map((i) => `s${i}`),
    );
  });

  it("continues numbering after the records found on disk", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir });
    for (let i = 0; i < 5; i++) a.append("x", false);
    await a.close();

    const b = await openTracked({ dir });

    expect(b.append("y", false)).toBe(6);
  });

  it("writes a group within flushMs without flush() being called", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir, flushMs: 20 });
    a.append("x", false);
    expect(a.committedSeq).toBe(0);

    await new Promise((r) => setTimeout(r, 150));

    expect(a.committedSeq).toBe(1);
    const [file] = await segmentFiles(dir);
    expect((await stat(join(dir, file!))).size).toBe(24 + 13 + 1);
  });
});

describe("ack", () => {
  it("deletes a segment once every record in it is acknowledged, out of order", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir, segmentBytes: 4096 });
    const seqs = Array.from({ length: 60 }, () => a.append(payload("r", 200), false)!);
    await a.flush();
    const before = await segmentFiles(dir);

    for (const seq of [...seqs].reverse().slice(0, 59)) a.ack(seq); // all but seqs[0]
    await a.flush();
    const middle = await segmentFiles(dir);
    a.ack(seqs[0]!);
    await a.flush();

    expect(before.length).toBeGreaterThan(2);
    // the first segment still holds an unacked record; the active one is never deleted
    expect(middle).toEqual([before[0], before[before.length - 1]]);
    expect(await segmentFiles(dir)).toEqual([before[before.length - 1]]);
    expect(a.stats().ackedRecords).toBe(60);
  });

  it("replays after a restart only the records not acknowledged", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir, segmentBytes: 4096 });
    const seqs = Array.from({ length: 40 }, (_, i) => a.append(`r${i}`, i % 2 === 0)!);
    await a.flush();
    for (const seq of seqs) if (seq % 3 !== 0) a.ack(seq);
    await a.close();

    const b = await openTracked({ dir, segmentBytes: 4096 });
    const replayed = await collect(b);

    expect(replayed.map((r) => r.seq)).toEqual(seqs.filter((s) => s % 3 === 0));
  });

  it("never writes a record acknowledged before its group commit", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir, flushMs: 10_000 });
    const s1 = a.append("delivered fast", false)!;
    a.append("still pending", false);
    a.ack(s1);
    await a.close();

    const b = await openTracked({ dir });
    const replayed = await collect(b);

    expect(replayed.map((r) => r.data.toString())).toEqual(["still pending"]);
  });

  it("counts acks that arrive while their group is being written against the right segment", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir, segmentBytes: 4096 });
    const seqs = Array.from({ length: 100 }, (_, i) => a.append(payload(`r${i}`, 200), false)!);

    const writing = a.flush(); // encodes the first segment, then awaits I/O
    for (const seq of seqs.slice(0, 99)) a.ack(seq);
    await writing;
    await a.flush();
    await a.close();

    const b = await openTracked({ dir, segmentBytes: 4096 });
    expect((await collect(b)).map((r) => r.seq)).toEqual([100]);
    expect(await segmentFiles(dir)).toHaveLength(1);
  });

  it("does not release a segment early when a record is acknowledged twice", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir, segmentBytes: 4096 });
    const seqs = Array.from({ length: 30 }, () => a.append(payload("r", 200), false)!);
    a.ack(seqs[0]!); // before the write: never written
    await a.flush();
    for (let i = 0; i < 29; i++) a.ack(seqs[i]!); // seqs[0] again; seqs[29] stays unacked
    for (let i = 0; i < 29; i++) a.ack(seqs[i]!);
    for (let i = 0; i < 30; i++) a.append(payload("more", 200), false); // rolls the first segment
    await a.flush();
    await a.close();

    const b = await openTracked({ dir, segmentBytes: 4096 });
    const replayed = (await collect(b)).map((r) => r.seq);

    expect(replayed[0]).toBe(seqs[29]);
    expect(replayed).toHaveLength(31);
  });

  it("round-trips a record larger than the 1 MiB read buffer", async () => {
    const dir = await tmp.make();
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    const a = await openTracked({ dir });
    a.append("small", true);
    a.append(big, false);
    a.append("after", true);
    await a.close();

    const b = await openTracked({ dir });
    const replayed = await collect(b);

    expect(replayed.map((r) => r.data.length)).toEqual([5, big.length, 5]);
    expect(replayed[1]!.data.equals(big)).toBe(true);
  });

  it("deletes replayed segments once the replayed records are acknowledged", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir, segmentBytes: 4096 });
    for (let i = 0; i < 50; i++) a.append(payload(`r${i}`, 300), false);
    await a.close();
    const b = await openTracked({ dir, segmentBytes: 4096 });

    for await (const r of b.replay()) b.ack(r.seq);
    await b.flush();

    expect(await segmentFiles(dir)).toEqual([]);
    expect(b.stats().diskBytes).toBe(0);
    await b.close();
    const c = await openTracked({ dir });
    expect(await collect(c)).toEqual([]);
    expect(c.append("next", false)).toBe(51);
  });
});

describe("stats and close", () => {
  it("counts spooled records and bytes, refuses appends after close and releases the lock", async () => {
    const dir = await tmp.make();
    const a = await openTracked({ dir });
    a.append("abc", false);
    a.append("de", true);
    await a.close();
    await a.close();

    expect(a.append("late", true)).toBeUndefined();
    const stats = a.stats();
    expect(stats).toMatchObject({
      spooledRecords: 2,
      spooledBytes: 13 * 2 + 5,
      diskBytes: 24 + 13 * 2 + 5,
      pendingRecords: 0,
      refusedAudit: 1,
    });
    expect(stats.refused.spool_closed).toBe(1);
    expect((await readdir(dir)).filter((n) => n.startsWith("lock."))).toEqual([]);
  });
});
