import { describe, expect, it } from "vitest";
import { renderEnvTable, renderGenericEnvTable, syncReadmeSections } from "../../../scripts/readme/index.js";
import { AUDIT_SEVERITY, SCAN_SEVERITY } from "../src/severity.js";
import { READ_NOT_LISTED, otlpOptions } from "../src/options.js";
import { plugin } from "../src/index.js";

/** The sink's variables, then the OpenTelemetry ones; not core's, which the fallbacks also read (core's tables list them). */
function envTable(): string {
  const table = renderEnvTable(otlpOptions.env, { secrets: plugin.secrets ?? [], activating: plugin.env });
  return table
    .split("\n")
    .filter((row) => !READ_NOT_LISTED.some((name) => row.startsWith(`| \`${name}\``)))
    .join("\n");
}

function severityTable(): string {
  const rows = ["| event | SeverityNumber | SeverityText |", "|---|---:|---|"];
  for (const [decision, s] of Object.entries(SCAN_SEVERITY)) rows.push(`| scan, decision \`${decision}\` | ${s.number} | ${s.text} |`);
  for (const [category, s] of Object.entries(AUDIT_SEVERITY)) rows.push(`| audit, category \`${category}\` | ${s.number} | ${s.text} |`);
  rows.push("| summary | 9 | INFO |");
  return `${rows.join("\n")}\n`;
}

describe("README", () => {
  it("has the environment and severity tables generated from the code (IW_UPDATE_README=1 regenerates them)", () => {
    const stale = syncReadmeSections(
      new URL("../README.md", import.meta.url),
      {
        "env-table": envTable(),
        "generic-env-table": renderGenericEnvTable("IW_OTLP", plugin.queueDefaults),
        "severity-table": severityTable(),
      },
      { update: process.env["IW_UPDATE_README"] === "1" },
    );
    expect(stale).toEqual([]);
  });
});
