import type { DestinationReport } from "../checks/step.js";

/** A problem `doctor` found: `error` would stop something working, `warning` would not. */
export interface Problem {
  readonly level: "error" | "warning";
  readonly message: string;
  /** The variable to fix, when one is named. */
  readonly variable?: string;
}

/** One variable as `doctor` shows it (secrets masked). */
export interface ShownSetting {
  readonly variable: string;
  /** The value as set (quoted, masked), or `null` when unset. */
  readonly value: string | null;
  readonly secret: boolean;
  /** The expected form and default, when unset. */
  readonly default?: string;
}

/** One sink in the `doctor` report. */
export interface SinkReport {
  readonly name: string;
  readonly plugin: string;
  /** The package it comes from, for built-in sinks. */
  readonly package?: string;
  readonly activating: string;
  /** Why it is considered: `IW_ELK_URL is set`. */
  readonly reason: string;
  readonly wouldActivate: boolean;
  readonly settings: readonly ShownSetting[];
  /** Effective delivery settings in one line; its spool and what waits there. */
  readonly delivery?: string;
  readonly spool?: {
    readonly dir: string;
    readonly records: number;
    readonly bytes: number;
    readonly holder?: string;
    readonly writable: boolean;
  };
  readonly problems: readonly Problem[];
  readonly destinations: readonly DestinationReport[];
}

/** What `doctor --json` prints. */
export interface DoctorReport {
  /** True when every sink would start and every check passed: exit code 0. */
  readonly ok: boolean;
  readonly environment: string;
  readonly strict: boolean;
  readonly sinks: readonly SinkReport[];
  /** Problems not tied to a sink. */
  readonly problems: readonly Problem[];
  /** The process-wide variables that are set. */
  readonly settings: readonly ShownSetting[];
  /** `--offline`: no destination was contacted. */
  readonly offline: boolean;
}

/** Whether a sink would start and work. */
export function sinkOk(s: SinkReport): boolean {
  return s.wouldActivate && !s.problems.some((p) => p.level === "error") && s.destinations.every((d) => d.ok);
}
