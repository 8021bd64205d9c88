import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderGenericEnvTable, renderGlobalEnvTable } from "../../../scripts/readme/index.js";
import { CORE_DIR } from "./helpers/build-dist.js";

const README = join(CORE_DIR, "README.md");
const TABLES: Record<string, () => string> = {
  generic: () => renderGenericEnvTable(),
  global: () => renderGlobalEnvTable(),
};

function withTables(text: string): string {
  let out = text;
  for (const [name, render] of Object.entries(TABLES)) {
    const re = new RegExp(`(<!-- env-table:${name} -->\\n)[\\s\\S]*?(<!-- /env-table:${name} -->)`);
    expect(re.test(out), `README marker env-table:${name}`).toBe(true);
    out = out.replace(re, (_m, open: string, close: string) => `${open}${render()}${close}`);
  }
  return out;
}

describe("README", () => {
  it("holds the environment tables generated from the schemas", () => {
    const text = readFileSync(README, "utf8");
    const expected = withTables(text);
    if (process.env["IW_UPDATE_README"] === "1" && expected !== text) writeFileSync(README, expected);
    else expect(text).toBe(expected);
  });
});
