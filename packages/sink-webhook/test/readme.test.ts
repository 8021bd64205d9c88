import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { renderEnvTable, syncReadmeSections } from "../../../scripts/readme/index.js";
import { plugin } from "../src/index.js";
import { webhookOptions } from "../src/options.js";
import { parseWebhookSecrets, signatureHeader } from "../src/signing.js";

const README = new URL("../README.md", import.meta.url);

describe("README", () => {
  const text = readFileSync(README, "utf8");

  it("has the environment table generated from the options (IW_UPDATE_README=1 regenerates it)", () => {
    const table = renderEnvTable(webhookOptions.env, { activating: plugin.env, secrets: plugin.secrets ?? [] });
    const stale = syncReadmeSections(README, { "env-table": table }, { update: process.env["IW_UPDATE_README"] === "1" });
    expect(stale).toEqual([]);
  });

  it("has a verification snippet that accepts what the sink signs and refuses a tampered body", async () => {
    const code = /```js\n([\s\S]*?)```/.exec(text)?.[1];
    expect(code).toBeDefined();
    const file = join(mkdtempSync(join(tmpdir(), "iw-readme-")), "verify.mjs");
    writeFileSync(file, code!);
    const { verify } = (await import(pathToFileURL(file).href)) as { verify: (h: Record<string, string>, b: Buffer, s: string) => number };
    const secret = `whsec_${Buffer.alloc(32, 3).toString("base64")}`;
    const raw = Buffer.from('[{"event_id":"e1"}]');
    const ts = Math.floor(Date.now() / 1000);
    const headers = {
      "webhook-id": "msg_1",
      "webhook-timestamp": String(ts),
      "webhook-signature": signatureHeader(parseWebhookSecrets(secret), "msg_1", ts, raw),
    };
    expect(verify(headers, raw, secret)).toBe(200);
    expect(verify(headers, Buffer.from('[{"event_id":"e2"}]'), secret)).toBe(401);
    expect(verify({ ...headers, "webhook-timestamp": String(ts - 301) }, raw, secret)).toBe(401);
    expect(verify({ "webhook-id": "msg_1" }, raw, secret)).toBe(400);
  });
});
