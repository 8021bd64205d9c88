import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { activateWithReport } from "@iw/core";
import { memoryPlugin, recordingLogger } from "./helpers/memory-plugin.js";

const SUFFIXES = [
  "URL",
  "TOKEN",
  "LEVEL",
  "BATCH_SIZE",
  "BATCH_BYTES",
  "FLUSH_MS",
  "MAX_QUEUE_BYTES",
  "AUDIT_RESERVE_BYTES",
  "MAX_REFUSALS",
  "AUTH_PAUSE_MS",
  "CONCURRENCY",
  "TIMEOUT_MS",
  "RETRY_INITIAL_MS",
  "RETRY_MAX_MS",
  "MAX_RETRIES",
  "EVENTS",
  "REDACT",
  "REDACT_FIELDS",
];
const PREFIXES = ["IW_MEM", "IW_MEM_SOC", "IW_MEM_EU1", "IW_OTHER"];
const GLOBALS = ["IW_REDACT", "IW_REDACT_FIELDS", "IW_REDACT_KEY", "IW_SINKS_STRICT"];
const NAMES = [...PREFIXES.flatMap((p) => SUFFIXES.map((s) => `${p}_${s}`)), ...GLOBALS];

const value = fc.oneof(
  fc.constantFrom(
    "mem://a",
    "http://u:pw@h:1",
    "ftp://x",
    "",
    " ",
    "0",
    "1",
    "-1",
    "100",
    "1e3",
    "infinite",
    "all",
    "scan:block",
    "audit:x",
    "-scan",
    "hash",
    "mask",
    "off",
    "matches.matched_text",
    "a..b",
    "long-enough-secret-key",
  ),
  fc.string({ maxLength: 20 }),
  fc.stringMatching(/^[\w:.,-]{0,12}$/),
);
const envArb = fc.dictionary(fc.constantFrom(...NAMES), value, { maxKeys: 12 });

describe("activation over random environments", () => {
  it("never throws when not strict, and every error names a variable that is set", async () => {
    await fc.assert(
      fc.asyncProperty(envArb, async (env) => {
        const { logger, errors: logged } = recordingLogger();
        const a = memoryPlugin("IW_MEM", "mem");
        const b = memoryPlugin("IW_OTHER", "other");
        const { dispatcher, errors } = await activateWithReport({ env, plugins: [a.plugin, b.plugin], logger, strict: false });
        try {
          expect(logged()).toHaveLength(errors.length);
          for (const err of errors) {
            const variable = (err as { variable?: string }).variable;
            expect(variable, err.message).toBeDefined();
            expect(err.message.startsWith(variable!)).toBe(true);
            expect(Object.keys(env)).toContain(variable);
            const v = env[variable!];
            if (/TOKEN|KEY$/.test(variable!) && v !== undefined && v.length > 3) {
              // A plain word ("hash") may be part of the expected-form text itself: then look
              // for it where a leaked value would stand (after "=", or quoted).
              const leaks = /^[a-z]+$/i.test(v) ? [`=${v}`, `"${v}"`, `'${v}'`] : [v];
              for (const leak of leaks) expect(err.message).not.toContain(leak);
            }
            expect(err.message).not.toContain("pw@");
          }
          // Every sink that came up has its activating variable set.
          for (const name of dispatcher.sinks) {
            const [plugin, instance] = name.split(":");
            const prefix = plugin === "mem" ? "IW_MEM" : "IW_OTHER";
            expect(env[instance ? `${prefix}_${instance.toUpperCase()}_URL` : `${prefix}_URL`]?.trim()).toBeTruthy();
          }
        } finally {
          await dispatcher.close(100);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("in strict mode either rejects with every error or activates without any", async () => {
    await fc.assert(
      fc.asyncProperty(envArb, async (env) => {
        const { logger, errors: logged } = recordingLogger();
        const a = memoryPlugin("IW_MEM", "mem");
        const result = await activateWithReport({ env, plugins: [a.plugin], logger, strict: true }).then(
          (r) => ({ ok: true as const, r }),
          (e: unknown) => ({ ok: false as const, e: e as Error }),
        );
        if (result.ok) {
          expect(logged()).toEqual([]);
          await result.r.dispatcher.close(100);
        } else {
          expect(result.e.message).toMatch(/^\d+ sink configuration errors? \(IW_SINKS_STRICT\):/);
          for (const l of logged()) expect(result.e.message).toContain(l.message);
          expect(a.records).toEqual([]);
        }
      }),
      { numRuns: 100 },
    );
  });
});
