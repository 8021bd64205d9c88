import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { IwConfigError, activate, activateWithReport, auditEvent, scanLog } from "@iw/core";
import { NOOP_DISPATCHER } from "../src/dispatch/index.js";
import type { Dispatcher } from "@iw/core";
import { memoryPlugin, recordingLogger } from "./helpers/memory-plugin.js";

const scan = (decision: "allow" | "block" = "block") =>
  scanLog({
    direction: "input",
    decision,
    anomaly_score: 12.8,
    threshold: 10,
    policy: "default",
    request_id: "req-1",
    matches: [{ signature_id: "INJ-D-002", matched_text: "ignore all previous instructions", score: 6.3, confidence: 0.9, severity: 7 }],
  });
const audit = () => auditEvent({ category: "auth", action: "login_attempt", source_ip: "192.168.1.100" });
/** What a sink receives under the default redaction: every match's text masked. */
const masked = (e: ReturnType<typeof scan>) => ({ ...e, matches: e.matches.map((m) => ({ ...m, matched_text: "[REDACTED]" })) });

const open: Dispatcher[] = [];
const tmp: string[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close(1000)));
  for (const dir of tmp.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const keep = (d: Dispatcher) => (open.push(d), d);
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "iw-activate-"));
  tmp.push(dir);
  return dir;
};

