import { silentLogger } from "@iw/core";
import { createSpooledDispatcher, maskSecrets } from "@iw/core/inspect";
import type { Spool } from "@iw/core/inspect";
import type { Sink } from "@iw/core/sink-kit";
import { formatBytes } from "../format.js";
import type { Loaded } from "../load.js";
import type { SpoolFolder } from "./spool-dirs.js";
import { holderText } from "./spool-dirs.js";

/** What `spool replay` or `spool purge` did to one sink's spool. */
export interface ActionResult {
  readonly folder: string;
  readonly ok: boolean;
  readonly message: string;
  readonly ms?: number;
  /** replay: delivered, dropped for good, still spooled; purge: removed. */
  readonly delivered?: number;
  readonly dropped?: number;
  readonly left?: number;
  readonly purged?: number;
}

/**
 * Opens a spool as activation does, taking its lock. A spool held by a running host is refused
 * with who holds it: that host replays it itself.
 */
async function openLocked(f: SpoolFolder, loaded: Loaded): Promise<Spool | ActionResult> {
  const { openSpool, readSpoolSummary } = await import("@iw/core/inspect");
  const g = loaded.inspection.global?.spool;
  try {
    return await openSpool({
      dir: f.path,
      logger: silentLogger,
      ...(g === undefined ? {} : { maxBytes: g.maxBytes, flushMs: g.flushMs, sync: g.sync }),
    });
  } catch (err) {
    if ((err as { code?: string }).code === "IW_SPOOL_LOCKED") {
      const holder = holderText(await readSpoolSummary(f.path)) ?? "another process";
      return {
        folder: f.folder,
        ok: false,
        message: `refused: the spool is in use by ${holder}; a running host replays its spool itself once its collector is back (stop it to replay or purge here)`,
      };
    }
    return { folder: f.folder, ok: false, message: `cannot open the spool: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * Sends a sink's spooled events to its collector through core's delivery queue (the same
 * batching, retry and acknowledgement as the host), for at most `timeoutMs`; what is not
 * delivered by then stays spooled.
 */
export async function replayFolder(
  f: SpoolFolder,
  loaded: Loaded,
  o: { timeoutMs: number; signal: AbortSignal | undefined },
): Promise<ActionResult> {
  const s = f.sink;
  if (s?.config === undefined) {
    const why =
      s === undefined
        ? `no sink of this environment spools to ${f.path}: set the variables of the sink it belongs to`
        : `sink ${s.name} is not configured correctly (iw-sinks doctor says why)`;
    return { folder: f.folder, ok: false, message: why };
  }
  const spool = await openLocked(f, loaded);
  if ("ok" in spool) return spool;
  const waiting = spool.unacked;
  if (waiting === 0) {
    await spool.close();
    return { folder: f.folder, ok: true, message: "nothing to replay", delivered: 0, dropped: 0, left: 0 };
  }
  const started = performance.now();
  let sink: Sink;
  try {
    sink = s.plugin.create(s.config.options, { logger: silentLogger, env: s.env, sinkName: s.name, envPrefix: s.envPrefix });
  } catch (err) {
    await spool.close();
    return {
      folder: f.folder,
      ok: false,
      message: `the ${s.plugin.name} sink could not be created: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  // Spooled events were redacted when they were written: no transform, no filter, no lifecycle events.
  const dispatcher = createSpooledDispatcher([{ sink, queue: s.config.generic.queue, spool }], { exitFlushMs: 0 });
  const stop = () => void dispatcher.flush(0);
  o.signal?.addEventListener("abort", stop, { once: true });
  await dispatcher.flush(o.timeoutMs);
  o.signal?.removeEventListener("abort", stop);
  const st = dispatcher.stats()[0]!;
  // What flush did not deliver stays on disk; close only releases the sink and the spool.
  await dispatcher.close(100);
  const ms = Math.round(performance.now() - started);
  const left = Math.max(0, waiting - st.delivered - st.dropped.total);
  const why = st.lastError === null ? "" : `: ${maskSecrets(st.lastError.message, loaded.inspection.secretValues)}`;
  const dropped =
    st.dropped.total === 0
      ? ""
      : `; ${st.dropped.total} dropped for good (${Object.entries(st.dropped)
          .filter(([k, v]) => k !== "total" && v > 0)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")})`;
  const message =
    left === 0
      ? `replayed ${st.delivered} of ${waiting} events${dropped}; the spool is empty`
      : `replayed ${st.delivered} of ${waiting} events${dropped}; ${left} kept in the spool${why}`;
  return {
    folder: f.folder,
    ok: left === 0 && st.dropped.total === 0,
    message,
    ms,
    delivered: st.delivered,
    dropped: st.dropped.total,
    left,
  };
}

/** Deletes every spooled event of a sink (acknowledges them all, so the spool releases its files). */
export async function purgeFolder(f: SpoolFolder, loaded: Loaded): Promise<ActionResult> {
  const spool = await openLocked(f, loaded);
  if ("ok" in spool) return spool;
  const count = spool.unacked;
  const bytes = spool.stats().diskBytes;
  for (let seq = spool.oldestUnackedSeq; seq !== undefined && seq <= spool.committedSeq; seq++) spool.ack(seq);
  await spool.close();
  return {
    folder: f.folder,
    ok: true,
    message: count === 0 ? "nothing to purge" : `purged ${count} event${count === 1 ? "" : "s"} (${formatBytes(bytes)} on disk)`,
    purged: count,
  };
}
