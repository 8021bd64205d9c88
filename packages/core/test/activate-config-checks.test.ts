import { describe, expect, it } from "vitest";
import { activate, activateWithReport } from "@iw/core";
import { consoleLoggerFromEnv } from "../src/diagnostics/index.js";
import { NOOP_DISPATCHER } from "../src/dispatch/index.js";
import { memoryPlugin, recordingLogger } from "./helpers/memory-plugin.js";

async function run(env: Record<string, string>, plugins = [memoryPlugin().plugin]) {
  const { logger, lines } = recordingLogger();
  const { dispatcher, errors } = await activateWithReport({ env, plugins, logger });
  await dispatcher.close(100);
  return { dispatcher, errors: errors.map((e) => e.message), warnings: lines.filter((l) => l.level === "warn").map((l) => l.message) };
}

describe("unknown IW_* variables", () => {
  it("warns about a misspelt global variable with the closest real name, and never prints its value", async () => {
    const { warnings, dispatcher } = await run({ IW_MEM_URL: "mem://a", IW_REDCAT: "mask", IW_REDACT_KYE: "hunter2-hunter2-hunter2" });
    expect(dispatcher.enabled).toBe(true);
    expect(warnings).toContain("IW_REDCAT is not a variable @iw/core or any sink reads, so it has no effect; did you mean IW_REDACT?");
    expect(warnings).toContain(
      "IW_REDACT_KYE is not a variable @iw/core or any sink reads, so it has no effect; did you mean IW_REDACT_KEY?",
    );
    expect(warnings.join("\n")).not.toContain("hunter2");
    expect(warnings.join("\n")).not.toContain("mask");
  });

  it("warns about a misspelt option of an active sink, and about the options of a sink that is not active", async () => {
    const { warnings } = await run({ IW_MEM_URL: "mem://a", IW_MEM_LEVLE: "2", IW_MEM_BATCH_SIZ: "10", IW_ELK_ULR: "http://h:8080" });
    expect(warnings).toContain(
      "IW_MEM_LEVLE is not a variable @iw/core or any sink reads, so it has no effect; did you mean IW_MEM_LEVEL?",
    );
    expect(warnings).toContain(
      "IW_MEM_BATCH_SIZ is not a variable @iw/core or any sink reads, so it has no effect; did you mean IW_MEM_BATCH_SIZE?",
    );
    expect(warnings).toContain(
      "IW_ELK_ULR is set but the logstash sink is not active (IW_ELK_URL is unset), so it is not read; did you mean IW_ELK_URL?",
    );
  });

  it("warns even when no sink is active (the activating variable itself is misspelt)", async () => {
    const { warnings, dispatcher } = await run({ IW_MEM_ULR: "mem://a" });
    expect(dispatcher).toBe(NOOP_DISPATCHER);
    expect(warnings).toEqual(["IW_MEM_ULR is not a variable @iw/core or any sink reads, so it has no effect; did you mean IW_MEM_URL?"]);
  });

  it("says nothing about the variables that are read: options, generic ones, globals, named instances", async () => {
    const { warnings } = await run({
      IW_MEM_URL: "mem://a",
      IW_MEM_LEVEL: "2",
      IW_MEM_TIMEOUT_MS: "5000",
      IW_MEM_SOC_URL: "mem://b",
      IW_MEM_SOC_TOKEN: "tok-tok-tok",
      IW_MEM_SOC_BATCH_SIZE: "5",
      IW_REDACT: "mask",
      IW_LOG_FORMAT: "json",
      IW_SUMMARY_INTERVAL_S: "0",
      IW_SERVICE_NAME: "api",
      IW_BLANK: "",
    });
    expect(warnings).toEqual([]);
  });
});

