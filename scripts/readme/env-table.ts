/*
 * README tooling, not part of any published package: the packages' `test/readme.test.ts` import
 * it by relative path to keep their generated environment tables in step with the schemas.
 */
import { isSecretName } from "../../packages/core/src/diagnostics/index.js";
import type { QueueOptions } from "../../packages/core/src/delivery/index.js";
import { genericEnvSchema, globalEnvSchema } from "../../packages/core/src/schema/index.js";
import { describeField, objectShape } from "../../packages/core/src/sink/index.js";

/** Options of {@link renderEnvTable}. */
export interface EnvTableOptions {
  /** Variable names that hold secrets besides the ones whose names look secret (`SinkPlugin.secrets`). @default none */
  readonly secrets?: readonly string[];
  /** Marks this variable as the one that activates the sink. @default none */
  readonly activating?: string;
}

// Markdown table cell: pipes escaped, angle brackets as entities (renderers drop unknown tags).
const cell = (s: string) =>
  s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r?\n/g, " ");

/**
 * A Markdown table of a schema over the environment: one row per variable with its expected
 * form and default (the field's `.describe()` text) and whether it is a secret (masked in every
 * error and log line). Sink READMEs generate their tables with it, so docs cannot drift.
 */
export function renderEnvTable(schema: unknown, options: EnvTableOptions = {}): string {
  const shape = objectShape(schema);
  if (shape === undefined) throw new TypeError("renderEnvTable: the schema has no object of variables");
  const rows = ["| Variable | Expected form; default | Secret |", "|---|---|---|"];
  for (const [name, field] of Object.entries(shape)) {
    const form = describeField(field) ?? "(undocumented)";
    const label = name === options.activating ? `\`${name}\` (activates)` : `\`${name}\``;
    rows.push(`| ${label} | ${cell(form)} | ${isSecretName(name, options.secrets) ? "yes" : ""} |`);
  }
  return `${rows.join("\n")}\n`;
}

/**
 * The table of the variables core reads for every sink (queue tuning, `_EVENTS`, `_REDACT`),
 * written with `prefix` (a sink's, e.g. `IW_ELK`, or the placeholder `IW_<PREFIX>`) and the
 * sink's own queue defaults, if it has any.
 */
export function renderGenericEnvTable(prefix = "IW_<PREFIX>", defaults: Partial<QueueOptions> = {}): string {
  return renderEnvTable(genericEnvSchema(prefix, defaults));
}

/** The table of the process-wide variables (`IW_REDACT*`, `IW_SINK_PLUGINS`, `IW_SINKS_STRICT`, `IW_LOG_*`). */
export function renderGlobalEnvTable(): string {
  return renderEnvTable(globalEnvSchema);
}
