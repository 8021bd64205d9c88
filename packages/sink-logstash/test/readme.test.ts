import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { logstashEnvObject } from "../src/index.js";

const README = new URL("../README.md", import.meta.url);
const START = "<!-- env-table:start -->";
const END = "<!-- env-table:end -->";

/** The README's environment table, rendered from the zod schema (the single source of truth). */
function renderTable(): string {
  const rows = Object.entries(logstashEnvObject.shape).map(([name, field]) => {
    const text = (field.description ?? "").replace(/\|/g, "\\|");
    return `| \`${name}\` | ${text} |`;
  });
  return ["| variable | expected form; default |", "|---|---|", ...rows].join("\n");
}

describe("README", () => {
  it("has the environment table generated from the schema", () => {
    const text = readFileSync(README, "utf8");
    const start = text.indexOf(START);
    const end = text.indexOf(END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const expected = `${START}\n${renderTable()}\n${END}`;
    const actual = text.slice(start, end + END.length);
    if (actual !== expected && process.env["IW_UPDATE_README"] === "1") {
      writeFileSync(README, text.slice(0, start) + expected + text.slice(end + END.length));
      return;
    }
    expect(actual, "stale: rerun with IW_UPDATE_README=1").toBe(expected);
  });
});