describe("a URL whose password holds a delimiter", () => {
  it("says to percent-encode it, and shows no part of the password", async () => {
    for (const password of ["Qx7k/Zr9w", "Qx7k?Zr9w", "Qx7k#Zr9w", "Qx7k\\Zr9w", "Qx7k:Zr9w/Vb2m?Hn4j#Lp6c"]) {
      const { errors } = await run({ IW_MEM_URL: `http://user:${password}@127.0.0.1:9/x` });
      expect(errors, password).toHaveLength(1);
      expect(errors[0]).toMatch(
        /^IW_MEM_URL="http:\/\/\*+@127\.0\.0\.1:9\/x" is invalid: not an absolute URL: a \/ \? # or \\ in the user name or password must be percent-encoded/,
      );
      for (const part of password.split(/[/?#\\:]/)) expect(errors[0]).not.toContain(part);
    }
    // Encoded, the same password is accepted.
    expect((await run({ IW_MEM_URL: `http://user:${encodeURIComponent("Qx7k/Zr9w")}@127.0.0.1:9/x` })).errors).toEqual([]);
  });
});

describe("cross-checks and values that select nothing", () => {
  it("refuses IW_<P>_RETRY_INITIAL_MS above IW_<P>_RETRY_MAX_MS, naming both", async () => {
    const { errors, dispatcher } = await run({ IW_MEM_URL: "mem://a", IW_MEM_RETRY_INITIAL_MS: "60000", IW_MEM_RETRY_MAX_MS: "1000" });
    expect(dispatcher).toBe(NOOP_DISPATCHER);
    expect(errors).toEqual([
      'IW_MEM_RETRY_INITIAL_MS="60000" is invalid: larger than IW_MEM_RETRY_MAX_MS (1000 ms), the cap of every backoff; raise IW_MEM_RETRY_MAX_MS or lower this; expected a whole number from 1 to 600000 ms; default 250 ms',
    ]);
    // Against the default cap too, and with a named instance's real names.
    const soc = await run({ IW_MEM_SOC_URL: "mem://a", IW_MEM_SOC_RETRY_INITIAL_MS: "40000" });
    expect(soc.errors[0]).toMatch(/^IW_MEM_SOC_RETRY_INITIAL_MS="40000" is invalid: larger than IW_MEM_SOC_RETRY_MAX_MS \(30000 ms\)/);
    // A lowered cap alone caps the default first delay: no error.
    expect((await run({ IW_MEM_URL: "mem://a", IW_MEM_RETRY_MAX_MS: "50" })).errors).toEqual([]);
  });

  it("refuses an event filter that selects no event", async () => {
    for (const filter of ["-all", "-scan,-audit,-summary", "-*"]) {
      const { errors } = await run({ IW_MEM_URL: "mem://a", IW_MEM_EVENTS: filter });
      expect(errors[0], filter).toMatch(/^IW_MEM_EVENTS="[^"]+" is invalid: "[^"]+" selects no event: the sink would receive nothing/);
    }
    expect((await run({ IW_MEM_URL: "mem://a", IW_MEM_EVENTS: "-scan,-audit" })).errors).toEqual([]); // summaries remain
  });

  it("refuses redaction fields that name no event field, globally and per sink, and keeps sinks off", async () => {
    const global = await run({ IW_MEM_URL: "mem://a", IW_REDACT: "mask", IW_REDACT_FIELDS: "matches.matched_text,matches.matchd_text" });
    expect(global.dispatcher).toBe(NOOP_DISPATCHER);
    expect(global.errors[0]).toMatch(
      /^IW_REDACT_FIELDS="matches.matched_text,matches.matchd_text" is invalid: "matches.matchd_text" \(did you mean matches.matched_text\?\) names no event field, so nothing would be redacted there/,
    );
    const own = await run({ IW_MEM_URL: "mem://a", IW_MEM_REDACT: "mask", IW_MEM_REDACT_FIELDS: "prompt" });
    expect(own.errors[0]).toMatch(/^IW_MEM_REDACT_FIELDS="prompt" is invalid: "prompt" names no event field/);
  });

  it("accepts every real field path, arrays traversed, and any details sub-path", async () => {
    const { errors } = await run({
      IW_MEM_URL: "mem://a",
      IW_REDACT: "mask",
      IW_REDACT_FIELDS:
        "matches.matched_text,matches,source_ip,key_prefix,details.prompt,details.a.b,request_id,top_signatures.signature_id",
    });
    expect(errors).toEqual([]);
  });
});

describe("IW_LOG_LEVEL / IW_LOG_FORMAT", () => {
  it("warns with the allowed values when a value is unknown, and falls back to the default", () => {
    const lines: string[] = [];
    const logger = consoleLoggerFromEnv({ IW_LOG_LEVEL: "verbose", IW_LOG_FORMAT: "xml" }, { write: (l) => void lines.push(l) });
    logger.debug("hidden at info");
    const msgs = lines.map((l) => JSON.parse(l) as { msg: string; level: string });
    expect(msgs).toEqual([
      expect.objectContaining({ level: "warn", msg: 'IW_LOG_LEVEL="verbose" is not one of debug, info, warn, error, off; using info' }),
      expect.objectContaining({ level: "warn", msg: 'IW_LOG_FORMAT="xml" is not one of json, logfmt; using json' }),
    ]);
  });

  it("says nothing for valid values", () => {
    const lines: string[] = [];
    consoleLoggerFromEnv({ IW_LOG_LEVEL: " WARN ", IW_LOG_FORMAT: "logfmt" }, { write: (l) => void lines.push(l) });
    expect(lines).toEqual([]);
  });

  it("is reported through activate()'s default logger", async () => {
    const chunks: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (c: string) => (chunks.push(String(c)), true);
    try {
      const d = await activate({ env: { IW_LOG_LEVEL: "verbose" } });
      expect(d).toBe(NOOP_DISPATCHER);
    } finally {
      process.stderr.write = write;
    }
    expect(chunks.join("")).toContain('IW_LOG_LEVEL=\\"verbose\\" is not one of debug, info, warn, error, off; using info');
  });
});
