import { describe, expect, it } from "vitest";
import { activate, activateWithReport, auditEvent, createConsoleLogger, IwConfigError } from "@iw/core";
import { IwError } from "../src/diagnostics/errors.js";
import { memoryPlugin, recordingLogger } from "./helpers/memory-plugin.js";

const audit = () => auditEvent({ category: "auth", action: "login_attempt" });
const TOKEN = "t0ken-Value-42";
const PASSWORD = 'p,w"x y%z';

/** A collector that refuses, echoing the request (URL, headers) in its answer, as real ones do. */
function echoing(status: "failure" | "retryable", disable = false) {
  return memoryPlugin("IW_BAD", "bad", {
    fail: (o) => {
      const error = new IwError(
        status === "failure" ? "IW_HTTP_STATUS" : "IW_AUTH",
        `POST ${o.url} answered 401: {"echo":{"authorization":"Bearer ${o.token}"}} Authorization: Basic dXNlcjpwYXNzd29yZA== token ${o.token}`,
      );
      return status === "failure" ? { status, error, reason: "gone", disable } : { status, error, reason: "auth" };
    },
  });
}

const env = {
  IW_BAD_URL: `http://user:${encodeURIComponent(PASSWORD)}@127.0.0.1:9/in?sig=S1gnature-99&code=c0de-c0de`,
  IW_BAD_TOKEN: TOKEN,
  IW_BAD_FLUSH_MS: "0",
  IW_BAD_RETRY_INITIAL_MS: "5",
  IW_BAD_RETRY_MAX_MS: "20",
  IW_OK_URL: "mem://ok",
  IW_OK_FLUSH_MS: "0",
  IW_SUMMARY_INTERVAL_S: "0",
};
const SECRETS = [TOKEN, PASSWORD, encodeURIComponent(PASSWORD), "S1gnature-99", "c0de-c0de", "dXNlcjpwYXNzd29yZA"];
const expectClean = (text: string, what: string) => {
  for (const s of SECRETS) expect(text, `${what} holds ${s}`).not.toContain(s);
};

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("secrets in stats and lifecycle events", () => {
  it("masks a disabled sink's error in stats().lastError and in the sink_disabled event the other sink receives", async () => {
    const bad = echoing("failure", true);
    const ok = memoryPlugin("IW_OK", "ok");
    const { logger, lines } = recordingLogger();
    const d = await activate({ env, plugins: [bad.plugin, ok.plugin], logger });
    try {
      d.emit(audit());
      await until(() => d.stats().find((s) => s.sink === "bad")!.state === "disabled");
      await d.flush(1000);
      const stats = JSON.stringify(d.stats());
      expectClean(stats, "stats()");
      expect(stats).toContain("answered 401");
      const shipped = ok.records[0]!.batches.flat();
      const disabled = shipped.find((e) => e.log_type === "audit" && e.action === "sink_disabled");
      expect(disabled).toBeDefined();
      expectClean(JSON.stringify(shipped), "the events shipped to the other sink");
      expect(JSON.stringify(disabled)).toContain("answered 401");
      expectClean(JSON.stringify(lines), "the log");
    } finally {
      await d.close(200);
    }
  });

  it("masks the reason of a sink whose credentials are refused (sink_disabled, retrying)", async () => {
    const bad = echoing("retryable");
    const ok = memoryPlugin("IW_OK", "ok");
    const d = await activate({ env, plugins: [bad.plugin, ok.plugin], logger: recordingLogger().logger });
    try {
      d.emit(audit());
      await until(() => ok.records[0]!.batches.flat().some((e) => e.log_type === "audit" && e.action === "sink_disabled"));
      expectClean(JSON.stringify(ok.records[0]!.batches), "the events shipped to the other sink");
      expectClean(JSON.stringify(d.stats()), "stats()");
    } finally {
      await d.close(100);
    }
  });
});

describe("secrets in activation errors and logs", () => {
  it("masks a URL password holding a comma, a quote or a space in errors, the strict error and the default logger", async () => {
    const plain = 'http://u:p,w"x y@h:8080';
    const chunks: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (c: string) => (chunks.push(String(c)), true);
    let strict: unknown;
    let errors: string[] = [];
    try {
      const report = await activateWithReport({ env: { IW_MEM_URL: plain }, plugins: [memoryPlugin().plugin] });
      errors = report.errors.map((e) => e.message);
      strict = await activate({ env: { IW_MEM_URL: plain, IW_SINKS_STRICT: "1" }, plugins: [memoryPlugin().plugin] }).catch(
        (e: unknown) => e,
      );
    } finally {
      process.stderr.write = write;
    }
    expect(strict).toBeInstanceOf(IwConfigError);
    for (const text of [errors.join("\n"), (strict as Error).message, chunks.join("")]) {
      for (const part of ['p,w"x y', 'p,w\\"x y', 'w"x', "x y"]) expect(text).not.toContain(part);
    }
    expect(errors[0]).toMatch(/^IW_MEM_URL="http:\/\/\*\*\*@h:8080" is invalid/);
  });

  it("never shows any part of a short IW_REDACT_KEY", async () => {
    const { errors } = await activateWithReport({
      env: { IW_MEM_URL: "mem://a", IW_REDACT: "hash", IW_REDACT_KEY: "short" },
      plugins: [memoryPlugin().plugin],
      logger: recordingLogger().logger,
    });
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^IW_REDACT_KEY=\*\*\*\* is invalid: is shorter than 16 bytes;/)]);
  });

  it("gives the default logger the configured secret values of every active sink, and forgets them at close", async () => {
    const lines: string[] = [];
    const logger = createConsoleLogger({ level: "error", write: (l) => void lines.push(l) });
    const d = await activate({
      env: { IW_MEM_URL: "mem://a", IW_MEM_TOKEN: "plain-word-secret" },
      plugins: [memoryPlugin().plugin],
      logger,
    });
    logger.error("the collector said: plain-word-secret is not valid", { body: "echo plain-word-secret" });
    await d.close(100);
    logger.error("after close: plain-word-secret");
    expect(lines[0]).not.toContain("plain-word-secret");
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: "the collector said: **** is not valid", body: "echo ****" });
    expect(lines[1]).toContain("plain-word-secret");
  });
});
