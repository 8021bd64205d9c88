import type { ActivationInspection, InspectedSink } from "@iw/core/inspect";
import type { CommandContext } from "./command.js";
import { sinkEnvironment } from "./env-source.js";
import type { SinkEnvironment } from "./env-source.js";

/** The environment and what activation would make of it. */
export interface Loaded {
  readonly source: SinkEnvironment;
  readonly inspection: ActivationInspection;
}

/** Reads the environment (or `--env-file`) and inspects activation, loading the sink packages it names. */
export async function loadInspection(ctx: CommandContext): Promise<Loaded> {
  const source = await sinkEnvironment(ctx.envFiles, ctx.io);
  const { inspectActivation } = await import("@iw/core/inspect");
  const inspection = await inspectActivation({
    env: source.env,
    ...(ctx.io.plugins === undefined ? {} : { plugins: ctx.io.plugins }),
    ...(ctx.io.resolveFrom === undefined ? {} : { resolveFrom: ctx.io.resolveFrom }),
  });
  return { source, inspection };
}

/** The sinks `--sink` names (all when none is named), and the names that match nothing. */
export function selectSinks(sinks: readonly InspectedSink[], names: readonly string[]): { selected: InspectedSink[]; unknown: string[] } {
  if (names.length === 0) return { selected: [...sinks], unknown: [] };
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  return {
    selected: sinks.filter((s) => wanted.has(s.name.toLowerCase())),
    unknown: names.filter((n) => !sinks.some((s) => s.name.toLowerCase() === n.toLowerCase())),
  };
}

/** `IW_ELK_URL is set`, `IW_WEBHOOK_SOC_URL is set (named instance soc)`. */
export function reasonOf(s: InspectedSink): string {
  const inst = s.name.includes(":") ? ` (named instance ${s.name.slice(s.name.indexOf(":") + 1)})` : "";
  return `${s.activating} is set${inst}`;
}
