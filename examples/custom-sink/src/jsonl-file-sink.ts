import { appendFile, rename, stat } from "node:fs/promises";
import { IwError } from "@iw/core";
import type { IwEvent } from "@iw/core";
import type { SendContext, SendResult, Sink } from "@iw/core/sink-kit";

/** Options of the JSON Lines file sink. */
export interface JsonlFileSinkOptions {
  /** The file to append to. Rotated files get `.1`, `.2`, … appended. */
  readonly path: string;
  /** Rotate before a write would make the file larger than this. @default 10_485_760 — `IW_JSONL_MAX_BYTES` */
  readonly maxBytes?: number;
  /** Rotated files kept besides the current one. @default 5 — `IW_JSONL_MAX_FILES` */
  readonly maxFiles?: number;
}

/** @default 10 MiB */
export const DEFAULT_MAX_BYTES = 10_485_760;
/** @default 5 */
export const DEFAULT_MAX_FILES = 5;

// A full disk or a busy file may clear up; a missing directory or a permission problem won't.
const RETRYABLE = new Set(["ENOSPC", "EAGAIN", "EBUSY", "EMFILE", "ENFILE", "EIO"]);

/**
 * Appends each batch as JSON Lines (one event per line) to a file, rotating by size. Only wire
 * I/O and classification live here: batching, retries and stats come from the core queue.
 */
export class JsonlFileSink implements Sink {
  readonly name = "jsonl-file";
  readonly #path: string;
  readonly #maxBytes: number;
  readonly #maxFiles: number;
  // Batches may be sent concurrently; appends and rotation must not interleave.
  #tail: Promise<unknown> = Promise.resolve();
  #size: number | undefined;
  #closed = false;

  constructor(options: JsonlFileSinkOptions) {
    this.#path = options.path;
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.#maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  }

  send(batch: readonly IwEvent[], ctx: SendContext): Promise<SendResult> {
    if (this.#closed) {
      return Promise.resolve({ status: "failure", error: new IwError("IW_CLOSED", "jsonl-file: the sink is closed") });
    }
    const result = this.#tail.then(() => this.#write(batch, ctx));
    this.#tail = result;
    return result;
  }

  async #write(batch: readonly IwEvent[], ctx: SendContext): Promise<SendResult> {
    if (ctx.signal.aborted) {
      return { status: "retryable", error: new IwError("IW_SEND_ABORTED", "jsonl-file: aborted before writing") };
    }
    if (batch.length === 0) return { status: "success" };
    let text = "";
    for (const event of batch) text += JSON.stringify(event) + "\n";
    const bytes = Buffer.byteLength(text);
    try {
      this.#size ??= await currentSize(this.#path);
      if (this.#size > 0 && this.#size + bytes > this.#maxBytes) await this.#rotate();
      await appendFile(this.#path, text);
      this.#size += bytes;
      return { status: "success" };
    } catch (err) {
      this.#size = undefined;
      const code = (err as { code?: string }).code ?? "EUNKNOWN";
      const error = new IwError("IW_NETWORK", `jsonl-file: cannot write ${this.#path} (${code})`, { cause: err });
      return RETRYABLE.has(code) ? { status: "retryable", error } : { status: "failure", error };
    }
  }

  async #rotate(): Promise<void> {
    for (let i = this.#maxFiles - 1; i >= 1; i--) {
      await rename(`${this.#path}.${i}`, `${this.#path}.${i + 1}`).catch(ignoreMissing);
    }
    await rename(this.#path, `${this.#path}.1`).catch(ignoreMissing);
    this.#size = 0;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#tail.catch(() => undefined);
  }
}

async function currentSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return 0;
    throw err;
  }
}

function ignoreMissing(err: unknown): void {
  if ((err as { code?: string }).code !== "ENOENT") throw err;
}
