import { describe, expect, it } from "vitest";
import { renderEnvTable, renderGenericEnvTable, syncReadmeSections } from "../../../scripts/readme/index.js";
import { plugin } from "../src/index.js";
import { fluentdOptions } from "../src/options.js";

describe("README", () => {
  it("has the environment tables generated from the schemas (IW_UPDATE_README=1 regenerates them)", () => {
    const stale = syncReadmeSections(
      new URL("../README.md", import.meta.url),
      {
        "env-table": renderEnvTable(fluentdOptions.env, { secrets: plugin.secrets ?? [], activating: plugin.env }),
        "generic-env-table": renderGenericEnvTable("IW_FLUENTD", plugin.queueDefaults),
      },
      { update: process.env["IW_UPDATE_README"] === "1" },
    );
    expect(stale).toEqual([]);
  });
});
