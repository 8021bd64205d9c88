import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderEnvTable, renderGenericEnvTable } from "@iw/core/schema";
import { fluentdEnvSchema, plugin } from "../src/index.js";

const README = new URL("../README.md", import.meta.url);

/** Checks what is between `<!-- name:start -->` and `<!-- name:end -->`; IW_UPDATE_README=1 rewrites it. */
function checkSection(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  expect(i, `${start} in the README`).toBeGreaterThan(-1);
  expect(j).toBeGreaterThan(i);
  const expected = `${start}\n${body.trimEnd()}\n${end}`;
  const actual = text.slice(i, j + end.length);
  if (actual !== expected && process.env["IW_UPDATE_README"] === "1") return text.slice(0, i) + expected + text.slice(j + end.length);
  expect(actual, `${name} is stale: rerun with IW_UPDATE_README=1`).toBe(expected);
  return text;
}

describe("README", () => {
  it("has the environment tables generated from the schemas", () => {
    const before = readFileSync(README, "utf8");
    let text = checkSection(before, "env-table", renderEnvTable(fluentdEnvSchema, { secrets: plugin.secrets ?? [], activating: plugin.env }));
    text = checkSection(text, "generic-env-table", renderGenericEnvTable("IW_FLUENTD", plugin.queueDefaults));
    if (text !== before) writeFileSync(README, text);
  });
});
