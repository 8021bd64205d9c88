import { BUILTIN_SINKS, DEFAULT_TEST_TIMEOUT_MS, maskSecrets } from "@iw/core/inspect";
import { createDispatcher } from "@iw/core";
import type { Logger, Route, SinkTestReport } from "@iw/core";
import type { Sink } from "@iw/core/sink-kit";
import type { Command } from "./command.js";
import { stringList } from "./command.js";
import { formatLatency } from "./format.js";
import { sinkVariableLines } from "./help.js";
import { EXIT_OK, EXIT_PROBLEM } from "./io.js";
import type { Output } from "./io.js";
import { loadInspection, selectSinks } from "./load.js";

/** One line of `iw-sinks test`. */
export interface TestLine {
  readonly sink: string;
  readonly ok: boolean;
  /** Why not, secrets masked. */
  readonly error?: string;
  readonly latencyMs?: number;
  /** `[Test message]` events sent. */
  readonly events: number;
}

export const testCommand: Command = {
  name: "test",
  summary: "send [Test message] events through every active sink and say, per sink, delivered or why not",
  usage: "[--sink NAME]... [--timeout TIME] [--env-file FILE]... [--json]",
  description: [
    "Like Wallarm's \"Test integration\" button: each sink gets one [Test message] scan log and one audit event (test: true), the first of each that its IW_<P>_EVENTS filter accepts, sent straight through the sink (no queue, no retry) with the sink's real format, credentials, signature and TLS. One line per sink: delivered with the latency, or the reason. No lifecycle or summary event is sent, and the spool is not touched.",
  ],
  options: { sink: { type: "string", multiple: true, arg: "NAME", description: "only this sink (logstash, fluentd, webhook:soc)" } },
  variables: sinkVariableLines,
  exit: [
    "0  every selected sink delivered its test events",
    "1  a sink failed, would not start, or none is configured",
    "2  a wrong command line",
  ],
  async run(ctx) {
    const { inspection } = await loadInspection(ctx);
    const mask = (t: string) => maskSecrets(t, inspection.secretValues);
    const wanted = stringList(ctx, "sink");
    const { selected, unknown } = selectSinks(inspection.sinks, wanted);
    const lines: TestLine[] = [];
    // A package that is missing or broken: its sink cannot be tested (named as the sink, when it is a built-in).
    for (const e of inspection.errors) {
      if (e.code !== "IW_PLUGIN_MISSING" && e.code !== "IW_PLUGIN_INVALID") continue;
      const variable = (e as { variable?: string }).variable;
      const sink = BUILTIN_SINKS.find((b) => b.env === variable)?.name ?? variable ?? "plugin";
      if (wanted.length === 0 || wanted.includes(sink)) lines.push({ sink, ok: false, error: mask(e.message), events: 0 });
    }
    for (const name of unknown.filter((n) => !lines.some((l) => l.sink === n)))
      lines.push({ sink: name, ok: false, error: "no such sink in this environment", events: 0 });
    const runnable = selected.filter((s) => s.config !== undefined && s.wouldActivate);
    for (const s of selected.filter((x) => !runnable.includes(x))) {
      const why = s.errors.map((e) => e.message).join("; ") || "the process-wide settings are invalid";
      lines.push({ sink: s.name, ok: false, error: mask(`not active: ${why}`), events: 0 });
    }
    // What a sink says while it is created (TLS verification off, credentials over plain http) is
    // worth a line; what it logs while sending is the failure the result line already gives.
    let creating = true;
    const say = (level: string) => (m: string) => void (creating ? ctx.out.note(`${level}: ${mask(m)}`) : undefined);
    const logger: Logger = { debug: () => {}, info: () => {}, warn: say("warning"), error: say("error") };
    const routes: Route[] = [];
    for (const s of runnable) {
      try {
        const sink = s.plugin.create(s.config!.options, { logger, env: s.env, sinkName: s.name, envPrefix: s.envPrefix });
        routes.push({ sink: sink.name === s.name ? sink : renamed(sink, s.name), accepts: s.config!.generic.filter.accepts });
      } catch (err) {
        lines.push({
          sink: s.name,
          ok: false,
          error: mask(`could not be created: ${err instanceof Error ? err.message : String(err)}`),
          events: 0,
        });
      }
    }
    creating = false;
    // A dispatcher of its own: no lifecycle or summary event, no spool, no exit flush.
    const dispatcher = createDispatcher(routes, { logger, exitFlushMs: 0 });
    const reports: SinkTestReport[] = await withSignal(dispatcher.test(ctx.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS), ctx.io.signal);
    await dispatcher.close(1000);
    for (const r of reports)
      lines.push({
        sink: r.sink,
        ok: r.ok,
        ...(r.error === undefined ? {} : { error: mask(r.error) }),
        latencyMs: r.latencyMs,
        events: r.events,
      });
    if (lines.length === 0)
      lines.push({ sink: "-", ok: false, error: "no sink is configured: doctor says which variables to set", events: 0 });
    const ok = lines.every((l) => l.ok);
    if (ctx.json) ctx.out.json({ ok, sinks: lines });
    else render(lines, ctx.out);
    return ok ? EXIT_OK : EXIT_PROBLEM;
  },
};

function render(lines: readonly TestLine[], out: Output): void {
  const p = out.paint;
  const width = Math.max(...lines.map((l) => l.sink.length));
  for (const l of lines) {
    const latency = l.latencyMs === undefined ? "" : p.dim(` (${formatLatency(l.latencyMs)})`);
    if (l.ok) out.line(`${p.green("✓")} ${l.sink.padEnd(width)}  delivered ${l.events} test event${l.events === 1 ? "" : "s"}${latency}`);
    else out.line(`${p.red("✗")} ${l.sink.padEnd(width)}  ${l.error ?? "failed"}${latency}`);
  }
}

/** A sink under its instance name, as activation names it (delegating, so `#private` fields keep working). */
function renamed(sink: Sink, name: string): Sink {
  const prepare = sink.prepare?.bind(sink);
  return { name, ...(prepare === undefined ? {} : { prepare }), send: (batch, ctx) => sink.send(batch, ctx), close: () => sink.close() };
}

/** `promise`, or what it has by then when the run is interrupted (tests run their own deadline). */
function withSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return signal === undefined
    ? promise
    : Promise.race([
        promise,
        new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(new Error("interrupted")), { once: true })),
      ]);
}
