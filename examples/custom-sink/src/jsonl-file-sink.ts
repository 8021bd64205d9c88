import { appendFile, rename, stat } from "node:fs/promises";
import { IwError } from "@iw/core";
import type { IwEvent } from "@iw/core";
import type { SendContext, SendResult, Sink } from "@iw/core/sink-kit";
import { jsonlOptions } from "./options.js";
import type { JsonlFileSinkOptions } from "./options.js";

// A full disk or a busy file may clear up; a missing directory or a permission problem won't.
const RETRYABLE = new Set(["ENOSPC", "EAGAIN", "EBUSY", "EMFILE", "ENFILE", "EIO"]);

/**
 * Appends each batch as JSON Lines (one event per line) to a file, rotating by size. Only wire
 * I/O and classification live here: batching, retries and stats come from the core queue.
 */
export class JsonlFileSink implements Sink {
  readonly name: string;
  readonly #path: string;
  readonly #maxBytes: number;
  readonly #maxFiles: number;
  // Batches may be sent concurrently; appends and rotation must not interleave.
  #tail: Promise<unknown> = Promise.resolve();
  #size: number | undefined;
  #closed = false;

  constructor(options: JsonlFileSinkOptions) {
    // Checks and defaults, the same as for the variables; throws IwConfigError naming the variable.
    const o = jsonlOptions.resolve(options);
    this.name = o.name;
    this.#path = o.path;
    this.#maxBytes = o.maxBytes;
    this.#maxFiles = o.maxFiles;
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
