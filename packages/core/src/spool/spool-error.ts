import { IwError } from "../diagnostics/index.js";

/**
 * Stable codes of spool failures (members of `IwErrorCode`).
 *
 * - `IW_SPOOL_LOCKED`: another live process holds the directory.
 * - `IW_SPOOL_UNAVAILABLE`: the directory cannot be created, opened or written at start.
 * - `IW_SPOOL_IO`: a read or write failed while running (disk full, directory removed, ...);
 *   the spool stops accepting records and the caller keeps events in memory.
 */
export type SpoolErrorCode = "IW_SPOOL_LOCKED" | "IW_SPOOL_UNAVAILABLE" | "IW_SPOOL_IO";

/** A spool failure with a stable `code`, the system `errno` code when there is one, and a `cause`. */
export class SpoolError extends IwError {
  declare readonly code: SpoolErrorCode;
  /** The underlying system error code (`ENOSPC`, `EACCES`, ...), if any. */
  readonly errno: string | undefined;
  constructor(code: SpoolErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "SpoolError";
    this.errno = systemCode(options?.cause);
  }
}

function systemCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

const EXPLANATIONS: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  ENOTDIR: "a component of the path is a file, not a directory",
  EEXIST: "the path exists and is not a directory",
  ENOENT: "the path does not exist (was the directory removed?)",
  EMFILE: "too many open files",
  EIO: "input/output error",
};

/** One clear sentence: what failed, where, and why in plain words, with the errno code. */
export function describeIoError(action: string, path: string, err: unknown): string {
  const code = systemCode(err);
  const why = code ? `${EXPLANATIONS[code] ?? (err as Error).message} (${code})` : String(err);
  return `spool: cannot ${action} ${path}: ${why}`;
}
