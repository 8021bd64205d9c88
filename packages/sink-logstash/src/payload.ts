import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import type { IwEvent } from "@iw/core";
import type { LogstashCompression } from "./options.js";
import { serializeInSlices } from "./serialize.js";

const gzip = promisify(gzipCallback);
/** Same as Beats' Logstash output: most of the gain for a fraction of the CPU of level 6. */
const GZIP_LEVEL = 3;
/** Events serialized per event-loop turn. */
const SLICE_SIZE = 100;

/**
 * A batch's request body as `LogstashSink.prepare` builds it: serialized and compressed once,
 * then sent byte for byte by every attempt of the batch and to every node it fails over to.
 * Internal: callers only hand it back through `SendContext.payload`.
 */
export interface LogstashPayload {
  /** One JSON array, gzipped when compression is `gzip`. */
  readonly body: Uint8Array;
}

/** A built payload and what was left out of it. */
export interface BuiltPayload {
  readonly payload: LogstashPayload;
  /** Events in the body. */
  readonly count: number;
  /** Events left out because they cannot be serialized. */
  readonly malformed: number;
  /** The events in the body, when some were left out. */
  readonly events: readonly IwEvent[] | undefined;
  /** Why the first left-out event failed. */
  readonly firstError: Error | undefined;
}

/**
 * Serializes `batch` in slices (see `serializeInSlices`) and compresses the result. Compression
 * runs on libuv's thread pool, so only the serialization costs the host's event loop.
 */
export async function buildPayload(
  batch: readonly IwEvent[],
  mapFor: (slice: readonly IwEvent[]) => ((event: IwEvent) => unknown) | undefined,
  compression: LogstashCompression,
): Promise<BuiltPayload> {
  const serialized = await serializeInSlices(batch, mapFor, SLICE_SIZE);
  const body = compression === "gzip" && serialized.count > 0 ? await gzip(serialized.body, { level: GZIP_LEVEL }) : serialized.body;
  return {
    payload: { body },
    count: serialized.count,
    malformed: serialized.malformed,
    events: serialized.events,
    firstError: serialized.firstError,
  };
}