describe("activate()", () => {
  it("returns the no-op dispatcher when no variable is set", async () => {
    const { logger, lines } = recordingLogger();
    const { plugin } = memoryPlugin();
    const d = await activate({ env: { IW_MEM_URL: "  ", PATH: "/bin" }, plugins: [plugin], logger });
    expect(d).toBe(NOOP_DISPATCHER);
    expect(d.enabled).toBe(false);
    expect(lines).toEqual([]);
  });

  it("activates an in-code plugin by its variable and delivers through its queue", async () => {
    const { logger } = recordingLogger();
    const { plugin, records } = memoryPlugin();
    const d = keep(await activate({ env: { IW_MEM_URL: "mem://a", IW_MEM_LEVEL: "5", IW_MEM_FLUSH_MS: "0" }, plugins: [plugin], logger }));
    expect(d.enabled).toBe(true);
    expect(d.sinks).toEqual(["mem"]);
    expect(records[0]!.options).toEqual({ url: "mem://a", token: undefined, level: 5 });
    const e = scan();
    d.emit(e);
    expect(await d.flush(2000)).toBe(true);
    expect(records[0]!.batches.flat()).toEqual([masked(e)]);
    await d.close(1000);
    expect(records[0]!.closed).toBe(true);
  });

  it("reports a bad value with the variable, the value and the expected form, and leaves only that sink off", async () => {
    const { logger, errors, lines } = recordingLogger();
    const a = memoryPlugin("IW_MEM", "mem");
    const b = memoryPlugin("IW_OTHER", "other");
    const d = keep(
      await activate({
        env: { IW_MEM_URL: "mem://a", IW_MEM_BATCH_SIZE: "lots", IW_OTHER_URL: "mem://b" },
        plugins: [a.plugin, b.plugin],
        logger,
      }),
    );
    expect(d.sinks).toEqual(["other"]);
    expect(a.records).toHaveLength(0);
    expect(errors().map((l) => l.message)).toEqual([
      'IW_MEM_BATCH_SIZE="lots" is invalid: out of range or not a whole number; expected a whole number from 1 to 100000 events; default 500 events',
    ]);
    expect(lines.some((l) => l.level === "warn" && l.message === "sink mem stays off: its configuration is invalid")).toBe(true);
  });

  it("masks secrets and URL credentials in error messages", async () => {
    const { logger } = recordingLogger();
    const { plugin } = memoryPlugin();
    const { errors } = await activateWithReport({
      env: { IW_MEM_URL: "ftp://admin:hunter2@collector:21", IW_MEM_TOKEN: "tiny" },
      plugins: [plugin],
      logger,
    });
    const text = errors.map((e) => e.message).join("\n");
    expect(text).toContain(
      'IW_MEM_URL="ftp://***@collector:21" is invalid: scheme ftp: is not supported; expected one or more mem://… or http://… URLs',
    );
    expect(text).toContain("IW_MEM_TOKEN=**** is invalid: is shorter than 8 characters; expected an access token, at least 8 characters");
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("tiny");
  });

  it("rejects with every error in strict mode (option or IW_SINKS_STRICT) and creates no sink", async () => {
    const { logger } = recordingLogger();
    const a = memoryPlugin("IW_MEM", "mem");
    const b = memoryPlugin("IW_OTHER", "other");
    const env = { IW_MEM_URL: "mem://a", IW_MEM_EVENTS: "scans", IW_OTHER_URL: "mem://b", IW_OTHER_LEVEL: "9" };
    const err = await activate({ env, plugins: [a.plugin, b.plugin], logger, strict: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IwConfigError);
    expect((err as Error).message).toMatch(
      /^2 sink configuration errors \(IW_SINKS_STRICT\):\n {2}- IW_MEM_EVENTS="scans" is invalid: "scans" is not a known term;/,
    );
    expect((err as Error).message).toContain('- IW_OTHER_LEVEL="9" is invalid');
    expect(a.records.length + b.records.length).toBe(0);
    await expect(activate({ env: { ...env, IW_SINKS_STRICT: "1" }, plugins: [a.plugin, b.plugin], logger })).rejects.toThrow(
      /2 sink configuration errors/,
    );
    const relaxed = keep(await activate({ env, plugins: [a.plugin, b.plugin], logger, strict: false }));
    expect(relaxed).toBe(NOOP_DISPATCHER);
  });

  it("keeps running when a plugin's create() throws, and masks the reason", async () => {
    const { logger } = recordingLogger();
    const bad = memoryPlugin("IW_BAD", "bad", { throwOnCreate: true });
    const good = memoryPlugin("IW_MEM", "mem");
    const { dispatcher, errors } = await activateWithReport({
      env: { IW_BAD_URL: "mem://x", IW_MEM_URL: "mem://y" },
      plugins: [bad.plugin, good.plugin],
      logger,
    });
    keep(dispatcher);
    expect(dispatcher.sinks).toEqual(["mem"]);
    expect(errors.map((e) => e.message)).toEqual(["IW_BAD_URL: the bad sink could not be created: cannot create: password=**** refused"]);
  });
});

describe("global variables and invalid plugins", () => {
  it("masks a too-short IW_REDACT_KEY and keeps sinks off", async () => {
    const { plugin } = memoryPlugin();
    const { dispatcher, errors } = await activateWithReport({
      env: { IW_REDACT: "hash", IW_REDACT_KEY: "short-k", IW_MEM_URL: "mem://a" },
      plugins: [plugin],
      logger: recordingLogger().logger,
    });
    expect(dispatcher).toBe(NOOP_DISPATCHER);
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^IW_REDACT_KEY=\*\*\*\* is invalid: is shorter than 16 bytes; expected the HMAC key/),
    ]);
    expect(errors[0]!.message).not.toContain("short-k");
  });

  it("reports a bad IW_SINKS_STRICT value and carries on, not strict", async () => {
    const { plugin } = memoryPlugin();
    const { dispatcher, errors } = await activateWithReport({
      env: { IW_SINKS_STRICT: "maybe", IW_MEM_URL: "mem://a" },
      plugins: [plugin],
      logger: recordingLogger().logger,
    });
    keep(dispatcher);
    expect(dispatcher.sinks).toEqual(["mem"]);
    expect(errors.map((e) => e.message)).toEqual(['IW_SINKS_STRICT="maybe" is invalid; expected true or false; default false']);
  });

  it("never rejects when not strict, even if a plugin breaks activation itself", async () => {
    const evil = {
      name: "evil",
      env: "IW_EVIL_URL",
      options: {
        safeParseAsync: () => Promise.resolve({ success: true, data: {} }),
        get _zod(): never {
          throw new Error("internal boom token=abc123");
        },
      },
      create: () => ({ name: "evil", send: () => Promise.resolve({ status: "success" as const }), close: () => Promise.resolve() }),
    };
    const { dispatcher, errors } = await activateWithReport({
      env: { IW_EVIL_URL: "x" },
      plugins: [evil as never],
      logger: recordingLogger().logger,
    });
    expect(dispatcher).toBe(NOOP_DISPATCHER);
    expect(errors.map((e) => e.message)).toEqual(["activation failed unexpectedly, no sink is active: internal boom token=****"]);
  });

  it("says a plugin path cannot be found, and masks secrets in a load failure", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "throws.mjs"), 'throw new Error("cannot connect to https://admin:pa55@db");\n');
    const { errors } = await activateWithReport({
      env: { IW_SINK_PLUGINS: "./missing.mjs,./throws.mjs" },
      logger: recordingLogger().logger,
      resolveFrom: dir,
    });
    expect(errors.map((e) => e.message)).toEqual([
      "IW_SINK_PLUGINS names ./missing.mjs, which cannot be found (paths are relative to the application: resolveFrom, the main module or the working directory)",
      "IW_SINK_PLUGINS is set but ./throws.mjs failed to load: cannot connect to https://***@db",
    ]);
  });

  it("refuses a plugin passed in code that is not a plugin", async () => {
    const { errors } = await activateWithReport({
      env: { IW_MEM_URL: "mem://a" },
      plugins: [{ name: "x", env: "lower_case" } as never],
      logger: recordingLogger().logger,
    });
    expect(errors.map((e) => e.message)).toEqual([
      "activate(): a plugin passed in code is invalid: env must be a variable such as IW_SPLUNK_URL",
    ]);
  });
});

