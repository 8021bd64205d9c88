import type { CheckStep } from "../checks/step.js";
import { formatBytes, formatLatency } from "../format.js";
import type { Output, Paint } from "../io.js";
import type { DoctorReport, Problem, SinkReport } from "./report.js";
import { sinkOk } from "./report.js";

/** The `doctor` report for a person: one block per sink, then the other problems and a verdict. */
export function renderDoctor(r: DoctorReport, out: Output): void {
  const p = out.paint;
  const n = r.sinks.filter((s) => s.wouldActivate).length;
  out.line(p.bold(`iw-sinks doctor: ${n} sink${n === 1 ? "" : "s"} would activate`) + p.dim(` (read from ${r.environment})`));
  for (const s of r.sinks) renderSink(s, out);
  if (r.settings.length > 0) {
    out.line();
    out.line(p.bold("process-wide settings"));
    const width = Math.max(...r.settings.map((s) => s.variable.length));
    for (const s of r.settings) out.line(`    ${s.variable.padEnd(width)}  ${s.value ?? ""}`);
  }
  if (r.problems.length > 0) {
    out.line();
    for (const problem of r.problems) out.line(problemLine(problem, p, "  "));
  }
  out.line();
  out.line(verdict(r, p));
}

function renderSink(s: SinkReport, out: Output): void {
  const p = out.paint;
  const errors = s.problems.filter((x) => x.level === "error").length + s.destinations.filter((d) => !d.ok).length;
  const mark = !s.wouldActivate || errors > 0 ? p.red("✗") : hasWarnings(s) ? p.yellow("!") : p.green("✓");
  out.line();
  out.line(
    `${mark} ${p.bold(s.name)}  ${s.reason}${s.package === undefined ? "" : p.dim(` (${s.package})`)}${s.wouldActivate ? "" : p.red(" — would not start")}`,
  );
  const set = s.settings.filter((v) => v.value !== null);
  const width = Math.max(8, ...set.map((v) => v.variable.length));
  for (const v of set) out.line(`    ${v.variable.padEnd(width)}  ${v.value}`);
  if (s.delivery !== undefined) out.line(`    ${p.dim("delivery".padEnd(width))}  ${p.dim(s.delivery)}`);
  if (s.spool !== undefined) {
    const waiting = s.spool.records === 0 ? "empty" : `${s.spool.records} events waiting (${formatBytes(s.spool.bytes)})`;
    out.line(
      `    ${p.dim("spool".padEnd(width))}  ${p.dim(`${waiting}${s.spool.holder === undefined ? "" : `, in use by ${s.spool.holder}`}`)}`,
    );
  }
  for (const problem of s.problems) out.line(problemLine(problem, p, "    "));
  for (const d of s.destinations) {
    out.line(`  ${p.cyan(d.target)}`);
    for (const step of d.steps) out.line(stepLine(step, p));
    if (d.note !== undefined) out.line(`    ${p.dim(d.note)}`);
  }
}

function hasWarnings(s: SinkReport): boolean {
  return s.problems.length > 0 || s.destinations.some((d) => d.steps.some((st) => st.status === "warn"));
}

function stepLine(step: CheckStep, p: Paint): string {
  const mark = step.status === "ok" ? p.green("✓") : step.status === "warn" ? p.yellow("!") : p.red("✗");
  return `    ${mark} ${step.check.padEnd(9)} ${step.detail} ${p.dim(`(${formatLatency(step.ms)})`)}`;
}

function problemLine(problem: Problem, p: Paint, indent: string): string {
  return problem.level === "error" ? `${indent}${p.red("✗")} ${problem.message}` : `${indent}${p.yellow("!")} ${problem.message}`;
}

function verdict(r: DoctorReport, p: Paint): string {
  const failing = r.sinks.filter((s) => !sinkOk(s)).map((s) => s.name);
  const errors = r.problems.filter((x) => x.level === "error").length;
  const warnings =
    r.problems.filter((x) => x.level === "warning").length +
    r.sinks.reduce((n, s) => n + s.problems.filter((x) => x.level === "warning").length, 0);
  const offline = r.offline ? " (offline: no destination was contacted)" : "";
  if (r.ok)
    return p.green(`everything would work${warnings > 0 ? `, with ${warnings} warning${warnings === 1 ? "" : "s"}` : ""}${offline}`);
  const parts = [
    failing.length > 0 ? `would not work: ${failing.join(", ")}` : "",
    errors > 0 ? `${errors} other problem${errors === 1 ? "" : "s"}` : "",
  ].filter(Boolean);
  return p.red(`${parts.join("; ")}${offline} (exit 1)`);
}
