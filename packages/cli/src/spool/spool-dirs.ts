import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { InspectedSink, SpoolSummary } from "@iw/core/inspect";
import type { CommandContext } from "../command.js";
import { stringList, stringValue } from "../command.js";
import { UsageError } from "../env-source.js";
import type { Loaded } from "../load.js";

/** One sink's folder under the spool directory, and the sink configured for it, if any. */
export interface SpoolFolder {
  /** `logstash`, `webhook-soc`: the folder's name. */
  readonly folder: string;
  readonly path: string;
  /** The configured sink that spools here, when the environment has one. */
  readonly sink: InspectedSink | undefined;
}

/** The spool directory: `--dir`, else `IW_SPOOL_DIR` of the environment (or `--env-file`). */
export function spoolRoot(ctx: CommandContext, loaded: Loaded): string {
  const dir = stringValue(ctx, "dir") ?? loaded.source.env["IW_SPOOL_DIR"]?.trim();
  if (dir === undefined || dir === "") throw new UsageError("no spool directory: set IW_SPOOL_DIR (or --env-file with it) or pass --dir");
  return resolve(ctx.io.cwd, dir);
}

/**
 * Every sink folder under `root` and every configured sink that would spool there (its folder may
 * not exist yet), narrowed to `--sink` names (a sink name such as `webhook:soc` or a folder name).
 */
export async function spoolFolders(
  ctx: CommandContext,
  loaded: Loaded,
  root: string,
): Promise<{ folders: SpoolFolder[]; unknown: string[] }> {
  let names: string[] = [];
  try {
    names = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (err) {
    if ((err as { code?: string }).code !== "ENOENT") throw err;
  }
  const configured = loaded.inspection.sinks.filter((s) => s.config?.spoolDir !== undefined && resolve(s.config.spoolDir, "..") === root);
  for (const s of configured) {
    const name = folderOf(s);
    if (!names.includes(name)) names.push(name);
  }
  const folders = names
    .sort()
    .map((folder) => ({ folder, path: join(root, folder), sink: configured.find((s) => folderOf(s) === folder) }));
  const wanted = stringList(ctx, "sink");
  if (wanted.length === 0) return { folders, unknown: [] };
  const matches = (f: SpoolFolder, w: string) => f.folder === w || f.folder === w.replace(/[^A-Za-z0-9_.-]/g, "-") || f.sink?.name === w;
  return {
    folders: folders.filter((f) => wanted.some((w) => matches(f, w))),
    unknown: wanted.filter((w) => !folders.some((f) => matches(f, w))),
  };
}

function folderOf(s: InspectedSink): string {
  return resolve(s.config!.spoolDir!).slice(resolve(s.config!.spoolDir!, "..").length + 1);
}

/** `process 1234 on host h since …`. */
export function holderText(summary: SpoolSummary): string | undefined {
  const h = summary.holder;
  if (h === undefined) return undefined;
  return `process ${h.pid} on ${h.host}${h.since === undefined ? "" : ` since ${h.since}`}${h.live === undefined ? " (another host: cannot tell whether it still runs)" : ""}`;
}
