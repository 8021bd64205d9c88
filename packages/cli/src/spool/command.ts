import type { Command, CommandContext } from "../command.js";
import { UsageError } from "../env-source.js";
import { formatBytes, formatLatency } from "../format.js";
import { EXIT_OK, EXIT_PROBLEM } from "../io.js";
import { loadInspection } from "../load.js";
import { purgeFolder, replayFolder } from "./spool-actions.js";
import type { ActionResult } from "./spool-actions.js";
import type { SpoolFolder } from "./spool-dirs.js";
import { holderText, spoolFolders, spoolRoot } from "./spool-dirs.js";

/** Default `--timeout` of `spool replay`, per sink. */
export const DEFAULT_REPLAY_TIMEOUT_MS = 30_000;

export const spoolCommand: Command = {
  name: "spool",
  summary: "show what each sink has spooled on disk (IW_SPOOL_DIR), replay it to the collector, or purge it",
  usage: "[show | replay | purge] [--dir DIR] [--sink NAME]... [--all] [--timeout TIME] [--env-file FILE]... [--json]",
  description: [
    "show (the default) counts each sink's spooled events (audit and scan, bytes, oldest and newest) without taking the spool's lock, so it is safe while a host runs; it says which process holds each spool.",
    "replay sends a sink's spooled events to its collector through core's own delivery queue (batches, retries within --timeout, acknowledgements), with the sink configured by the environment; what is not delivered in time stays spooled. purge deletes a sink's spooled events (--sink NAME, or --all). Both take the spool's lock, and refuse while a running host holds it: that host replays its spool itself once its collector is back.",
  ],
  options: {
    dir: { type: "string", arg: "DIR", description: "the spool directory (default: IW_SPOOL_DIR)" },
    sink: { type: "string", multiple: true, arg: "NAME", description: "only this sink (logstash, webhook:soc, or its folder name)" },
    all: { type: "boolean", description: "purge: every sink's spool" },
  },
  variables: () =>
    Promise.resolve([
      "IW_SPOOL_DIR            the spool directory (one folder per sink)",
      "IW_SPOOL_MAX_BYTES, IW_SPOOL_FLUSH_MS, IW_SPOOL_SYNC   how replay and purge open a spool",
      "the sinks' variables    replay sends with the sink they configure (IW_ELK_URL, …; see iw-sinks doctor --help)",
      "NO_COLOR, FORCE_COLOR   colours",
    ]),
  exit: [
    "0  shown; or every selected spool replayed completely / purged",
    "1  a spool in use by a running host, events left undelivered, a sink not configured",
    "2  a wrong command line (purge without --sink or --all)",
  ],
  run,
};

async function run(ctx: CommandContext): Promise<number> {
  const action = ctx.positionals[0] ?? "show";
  if (!["show", "replay", "purge"].includes(action) || ctx.positionals.length > 1)
    throw new UsageError(`expected show, replay or purge, got ${JSON.stringify(ctx.positionals.join(" "))}`);
  if (action === "purge" && ctx.values["sink"] === undefined && ctx.values["all"] !== true)
    throw new UsageError("purge deletes events: name the sinks (--sink NAME) or pass --all");
  const loaded = await loadInspection(ctx);
  const root = spoolRoot(ctx, loaded);
  const { folders, unknown } = await spoolFolders(ctx, loaded, root);
  if (action === "show") return show(ctx, root, folders, unknown);
  const results: ActionResult[] = unknown.map((name) => ({
    folder: name,
    ok: false,
    message: "no spool folder or spooling sink of this name",
  }));
  for (const f of folders) {
    results.push(
      action === "replay"
        ? await replayFolder(f, loaded, { timeoutMs: ctx.timeoutMs ?? DEFAULT_REPLAY_TIMEOUT_MS, signal: ctx.io.signal })
        : await purgeFolder(f, loaded),
    );
  }
  if (results.length === 0) results.push({ folder: "-", ok: false, message: `nothing spooled in ${root}` });
  const ok = results.every((r) => r.ok);
  if (ctx.json) ctx.out.json({ ok, action, dir: root, sinks: results });
  else {
    const p = ctx.out.paint;
    const width = Math.max(...results.map((r) => r.folder.length));
    for (const r of results)
      ctx.out.line(
        `${r.ok ? p.green("✓") : p.red("✗")} ${r.folder.padEnd(width)}  ${r.message}${r.ms === undefined ? "" : p.dim(` (${formatLatency(r.ms)})`)}`,
      );
  }
  return ok ? EXIT_OK : EXIT_PROBLEM;
}

async function show(ctx: CommandContext, root: string, folders: readonly SpoolFolder[], unknown: readonly string[]): Promise<number> {
  const { readSpoolSummary } = await import("@iw/core/inspect");
  const rows = await Promise.all(
    folders.map(async (f) => ({ folder: f.folder, sink: f.sink?.name ?? null, ...(await readSpoolSummary(f.path)) })),
  );
  if (ctx.json) {
    ctx.out.json({ dir: root, sinks: rows, unknown });
    return unknown.length === 0 ? EXIT_OK : EXIT_PROBLEM;
  }
  const p = ctx.out.paint;
  ctx.out.line(p.bold(`spool ${root}`));
  if (rows.length === 0) ctx.out.line("  no sink has spooled anything here");
  const width = Math.max(0, ...rows.map((r) => r.folder.length));
  for (const r of rows) {
    const what = !r.exists
      ? "no folder yet (nothing spooled)"
      : r.records === 0
        ? "empty"
        : `${r.records} event${r.records === 1 ? "" : "s"} (${r.audit} in the audit lane, ${r.scan} in the scan lane), ${formatBytes(r.payloadBytes)} in ${r.segments} segment${r.segments === 1 ? "" : "s"}${r.oldest === undefined ? "" : `; oldest ${r.oldest}, newest ${r.newest ?? "?"}`}`;
    const sink =
      r.sink === null ? p.dim(" (no sink of this environment spools here)") : r.sink === r.folder ? "" : p.dim(` (sink ${r.sink})`);
    const holder = holderText(r);
    const damaged = r.damaged > 0 ? p.yellow(`; ${r.damaged} damaged record(s) skipped`) : "";
    ctx.out.line(`  ${r.folder.padEnd(width)}  ${what}${damaged}${sink}`);
    if (holder !== undefined) ctx.out.line(`  ${"".padEnd(width)}  ${p.dim(`in use by ${holder}`)}`);
  }
  for (const name of unknown) ctx.out.line(`  ${p.red("✗")} ${name}: no spool folder or spooling sink of this name`);
  return unknown.length === 0 ? EXIT_OK : EXIT_PROBLEM;
}
