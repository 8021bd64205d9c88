import { appendFile, open as openFile, readFile, stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { openSpool } from "../../src/spool/index.js";
import type { Spool } from "../../src/spool/index.js";
import { collect, segmentFiles, tempDirs } from "./spool-helpers.js";

const HEADER = 24;
const RECORD = 13;
const tmp = tempDirs();
const open: Spool[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await tmp.cleanup();
});

async function openTracked(dir: string): Promise<Spool> {
  const spool = await openSpool({ dir, segmentBytes: 64 * 1024 });
  open.push(spool);
  return spool;
}

/** A closed spool holding `n` records "rec-0".."rec-(n-1)" of 10 bytes each (+13 header). */
async function spoolWith(n: number): Promise<{ dir: string; seg: string }> {
  const dir = await tmp.make();
  const spool = await openSpool({ dir, segmentBytes: 64 * 1024 });
  for (let i = 0; i < n; i++) spool.append(`rec-${String(i).padStart(5, "0")}`, i % 2 === 0);
  await spool.close();
  const [seg] = await segmentFiles(dir);
  return { dir, seg: join(dir, seg!) };
}

const texts = (records: { data: Buffer }[]) => records.map((r) => r.data.toString());
const expected = (ids: number[]) => ids.map((i) => `rec-${String(i).padStart(5, "0")}`);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("torn tail", () => {
  it("cuts a record truncated partway, keeps the ones before and counts one torn tail", async () => {
    const { dir, seg } = await spoolWith(10);
    await truncate(seg, HEADER + 9 * (RECORD + 9) + 7); // record 10 is 22 bytes; keep 7

    const spool = await openTracked(dir);

    expect(texts(await collect(spool))).toEqual(expected(range(9)));
    expect(spool.stats()).toMatchObject({ tornTails: 1, damagedRecords: 0 });
    expect((await stat(seg)).size).toBe(HEADER + 9 * (RECORD + 9));
  });

  it("cuts garbage written after the last record", async () => {
    const { dir, seg } = await spoolWith(10);
    const sizeBefore = (await stat(seg)).size;
    await appendFile(seg, Buffer.from("\x07\x00\x00\x00garbage from a torn write"));

    const spool = await openTracked(dir);

    expect(texts(await collect(spool))).toEqual(expected(range(10)));
    expect(spool.stats().tornTails).toBe(1);
    expect((await stat(seg)).size).toBe(sizeBefore);
  });

  it("removes a newest segment that holds no complete record and numbers on from the one before", async () => {
    const { dir } = await spoolWith(3);
    await writeFile(join(dir, "0000000000000004.seg"), Buffer.from("IWSP\x01")); // killed while writing the header

    const spool = await openTracked(dir);

    expect(texts(await collect(spool))).toEqual(expected(range(3)));
    expect(spool.stats().tornTails).toBe(1);
    expect(await segmentFiles(dir)).toEqual(["0000000000000001.seg"]);
    expect(spool.append("next", false)).toBe(4);
  });
});

describe("damaged records", () => {
  it("skips a record whose payload byte flipped, counts it, and replays the ones after it", async () => {
    const { dir, seg } = await spoolWith(10);
    const bytes = await readFile(seg);
    bytes[HEADER + 4 * (RECORD + 9) + RECORD + 2]! ^= 0x20; // inside record 4's payload
    await writeFile(seg, bytes);

    const spool = await openTracked(dir);

    expect(texts(await collect(spool))).toEqual(expected([0, 1, 2, 3, 5, 6, 7, 8, 9]));
    expect(spool.stats()).toMatchObject({ damagedRecords: 1, tornTails: 0 });
  });

  it("resynchronises after a damaged length field and counts the records lost", async () => {
    const { dir, seg } = await spoolWith(10);
    const fd = await openFile(seg, "r+");
    await fd.write(Buffer.from([0xff, 0xff, 0x00, 0x00]), 0, 4, HEADER + 3 * (RECORD + 9)); // record 3 claims 65535 bytes
    await fd.close();

    const spool = await openTracked(dir);

    expect(texts(await collect(spool))).toEqual(expected([0, 1, 2, 4, 5, 6, 7, 8, 9]));
    expect(spool.stats().damagedRecords).toBe(1);
  });

  it("replays everything (at-least-once) when the ack progress file is damaged", async () => {
    const dir = await tmp.make();
    const a = await openSpool({ dir });
    const seqs = range(6).map((i) => a.append(`r${i}`, false)!);
    await a.flush();
    a.ack(seqs[1]!);
    a.ack(seqs[2]!);
    await a.close();
    const acks = await readFile(join(dir, "acks"));
    acks[acks.length - 1]! ^= 0xff;
    await writeFile(join(dir, "acks"), acks);

    const spool = await openTracked(dir);

    expect(texts(await collect(spool))).toEqual(range(6).map((i) => `r${i}`));
  });

  it("refuses to open a directory whose segments have a newer format version", async () => {
    const { dir, seg } = await spoolWith(1);
    const bytes = await readFile(seg);
    bytes[4] = 2; // version byte; a later version keeps magic, version and the checksum at 20
    bytes.writeUInt32LE(crc32(bytes.subarray(0, 20)), 20);
    await writeFile(seg, bytes);

    const err: unknown = await openSpool({ dir }).then(
      (s) => (open.push(s), undefined),
      (e: unknown) => e,
    );

    expect(err).toMatchObject({ code: "IW_SPOOL_UNAVAILABLE" });
    expect((err as Error).message).toBe(`spool: ${seg} has format version 2; this version of @iw/core reads version 1`);
  });
});
