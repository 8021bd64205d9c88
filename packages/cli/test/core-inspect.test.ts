import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { inspectActivation, openSpool, readSpoolSummary } from "@iw/core/inspect";
import { ALL_PLUGINS } from "./helpers.js";

// @iw/core/inspect is what `doctor` stands on; its behaviour is tested here, through the CLI's project.
describe("inspectActivation", () => {
  it("reports every instance with its real variable names, masked values and parsed configuration", async () => {
    const r = await inspectActivation({
      env: {
        IW_WEBHOOK_URL: "http://127.0.0.1:9/hook",
        IW_WEBHOOK_SOC_URL: "http://127.0.0.1:9/soc",
        IW_WEBHOOK_SOC_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        IW_WEBHOOK_SOC_EVENTS: "audit",
        IW_SPOOL_DIR: "/var/spool/iw",
      },
      plugins: ALL_PLUGINS,
    });
    expect(r.errors).toEqual([]);
    expect(r.sinks.map((s) => [s.name, s.activating, s.envPrefix, s.wouldActivate])).toEqual([
      ["webhook", "IW_WEBHOOK_URL", "IW_WEBHOOK", true],
      ["webhook:soc", "IW_WEBHOOK_SOC_URL", "IW_WEBHOOK_SOC", true],
    ]);
    const soc = r.sinks[1]!;
    expect(soc.settings.find((s) => s.variable === "IW_WEBHOOK_SOC_SECRET")).toMatchObject({ shown: "****", secret: true });
    expect(soc.settings.find((s) => s.variable === "IW_WEBHOOK_SOC_METHOD")).toMatchObject({
      shown: undefined,
      form: expect.stringContaining("POST") as unknown,
    });
    expect(soc.config!.generic.filter.text).toBe("audit");
    expect(soc.config!.spoolDir).toBe("/var/spool/iw/webhook-soc");
    expect(soc.config!.redact).toEqual({ mode: "mask", fields: ["matches.matched_text"] });
    expect(r.secretValues).toContain("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  });

  it("keeps a bad instance with its errors, and marks every sink off in strict mode", async () => {
    const env = { IW_ELK_URL: "http://127.0.0.1:9/", IW_FLUENTD_URL: "tcp://127.0.0.1:9", IW_FLUENTD_ACK: "maybe" };
    const lax = await inspectActivation({ env, plugins: ALL_PLUGINS });
    expect(lax.sinks.map((s) => [s.name, s.wouldActivate, s.errors.map((e) => (e as { variable?: string }).variable)])).toEqual([
      ["logstash", true, []],
      ["fluentd", false, ["IW_FLUENTD_ACK"]],
    ]);
    const strict = await inspectActivation({ env: { ...env, IW_SINKS_STRICT: "true" }, plugins: ALL_PLUGINS });
    expect(strict.strict).toBe(true);
    expect(strict.sinks.every((s) => !s.wouldActivate)).toBe(true);
  });

  it("returns activation's warnings instead of logging them", async () => {
    const r = await inspectActivation({ env: { IW_ELK_URL: "http://127.0.0.1:9/", IW_ELK_USRE: "elastic" }, plugins: ALL_PLUGINS });
    expect(r.warnings).toEqual([
      "IW_ELK_USRE is not a variable @iw/core or any sink reads, so it has no effect; did you mean IW_ELK_USER?",
    ]);
  });
});

describe("readSpoolSummary", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), "iw-cli-summary-"));
    dirs.push(d);
    return d;
  };

  it("says a missing directory holds nothing", async () => {
    expect(await readSpoolSummary(join(fresh(), "none"))).toMatchObject({ exists: false, records: 0, holder: undefined });
  });

  it("counts the records not acknowledged, by lane, and names the live holder", async () => {
    const dir = fresh();
    const spool = await openSpool({ dir, flushMs: 0 });
    const seqs = [1, 2, 3, 4].map((i) =>
      spool.append(JSON.stringify({ log_type: "scan", timestamp: `2026-01-0${i}T00:00:00.000Z` }), false)!,
    );
    spool.append(JSON.stringify({ log_type: "audit", timestamp: "2026-01-05T00:00:00.000Z" }), true);
    await spool.flush();
    spool.ack(seqs[0]!);
    await spool.flush();
    const live = await readSpoolSummary(dir);
    expect(live).toMatchObject({
      exists: true,
      records: 4,
      audit: 1,
      scan: 3,
      oldest: "2026-01-02T00:00:00.000Z",
      newest: "2026-01-05T00:00:00.000Z",
      segments: 1,
      damaged: 0,
    });
    expect(live.holder).toMatchObject({ pid: process.pid, live: true });
    await spool.close();
    expect((await readSpoolSummary(dir)).holder).toBeUndefined();
  });
});
