import { access, constants } from "node:fs/promises";
import { dirname } from "node:path";
import { BUILTIN_SINKS, maskSecrets } from "@iw/core/inspect";
import type { IwError, Logger } from "@iw/core";
import type { ActivationInspection, InspectedSink } from "@iw/core/inspect";
import { checkDestination } from "../checks/check-destination.js";
import { Deadline } from "../checks/deadline.js";
import { destinationsOf } from "../checks/destinations.js";
import type { DestinationReport } from "../checks/step.js";
import { deliverySummary } from "../format.js";
import type { Loaded } from "../load.js";
import { reasonOf, selectSinks } from "../load.js";
import type { DoctorReport, Problem, ShownSetting, SinkReport } from "./report.js";
import { sinkOk } from "./report.js";

/** Options of one `doctor` run. */
export interface DoctorOptions {
  readonly sinks: readonly string[];
  readonly offline: boolean;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
}

/** Builds the report: every sink activation would consider, its settings and problems, and its destinations checked. */
export async function runDoctor(loaded: Loaded, o: DoctorOptions): Promise<DoctorReport> {
  const { inspection } = loaded;
  const mask = (text: string) => maskSecrets(text, inspection.secretValues);
  const problems: Problem[] = [];
  const missing: SinkReport[] = [];
  for (const e of inspection.errors) {
    const builtin = BUILTIN_SINKS.find((b) => b.env === variableOf(e));
    if (builtin !== undefined && e.code === "IW_PLUGIN_MISSING") {
      missing.push({
        name: builtin.name,
        plugin: builtin.name,
        package: builtin.module,
        activating: builtin.env,
        reason: `${builtin.env} is set`,
        wouldActivate: false,
        settings: [],
        problems: [problemOf(e, mask)],
        destinations: [],
      });
    } else {
      problems.push(problemOf(e, mask));
    }
  }
  for (const w of inspection.warnings) problems.push({ level: "warning", message: mask(w) });
  const { selected, unknown } = selectSinks(inspection.sinks, o.sinks);
  for (const name of unknown)
    problems.push({
      level: "error",
      message: `--sink ${name}: no such sink in this environment (sinks: ${inspection.sinks.map((s) => s.name).join(", ") || "none"})`,
    });
  const deadline = new Deadline(o.timeoutMs, o.signal);
  const sinks = await Promise.all(selected.map((s) => sinkReport(s, inspection, mask, o.offline ? undefined : deadline)));
  const all = [...sinks, ...missing.filter((m) => o.sinks.length === 0 || o.sinks.includes(m.name))];
  if (all.length === 0 && unknown.length === 0) {
    const vars = BUILTIN_SINKS.map((b) => `${b.env} (${b.module})`).join(", ");
    problems.push({ level: "error", message: `no sink would activate: set ${vars}, or a custom plugin's variable` });
  }
  const anyError = all.some((s) => s.problems.some((p) => p.level === "error")) || problems.some((p) => p.level === "error");
  if (inspection.strict && anyError) {
    problems.push({
      level: "error",
      variable: "IW_SINKS_STRICT",
      message: "IW_SINKS_STRICT is on: with these errors activate() rejects and the host does not start",
    });
  }
  const settings = inspection.globalSettings.map((s) => ({ variable: s.variable, value: s.shown ?? null, secret: s.secret }));
  const ok = all.length > 0 && all.every(sinkOk) && !problems.some((p) => p.level === "error");
  return { ok, environment: loaded.source.source, strict: inspection.strict, sinks: all, problems, settings, offline: o.offline };
}

