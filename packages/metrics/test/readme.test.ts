import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SINK_METRICS } from "../src/definitions.js";
import { metricTable } from "./readme-table.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("documents every metric exactly as the exporters name it", () => {
    expect(readme).toContain(metricTable(SINK_METRICS));
  });
});
