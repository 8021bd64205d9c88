import { IwConfigError } from "../diagnostics/index.js";
import type { Logger } from "../diagnostics/index.js";
import { RECORD_HEADER_BYTES, SEGMENT_HEADER_BYTES } from "./format.js";
import type { SpoolError } from "./spool-error.js";

/**
 * When the spool calls fsync (fdatasync) on segment files. See docs/spool-format.md.
 *
 * - `"never"`: survives a crash of the process (kill -9 loses at most the last `flushMs`), not
 *   a power loss or kernel crash: the OS writes the page cache back when it chooses (Linux:
 *   typically within 30 s). Costs nothing.
 * - `"interval"`: also survives power loss except the last `syncIntervalMs` + `flushMs`.
 *   Costs one fdatasync per `syncIntervalMs` while records arrive.
 * - `"always"`: every group is fdatasynced before it counts as committed; power loss loses at
 *   most the group being written. Costs one fdatasync per group (0.1 to several ms on SSD,
 *   10+ ms on disks and network volumes), which caps groups per second, not records.
 */
export type SpoolSync = "never" | "interval" | "always";

/** Options of {@link openSpool}. Environment variable names are those the engine reads. */
export interface SpoolOptions {
  /** Directory of this spool; created (with parents) when missing. One per sink. Env: `IW_SPOOL_DIR` (+ sink subfolder). */
  dir: string;
  /** Bytes on disk (segments, headers included) plus bytes awaiting commit. @default 268435456 (256 MiB). Env: `IW_SPOOL_MAX_BYTES`. */
  maxBytes?: number;
  /** The last bytes of `maxBytes` only audit records may use; scan records are refused first. @default maxBytes / 4. Env: `IW_SPOOL_AUDIT_RESERVE_BYTES`. */
  auditReserveBytes?: number;
  /** Size at which a segment file is closed and a new one started (at most maxBytes / 4). @default 8388608 (8 MiB). Env: `IW_SPOOL_SEGMENT_BYTES`. */
  segmentBytes?: number;
  /** Longest time an appended record waits in memory before its group is written. @default 100. Env: `IW_SPOOL_FLUSH_MS`. */
  flushMs?: number;
  /** Pending bytes that start a group commit at once instead of waiting for `flushMs`. @default 1048576 (1 MiB). */
  groupBytes?: number;
  /** fsync policy. @default "interval". Env: `IW_SPOOL_SYNC`. */
  sync?: SpoolSync;
  /** Longest time between fdatasyncs with `sync: "interval"`. @default 1000. Env: `IW_SPOOL_SYNC_INTERVAL_MS`. */
  syncIntervalMs?: number;
  /** Where warnings (damaged records, torn tails) and the one I/O failure are reported. @default silent. */
  logger?: Logger;
  /** Called once when an I/O failure stops the spool (the caller switches to memory). @default none. */
  onFailure?: (err: SpoolError) => void;
}

export const DEFAULT_SPOOL_MAX_BYTES = 256 * 1024 * 1024;
export const DEFAULT_SPOOL_SEGMENT_BYTES = 8 * 1024 * 1024;
export const DEFAULT_SPOOL_FLUSH_MS = 100;
export const DEFAULT_SPOOL_GROUP_BYTES = 1024 * 1024;
export const DEFAULT_SPOOL_SYNC: SpoolSync = "interval";
export const DEFAULT_SPOOL_SYNC_INTERVAL_MS = 1000;
const MIN_SEGMENT_BYTES = 4096;

export type ResolvedSpoolOptions = Required<Omit<SpoolOptions, "logger" | "onFailure">> & {
  logger: Logger | undefined;
  onFailure: ((err: SpoolError) => void) | undefined;
  maxPayload: number;
};

/** Applies defaults; throws an `IwConfigError` naming the option for values that make no sense. */
export function resolveSpoolOptions(options: SpoolOptions): ResolvedSpoolOptions {
  if (typeof options.dir !== "string" || options.dir === "") throw new IwConfigError("spool: `dir` must be a non-empty path");
  const maxBytes = positive("maxBytes", options.maxBytes ?? DEFAULT_SPOOL_MAX_BYTES);
  // At least four segments fit, so acknowledged segments can be deleted before the limit.
  const segmentBytes = Math.max(
    MIN_SEGMENT_BYTES,
    Math.min(Math.floor(maxBytes / 4), positive("segmentBytes", options.segmentBytes ?? DEFAULT_SPOOL_SEGMENT_BYTES)),
  );
  const auditReserveBytes = Math.min(maxBytes, nonNegative("auditReserveBytes", options.auditReserveBytes ?? Math.floor(maxBytes / 4)));
  const sync = options.sync ?? DEFAULT_SPOOL_SYNC;
  if (sync !== "never" && sync !== "interval" && sync !== "always")
    throw new IwConfigError(`spool: \`sync\` must be "never", "interval" or "always", got ${String(sync)}`);
  return {
    dir: options.dir,
    maxBytes,
    auditReserveBytes,
    segmentBytes,
    flushMs: nonNegative("flushMs", options.flushMs ?? DEFAULT_SPOOL_FLUSH_MS),
    groupBytes: positive("groupBytes", options.groupBytes ?? DEFAULT_SPOOL_GROUP_BYTES),
    sync,
    syncIntervalMs: positive("syncIntervalMs", options.syncIntervalMs ?? DEFAULT_SPOOL_SYNC_INTERVAL_MS),
    logger: options.logger,
    onFailure: options.onFailure,
    // A record always fits in one segment, so a segment never needs to exceed segmentBytes.
    maxPayload: segmentBytes - SEGMENT_HEADER_BYTES - RECORD_HEADER_BYTES,
  };
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new IwConfigError(`spool: \`${name}\` must be a positive number, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new IwConfigError(`spool: \`${name}\` must be zero or more, got ${value}`);
  return value;
}
