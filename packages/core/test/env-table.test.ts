import { describe, expect, it } from "vitest";
import { z } from "zod";
import { envBool, envUrlList } from "@iw/core/sink-kit";
import { renderEnvTable, renderGenericEnvTable, renderGlobalEnvTable } from "../../../scripts/readme/index.js";

describe("renderEnvTable", () => {
  it("renders one row per variable with the expected form and whether it is a secret", () => {
    const schema = z
      .object({
        IW_X_URL: envUrlList(["http"]),
        IW_X_PASSWORD: z.string().optional().describe("the password | with a pipe; unset by default"),
        IW_X_PASSPHRASE: z.string().optional().describe("a passphrase"),
        IW_X_VERIFY: envBool(true),
      })
      .transform((v) => v);
    expect(renderEnvTable(schema, { secrets: ["IW_X_PASSPHRASE"], activating: "IW_X_URL" })).toBe(
      [
        "| Variable | Expected form; default | Secret |",
        "|---|---|---|",
        "| `IW_X_URL` (activates) | one or more http://… URLs, comma-separated |  |",
        "| `IW_X_PASSWORD` | the password \\| with a pipe; unset by default | yes |",
        "| `IW_X_PASSPHRASE` | a passphrase | yes |",
        "| `IW_X_VERIFY` | true or false; default true |  |",
        "",
      ].join("\n"),
    );
  });

  it("documents the generic and global variables", () => {
    const generic = renderGenericEnvTable("IW_ELK");
    expect(generic).toContain("| `IW_ELK_BATCH_SIZE` | a whole number from 1 to 100000 events; default 500 events |  |");
    expect(generic).toContain(
      "| `IW_ELK_MAX_RETRIES` | a whole number from 0 to 1000000, or infinite (retry until close); default infinite |  |",
    );
    expect(generic).toMatch(/\| `IW_ELK_EVENTS` \| comma-separated terms: all, scan/);
    expect(renderGenericEnvTable()).toContain("`IW_<PREFIX>_TIMEOUT_MS`");
    const webhook = renderGenericEnvTable("IW_WEBHOOK", { attemptTimeoutMs: 15_000, maxRetries: 8 });
    expect(webhook).toContain("| `IW_WEBHOOK_TIMEOUT_MS` | a whole number from 100 to 600000 ms; default 15000 ms |  |");
    expect(webhook).toContain("or infinite (retry until close); default 8 |");
    expect(renderGlobalEnvTable()).toMatch(/\| `IW_REDACT_KEY` \| the HMAC key .* \| yes \|/);
  });

  it("refuses a schema without an object of variables", () => {
    expect(() => renderEnvTable(z.string())).toThrow(TypeError);
  });
});
