import { open, readdir, readFile, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { readAckFile } from "./ack-file.js";
import { RECORD_HEADER_BYTES, parseSegmentFileName } from "./format.js";
import { SegmentReader } from "./segment-reader.js";
import { DEFAULT_SPOOL_SEGMENT_BYTES } from "./spool-options.js";

/** The process holding a spool directory's lock. @experimental */
export interface SpoolHolder {
  readonly pid: number;
  readonly host: string;
  /** When it took the lock (ISO 8601), if recorded. */
  readonly since: string | undefined;
  /** The lock file. */
  readonly file: string;
  /** False never appears here (stale locks are not holders); `undefined` when it runs on another host and cannot be checked. */
  readonly live: true | undefined;
}

/** What a spool directory holds, read without taking its lock. @experimental */
export interface SpoolSummary {
  readonly dir: string;
  readonly exists: boolean;
  /** Segment files and their bytes on disk (acknowledged records count until their segment is deleted). */
  readonly segments: number;
  readonly diskBytes: number;
  /** Records not acknowledged, by lane (the scan lane also holds traffic summaries), and their payload bytes. */
  readonly records: number;
  readonly audit: number;
  readonly scan: number;
  readonly payloadBytes: number;
  /** `timestamp` of the first and the last record not acknowledged, when they are events that carry one. */
  readonly oldest: string | undefined;
  readonly newest: string | undefined;
  /** Records skipped because their checksum failed (an upper bound). */
  readonly damaged: number;
  /** The live process holding the directory, if any. */
  readonly holder: SpoolHolder | undefined;
}

/**
 * Counts what a spool directory holds without opening it: no lock is taken and nothing is
 * written, cut or deleted, so it is safe while a host runs on the directory. It is then a snapshot:
 * the running host's records still in memory (the last `IW_SPOOL_FLUSH_MS`) and its acknowledgements
 * not yet written are not seen, and a record being written is not counted.
 *
 * @experimental
 */
export async function readSpoolSummary(directory: string): Promise<SpoolSummary> {
  const dir = resolve(directory);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as { code?: string }).code !== "ENOENT") throw err;
    return {
      dir,
      exists: false,
      segments: 0,
      diskBytes: 0,
      records: 0,
      audit: 0,
      scan: 0,
      payloadBytes: 0,
      oldest: undefined,
      newest: undefined,
      damaged: 0,
      holder: undefined,
    };
  }
  const acks = await readAckFile(dir).catch(() => "damaged" as const);
  const bits = new Map<string, Uint8Array>();
  if (typeof acks === "object") for (const e of acks.entries) bits.set(`${e.baseSeq}:${e.nonce}`, e.bits);
  const out: Counts = { segments: 0, diskBytes: 0, records: 0, audit: 0, payloadBytes: 0, damaged: 0, first: undefined, last: undefined };
  const bases = names
    .map(parseSegmentFileName)
    .filter((b): b is number => b !== undefined)
    .sort((a, b) => a - b);
  for (const base of bases) await countSegment(join(dir, `${String(base).padStart(16, "0")}.seg`), base, bits, out);
  return {
    dir,
    exists: true,
    segments: out.segments,
    diskBytes: out.diskBytes,
    records: out.records,
    audit: out.audit,
    scan: out.records - out.audit,
    payloadBytes: out.payloadBytes,
    oldest: timestampOf(out.first),
    newest: timestampOf(out.last === undefined ? undefined : await readAt(out.last)),
    damaged: out.damaged,
    holder: await liveHolder(dir, names),
  };
}

interface Counts {
  segments: number;
  diskBytes: number;
  records: number;
  audit: number;
  payloadBytes: number;
  damaged: number;
  first: Buffer | undefined;
  /** Where the last record counted is: read again at the end (a reader's view lasts one step). */
  last: { path: string; offset: number; length: number } | undefined;
}

const PEEK_BYTES = 4096;

async function countSegment(path: string, base: number, bits: ReadonlyMap<string, Uint8Array>, out: Counts): Promise<void> {
  let reader: SegmentReader;
  try {
    const size = (await stat(path)).size;
    reader = await SegmentReader.open(path, DEFAULT_SPOOL_SEGMENT_BYTES, { offset: 0, firstIndex: 0, end: size });
    out.segments++;
    out.diskBytes += size;
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return; // released by the running host meanwhile
    throw err;
  }
  try {
    const acked = typeof reader.header === "object" ? bits.get(`${base}:${reader.header.nonce}`) : undefined;
    for (let r = await reader.next(); r; r = await reader.next()) {
      if (acked !== undefined && r.index >>> 3 < acked.length && (acked[r.index >>> 3]! & (1 << (r.index & 7))) !== 0) continue;
      out.records++;
      if (r.audit) out.audit++;
      out.payloadBytes += r.data.length;
      if (out.first === undefined) out.first = Buffer.from(r.data.subarray(0, PEEK_BYTES));
      out.last = { path, offset: reader.recordOffset + RECORD_HEADER_BYTES, length: Math.min(r.data.length, PEEK_BYTES) };
    }
    out.damaged += reader.damaged;
  } finally {
    await reader.close();
  }
}

async function readAt(where: { path: string; offset: number; length: number }): Promise<Buffer | undefined> {
  try {
    const handle = await open(where.path, "r");
    try {
      const buf = Buffer.alloc(where.length);
      const { bytesRead } = await handle.read(buf, 0, where.length, where.offset);
      return buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return undefined; // released meanwhile
  }
}

function timestampOf(data: Buffer | undefined): string | undefined {
  const m = data === undefined ? null : /"timestamp":"([^"]{1,64})"/.exec(data.toString("utf8"));
  return m?.[1];
}

/** The live lock holder; stale locks (their process is gone) are ignored, never removed. */
async function liveHolder(dir: string, names: readonly string[]): Promise<SpoolHolder | undefined> {
  for (const name of names) {
    if (!name.startsWith("lock.") || name.endsWith(".tmp")) continue;
    const file = join(dir, name);
    let info: { pid?: unknown; host?: unknown; start?: unknown; createdAt?: unknown };
    try {
      info = JSON.parse(await readFile(file, "utf8")) as typeof info;
    } catch {
      continue; // gone, or being written: an opener still deciding
    }
    if (typeof info.pid !== "number" || typeof info.host !== "string") continue;
    const since = typeof info.createdAt === "string" ? info.createdAt : undefined;
    if (info.host !== hostname()) return { pid: info.pid, host: info.host, since, file, live: undefined };
    if (await sameProcess(info.pid, typeof info.start === "string" ? info.start : null))
      return { pid: info.pid, host: info.host, since, file, live: true };
  }
  return undefined;
}

/** Whether `pid` runs and is the process that wrote the lock (same start time, Linux). */
async function sameProcess(pid: number, start: string | null): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as { code?: string }).code === "ESRCH") return false;
  }
  if (start === null) return true;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] === start;
  } catch {
    return true;
  }
}
