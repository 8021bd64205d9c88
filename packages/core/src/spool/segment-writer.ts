import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import type { SegmentState } from "./segment-state.js";
import type { SpoolSync } from "./spool-options.js";

/**
 * Owns the one segment file being appended to, and applies the fsync policy. Callers serialise
 * every call (the spool's commit loop), so no two writes ever overlap.
 */
export class SegmentWriter {
  readonly #dir: string;
  readonly #sync: SpoolSync;
  readonly #syncIntervalMs: number;
  #handle: FileHandle | undefined;
  #seg: SegmentState | undefined;
  #unsynced = false;
  #dirUnsynced = false;
  #lastSync = Date.now();

  constructor(dir: string, sync: SpoolSync, syncIntervalMs: number) {
    this.#dir = dir;
    this.#sync = sync;
    this.#syncIntervalMs = syncIntervalMs;
  }

  get active(): SegmentState | undefined {
    return this.#seg;
  }

  /** Makes `seg` (whose file does not exist yet) the active segment, sealing the previous one. */
  async roll(seg: SegmentState): Promise<void> {
    await this.#seal();
    this.#seg = seg;
    this.#handle = await open(seg.path, "wx");
    this.#dirUnsynced = true;
  }

  /** Appends `buf` to the active segment, all of it (a short write is continued). */
  async write(buf: Buffer): Promise<void> {
    const seg = this.#seg!;
    let done = 0;
    while (done < buf.length) {
      const { bytesWritten } = await this.#handle!.write(buf, done, buf.length - done, seg.bytes + done);
      done += bytesWritten;
    }
    seg.bytes += buf.length;
    this.#unsynced = true;
  }

  /** Applies the policy after a group: "always" syncs now, "interval" when one is due. */
  async afterGroup(): Promise<void> {
    if (this.#sync === "always" || (this.#sync === "interval" && Date.now() - this.#lastSync >= this.#syncIntervalMs)) await this.syncNow();
  }

  /** Milliseconds until an "interval" sync is due for written data, or undefined if none is owed. */
  syncDueInMs(): number | undefined {
    if (this.#sync !== "interval" || !this.#unsynced) return undefined;
    return Math.max(0, this.#lastSync + this.#syncIntervalMs - Date.now());
  }

  async syncNow(): Promise<void> {
    this.#lastSync = Date.now();
    if (this.#unsynced && this.#handle) {
      this.#unsynced = false;
      await this.#handle.datasync();
    }
    if (this.#dirUnsynced) {
      // A new file's directory entry needs its own fsync to survive a power loss.
      this.#dirUnsynced = false;
      const dir = await open(this.#dir, "r");
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    }
  }

  /** Seals and closes the active segment (syncing it unless the policy is "never"). */
  async close(): Promise<void> {
    await this.#seal();
    this.#seg = undefined;
  }

  /** After a failure: closes the file without syncing and never throws. */
  async abandon(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    this.#seg = undefined;
    await handle?.close().catch(() => undefined);
  }

  async #seal(): Promise<void> {
    if (this.#seg) this.#seg.sealed = true;
    const handle = this.#handle;
    if (!handle) return;
    try {
      if (this.#sync !== "never") await this.syncNow();
    } finally {
      this.#handle = undefined;
      await handle.close();
    }
  }
}