describe("named instances", () => {
  it("creates one sink per instance with its own variables, filter and name", async () => {
    const { logger } = recordingLogger();
    const { plugin, records } = memoryPlugin();
    const env = {
      IW_MEM_URL: "mem://base",
      IW_MEM_TOKEN: "base-token-1",
      IW_MEM_SOC_URL: "mem://soc",
      IW_MEM_SOC_EVENTS: "audit",
      IW_MEM_SOC_LEVEL: "1",
      IW_MEM_FLUSH_MS: "0",
      IW_MEM_SOC_FLUSH_MS: "0",
    };
    const d = keep(await activate({ env, plugins: [plugin], logger }));
    expect(d.sinks).toEqual(["mem", "mem:soc"]);
    expect(records.map((r) => r.options)).toEqual([
      { url: "mem://base", token: "base-token-1", level: 3 },
      { url: "mem://soc", token: undefined, level: 1 }, // nothing inherited from the base instance
    ]);
    const s = scan();
    const a = audit();
    d.emit(s);
    d.emit(a);
    expect(await d.flush(2000)).toBe(true);
    // Each instance first hears that the other one was activated (a lifecycle audit event).
    const [base, soc] = [records[0]!.batches.flat(), records[1]!.batches.flat()];
    expect(base.map((e) => e.log_type === "audit" && e.category === "lifecycle" && e.details)).toEqual([{ sink: "mem:soc" }, false, false]);
    expect(base.slice(1)).toEqual([a, masked(s)]); // the audit lane is sent first
    expect(soc.map((e) => e.log_type === "audit" && e.category === "lifecycle" && e.details)).toEqual([{ sink: "mem" }, false]);
    expect(soc.slice(1)).toEqual([a]);
    expect(d.stats().map((x) => x.sink)).toEqual(["mem", "mem:soc"]);
  });

  it("tells each sink its name and real variable prefix", async () => {
    const { plugin, records } = memoryPlugin();
    keep(
      await activate({
        env: { IW_MEM_URL: "mem://base", IW_MEM_SOC_URL: "mem://soc" },
        plugins: [plugin],
        logger: recordingLogger().logger,
      }),
    );
    expect(records.map((r) => r.deps)).toEqual([
      { sinkName: "mem", envPrefix: "IW_MEM" },
      { sinkName: "mem:soc", envPrefix: "IW_MEM_SOC" },
    ]);
  });

  it("names the instance's real variable in errors, and keeps the base instance on", async () => {
    const { logger } = recordingLogger();
    const { plugin } = memoryPlugin();
    const { dispatcher, errors } = await activateWithReport({
      env: { IW_MEM_URL: "mem://base", IW_MEM_SOC_URL: "mem://soc", IW_MEM_SOC_BATCH_SIZE: "0", IW_MEM_SOC_TOKEN: "abc" },
      plugins: [plugin],
      logger,
    });
    keep(dispatcher);
    expect(dispatcher.sinks).toEqual(["mem"]);
    expect(errors.map((e) => e.message)).toEqual([
      "IW_MEM_SOC_TOKEN=**** is invalid: is shorter than 8 characters; expected an access token, at least 8 characters; unset by default",
      'IW_MEM_SOC_BATCH_SIZE="0" is invalid: out of range or not a whole number; expected a whole number from 1 to 100000 events; default 500 events',
    ]);
    expect(errors.map((e) => (e as IwConfigError).variable)).toEqual(["IW_MEM_SOC_TOKEN", "IW_MEM_SOC_BATCH_SIZE"]);
  });

  it("does not read an option-like name as an instance, and says so", async () => {
    const { logger, lines } = recordingLogger();
    const { plugin } = memoryPlugin();
    const d = keep(
      await activate({
        env: { IW_MEM_URL: "mem://base", IW_MEM_BATCH_URL: "mem://x", IW_MEM_LEVEL_URL: "mem://y" },
        plugins: [plugin],
        logger,
      }),
    );
    expect(d.sinks).toEqual(["mem"]);
    const warned = lines.filter((l) => l.level === "warn").map((l) => l.message);
    expect(warned).toContain(
      "IW_MEM_BATCH_URL is not read as a named instance of mem: its name is the first word of one of the sink's option names; choose another name",
    );
    expect(warned.some((m) => m.startsWith("IW_MEM_LEVEL_URL is not read"))).toBe(true);
  });
});

