import { z } from "zod";
import { defineSinkPlugin } from "@iw/core/sink-kit";
import type { IwEvent, Logger, QueueOptions } from "@iw/core";
import type { SendResult, Sink, SinkDeps } from "@iw/core/sink-kit";
import { envInt, envUrlList } from "@iw/core/sink-kit";

/** What a memory sink was created with and what it received. */
export interface MemoryRecord {
  readonly name: string;
  readonly options: MemoryOptions;
  readonly batches: IwEvent[][];
  /** What `create` got besides its options. */
  readonly deps: { readonly sinkName?: string; readonly envPrefix?: string };
  closed: boolean;
}

/** The parsed options of the memory plugin. */
export interface MemoryOptions {
  readonly url: string;
  readonly token: string | undefined;
  readonly level: number;
}

/**
 * A tiny local plugin for activation tests: `IW_<P>_URL` (mem:// or http:// URL) activates it;
 * `IW_<P>_TOKEN` is a secret of at least 8 characters; `IW_<P>_LEVEL` a number from 1 to 5.
 * Every sink it creates is recorded in `records`, and every batch it receives. With `fail`, every
 * send answers what it returns (a collector that refuses, echoing what it was sent).
 */
export function memoryPlugin(
  prefix = "IW_MEM",
  name = "mem",
  opts: { throwOnCreate?: boolean; queueDefaults?: Partial<QueueOptions>; fail?: (o: MemoryOptions) => SendResult } = {},
) {
  const records: MemoryRecord[] = [];
  const options = z
    .object({
      [`${prefix}_URL`]: envUrlList(["mem", "http"]),
      [`${prefix}_TOKEN`]: z
        .string()
        .min(8, "is shorter than 8 characters")
        .optional()
        .describe("an access token, at least 8 characters; unset by default"),
      [`${prefix}_LEVEL`]: envInt(3, 1, 5),
    })
    .transform((env): MemoryOptions => ({
      url: String((env[`${prefix}_URL`] as URL[])[0]),
      token: env[`${prefix}_TOKEN`] as string | undefined,
      level: env[`${prefix}_LEVEL`] as number,
    }));
  const plugin = defineSinkPlugin<MemoryOptions>({
    name,
    env: `${prefix}_URL`,
    options,
    secrets: [`${prefix}_TOKEN`],
    ...(opts.queueDefaults === undefined ? {} : { queueDefaults: opts.queueDefaults }),
    create(o, deps: SinkDeps): Sink {
      if (opts.throwOnCreate) throw new Error("cannot create: password=hunter22 refused");
      const record: MemoryRecord = {
        name,
        options: o,
        batches: [],
        deps: { sinkName: deps.sinkName, envPrefix: deps.envPrefix },
        closed: false,
      };
      records.push(record);
      deps.logger.debug("memory sink created");
      return {
        name,
        send(batch: readonly IwEvent[]): Promise<SendResult> {
          if (opts.fail !== undefined) return Promise.resolve(opts.fail(o));
          record.batches.push([...batch]);
          return Promise.resolve({ status: "success" });
        },
        close(): Promise<void> {
          record.closed = true;
          return Promise.resolve();
        },
      };
    },
  });
  return { plugin, records };
}

/** A logger that keeps every line. */
export function recordingLogger() {
  const lines: { level: string; message: string; fields: Record<string, unknown> | undefined }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, fields });
  const logger: Logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  return { logger, lines, errors: () => lines.filter((l) => l.level === "error") };
}