async function sinkReport(
  s: InspectedSink,
  inspection: ActivationInspection,
  mask: (t: string) => string,
  deadline: Deadline | undefined,
): Promise<SinkReport> {
  const problems: Problem[] = s.errors.map((e) => problemOf(e, mask));
  const settings: ShownSetting[] = s.settings.map((v) => ({
    variable: v.variable,
    value: v.shown ?? null,
    secret: v.secret,
    ...(v.shown === undefined && v.form !== undefined ? { default: v.form } : {}),
  }));
  const builtin = BUILTIN_SINKS.find((b) => b.name === s.plugin.name);
  const base = {
    name: s.name,
    plugin: s.plugin.name,
    ...(builtin === undefined ? {} : { package: builtin.module }),
    activating: s.activating,
    reason: reasonOf(s),
    settings,
  };
  if (s.config === undefined) return { ...base, wouldActivate: s.wouldActivate, problems, destinations: [] };
  if (inspection.global === undefined)
    problems.push({ level: "error", message: `sink ${s.name} stays off: the process-wide settings above are invalid` });
  problems.push(...(await creationProblems(s, mask)));
  const redact = s.config.redact;
  if (redact.mode === "off")
    problems.push({
      level: "warning",
      variable: `${s.envPrefix}_REDACT`,
      message: `sink ${s.name} ships scan logs unredacted (redact: off): matches.matched_text holds users' own words`,
    });
  if (redact.mode === "hash" && inspection.global?.redactKey === undefined)
    problems.push({
      level: "warning",
      variable: "IW_REDACT_KEY",
      message: "IW_REDACT_KEY is not set: hash redaction uses a random per-process key, so hashes correlate within one process only",
    });
  const spool = s.config.spoolDir === undefined ? undefined : await spoolFacts(s.config.spoolDir);
  if (spool !== undefined && !spool.writable)
    problems.push({
      level: "error",
      variable: "IW_SPOOL_DIR",
      message: `the spool folder ${spool.dir} cannot be created or written: sink ${s.name} would keep its events in memory only`,
    });
  const destinations: DestinationReport[] =
    deadline === undefined ? [] : await Promise.all(destinationsOf(s, inspection.secretValues).map((d) => checkDestination(d, deadline)));
  const delivery = deliverySummary(s.config.generic, redact) + (spool === undefined ? " · memory only" : ` · spool ${spool.dir}`);
  return {
    ...base,
    wouldActivate: s.wouldActivate,
    delivery,
    ...(spool === undefined ? {} : { spool }),
    problems,
    destinations: destinations.map((d) => ({ ...d, steps: d.steps.map((st) => ({ ...st, detail: mask(st.detail) })) })),
  };
}

/** Creates the sink as activation would (no I/O happens at creation), keeping what it logs, and closes it. */
async function creationProblems(s: InspectedSink, mask: (t: string) => string): Promise<Problem[]> {
  const out: Problem[] = [];
  const keep = (level: Problem["level"]) => (message: string) => void out.push({ level, message: mask(message) });
  const logger: Logger = { debug: () => {}, info: () => {}, warn: keep("warning"), error: keep("error") };
  try {
    const sink = s.plugin.create(s.config!.options, { logger, env: s.env, sinkName: s.name, envPrefix: s.envPrefix });
    await sink.close();
  } catch (err) {
    out.push({
      level: "error",
      variable: s.activating,
      message: mask(`${s.activating}: the ${s.plugin.name} sink could not be created: ${err instanceof Error ? err.message : String(err)}`),
    });
  }
  return out;
}

async function spoolFacts(dir: string): Promise<NonNullable<SinkReport["spool"]>> {
  const { readSpoolSummary } = await import("@iw/core/inspect");
  const summary = await readSpoolSummary(dir).catch(() => undefined);
  const holder =
    summary?.holder === undefined
      ? undefined
      : `process ${summary.holder.pid} on ${summary.holder.host}${summary.holder.since === undefined ? "" : ` since ${summary.holder.since}`}`;
  return {
    dir,
    records: summary?.records ?? 0,
    bytes: summary?.payloadBytes ?? 0,
    ...(holder === undefined ? {} : { holder }),
    writable: await writable(dir),
  };
}

/** Whether the folder, or the nearest existing folder above it, may be written. */
async function writable(dir: string): Promise<boolean> {
  for (let d = dir; ; d = dirname(d)) {
    try {
      await access(d, constants.W_OK);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code !== "ENOENT" || dirname(d) === d) return false;
    }
  }
}

function variableOf(e: IwError): string | undefined {
  return (e as { variable?: string }).variable;
}

function problemOf(e: IwError, mask: (t: string) => string): Problem {
  const variable = variableOf(e);
  return { level: "error", message: mask(e.message), ...(variable === undefined ? {} : { variable }) };
}