describe("plugin queue defaults", () => {
  it("apply under the IW_<PREFIX>_* variables and show in error messages", async () => {
    const { plugin, records } = memoryPlugin("IW_MEM", "mem", {
      queueDefaults: { maxBatchSize: 2, flushIntervalMs: 0, attemptTimeoutMs: 15_000 },
    });
    const d = keep(await activate({ env: { IW_MEM_URL: "mem://a" }, plugins: [plugin], logger: recordingLogger().logger }));
    for (let i = 0; i < 5; i++) d.emit(scan());
    expect(await d.flush(2000)).toBe(true);
    expect(records[0]!.batches.map((b) => b.length)).toEqual([2, 2, 1]);
    const overridden = memoryPlugin("IW_MEM", "mem", { queueDefaults: { maxBatchSize: 2, flushIntervalMs: 0 } });
    const d2 = keep(
      await activate({
        env: { IW_MEM_URL: "mem://a", IW_MEM_BATCH_SIZE: "5" },
        plugins: [overridden.plugin],
        logger: recordingLogger().logger,
      }),
    );
    for (let i = 0; i < 5; i++) d2.emit(scan());
    expect(await d2.flush(2000)).toBe(true);
    expect(overridden.records[0]!.batches.map((b) => b.length)).toEqual([5]);
    const { errors } = await activateWithReport({
      env: { IW_MEM_URL: "mem://a", IW_MEM_TIMEOUT_MS: "1" },
      plugins: [plugin],
      logger: recordingLogger().logger,
    });
    expect(errors[0]!.message).toBe(
      'IW_MEM_TIMEOUT_MS="1" is invalid: out of range or not a whole number; expected a whole number from 100 to 600000 ms; default 15000 ms',
    );
  });
});

describe("IW_SINK_PLUGINS", () => {
  const zodUrl = pathToFileURL(createRequire(import.meta.url).resolve("zod")).href;

  it("loads a plugin module named by a path relative to the application", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "file-plugin.mjs"),
      `import { z } from ${JSON.stringify(zodUrl)};
       export const received = [];
       export default {
         name: "tmpfile",
         env: "IW_TMPFILE_URL",
         options: z.object({ IW_TMPFILE_URL: z.string().describe("a file URL") }),
         create(options) {
           return { name: "tmpfile", async send(batch) { received.push(...batch); return { status: "success" }; }, async close() {} };
         },
       };`,
    );
    const { logger } = recordingLogger();
    const d = keep(
      await activate({
        env: { IW_SINK_PLUGINS: "./file-plugin.mjs", IW_TMPFILE_URL: "file:///tmp/x", IW_TMPFILE_FLUSH_MS: "0" },
        logger,
        resolveFrom: dir,
      }),
    );
    expect(d.sinks).toEqual(["tmpfile"]);
    const e = audit();
    d.emit(e);
    expect(await d.flush(2000)).toBe(true);
    const mod = (await import(pathToFileURL(join(dir, "file-plugin.mjs")).href)) as { received: unknown[] };
    expect(mod.received).toEqual([e]);
  });

  it("reports a module that is missing or exports no plugin, naming IW_SINK_PLUGINS", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "nothing.mjs"), "export const x = 1;\n");
    const { logger } = recordingLogger();
    const { errors } = await activateWithReport({
      env: { IW_SINK_PLUGINS: "./nothing.mjs, @acme/iw-sink-splunk" },
      logger,
      resolveFrom: dir,
    });
    expect(errors.map((e) => e.message)).toEqual([
      'IW_SINK_PLUGINS: ./nothing.mjs does not export a sink plugin as "plugin" or default: not an object',
      "IW_SINK_PLUGINS is set but @acme/iw-sink-splunk is not installed: npm i @acme/iw-sink-splunk (pnpm add @acme/iw-sink-splunk)",
    ]);
  });
});

describe("redaction through activate()", () => {
  it("gives the sink redacted copies and leaves the emitted event untouched", async () => {
    const { logger } = recordingLogger();
    const a = memoryPlugin("IW_MEM", "mem");
    const b = memoryPlugin("IW_RAW", "raw");
    const env = {
      IW_REDACT: "mask",
      IW_MEM_URL: "mem://a",
      IW_RAW_URL: "mem://b",
      IW_RAW_REDACT: "off",
      IW_MEM_FLUSH_MS: "0",
      IW_RAW_FLUSH_MS: "0",
    };
    const d = keep(await activate({ env, plugins: [a.plugin, b.plugin], logger }));
    const e = scan();
    d.emit(e);
    expect(await d.flush(2000)).toBe(true);
    expect(e.matches[0]!.matched_text).toBe("ignore all previous instructions");
    const scansOf = (r: { batches: unknown[][] }) => r.batches.flat().filter((x) => (x as { log_type: string }).log_type === "scan");
    expect((scansOf(a.records[0]!)[0] as typeof e).matches[0]!.matched_text).toBe("[REDACTED]");
    expect(scansOf(b.records[0]!)[0]).toBe(e);
  });

  it("masks every match's text by default, and says so in the start line", async () => {
    const { logger, lines } = recordingLogger();
    const { plugin, records } = memoryPlugin();
    const d = keep(await activate({ env: { IW_MEM_URL: "mem://a", IW_MEM_FLUSH_MS: "0" }, plugins: [plugin], logger }));
    const e = scan();
    d.emit(e);
    expect(await d.flush(2000)).toBe(true);
    expect(records[0]!.batches.flat()).toEqual([masked(e)]);
    expect(JSON.stringify(records[0]!.batches)).not.toContain("ignore all previous instructions");
    expect(lines.map((l) => l.message)).toContain("sink mem active (events: all, redact: mask (matches.matched_text))");
    expect(lines.filter((l) => l.level === "warn")).toEqual([]);
  });

  it("ships InferenceWall's payload unchanged with IW_REDACT=off, and warns once per sink", async () => {
    const { logger, lines } = recordingLogger();
    const a = memoryPlugin("IW_MEM", "mem");
    const b = memoryPlugin("IW_RAW", "raw");
    const env = {
      IW_REDACT: "off",
      IW_MEM_URL: "mem://a",
      IW_RAW_URL: "mem://b",
      IW_RAW_REDACT: "mask-length",
      IW_MEM_FLUSH_MS: "0",
      IW_RAW_FLUSH_MS: "0",
    };
    const d = keep(await activate({ env, plugins: [a.plugin, b.plugin], logger }));
    const e = scan();
    d.emit(e);
    expect(await d.flush(2000)).toBe(true);
    expect(a.records[0]!.batches.flat().filter((x) => x.log_type === "scan")).toEqual([e]);
    const raw = b.records[0]!.batches.flat().filter((x) => x.log_type === "scan");
    expect((raw[0] as typeof e).matches[0]!.matched_text).toBe("[REDACTED:32 chars]");
    const warns = lines.filter((l) => l.level === "warn").map((l) => l.message);
    expect(warns).toEqual([expect.stringMatching(/^sink mem ships scan logs unredacted \(redact: off\)/)]);
  });

  it("keeps every sink off when a global redaction variable is bad", async () => {
    const { logger } = recordingLogger();
    const { plugin } = memoryPlugin();
    const { dispatcher, errors } = await activateWithReport({
      env: { IW_REDACT: "scramble", IW_MEM_URL: "mem://a" },
      plugins: [plugin],
      logger,
    });
    expect(dispatcher).toBe(NOOP_DISPATCHER);
    expect(errors.map((e) => e.message)).toEqual([
      'IW_REDACT="scramble" is invalid: "scramble" is not a redaction mode; expected off, mask ([REDACTED]), mask-length ([REDACTED:<n> chars]) or hash (hmac-sha256:<hex>, keyed by IW_REDACT_KEY); default mask',
    ]);
  });

  it("warns once when hash redaction has no IW_REDACT_KEY", async () => {
    const { logger, lines } = recordingLogger();
    const { plugin } = memoryPlugin();
    keep(await activate({ env: { IW_REDACT: "hash", IW_MEM_URL: "mem://a", IW_MEM_SOC_URL: "mem://b" }, plugins: [plugin], logger }));
    expect(lines.filter((l) => l.message.startsWith("IW_REDACT_KEY is not set"))).toHaveLength(1);
  });
});
