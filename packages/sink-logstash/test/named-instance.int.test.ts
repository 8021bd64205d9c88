import { afterEach, describe, expect, it } from "vitest";
import { activateWithReport } from "@iw/core";
import type { Dispatcher } from "@iw/core";
import { makeTestEvents, startLogstashReceiver } from "@iw/testkit";
import type { LogstashReceiver } from "@iw/testkit";
import { createLogstashSink, plugin } from "../src/index.js";
import { recordingLogger, useTestCertificates } from "./helpers.js";

/*
 * A named instance (`IW_ELK_PROD_URL` → `logstash:prod`) must name its own variables
 * (`IW_ELK_PROD_*`) in every diagnostic, never the base instance's `IW_ELK_*` the user did not set.
 */

const tls = useTestCertificates();
let receiver: LogstashReceiver | undefined;
let iw: Dispatcher | undefined;

afterEach(async () => {
  await iw?.close(2000);
  await receiver?.close();
  iw = undefined;
  receiver = undefined;
});

const FAST = {
  IW_ELK_PROD_FLUSH_MS: "10",
  IW_ELK_PROD_RETRY_INITIAL_MS: "20",
  IW_ELK_PROD_RETRY_MAX_MS: "200",
  IW_SUMMARY_INTERVAL_S: "0",
};

/** Activates with `env` and a recording logger; returns the errors and every logged line. */
async function activateNamed(env: Record<string, string>) {
  const logger = recordingLogger();
  const report = await activateWithReport({ env: { ...FAST, ...env }, plugins: [plugin], logger });
  iw = report.dispatcher;
  return { report, logger, errors: report.errors.map((e) => e.message).join("\n") };
}

/** No base-instance variable (`IW_ELK_URL`, `IW_ELK_USER`, …) appears in `text`. */
function expectNoBaseNames(text: string): void {
  expect(text).not.toMatch(/\bIW_ELK_(?!PROD_)[A-Z_]+/);
}

describe("a named Logstash instance (IW_ELK_PROD_*) names its own variables", () => {
  it("bad URL scheme: the error names IW_ELK_PROD_URL, not IW_ELK_URL", async () => {
    const { report, logger, errors } = await activateNamed({ IW_ELK_PROD_URL: "ftp://logs.example:8080/" });
    expect(report.dispatcher.enabled).toBe(false);
    expect(errors).toMatch(/IW_ELK_PROD_URL/);
    expect(errors).toMatch(/ftp:/);
    expectNoBaseNames(errors);
    expectNoBaseNames(logger.text());
  });

  it("basic auth half set: the error names IW_ELK_PROD_USER and IW_ELK_PROD_PASSWORD", async () => {
    const { report, logger, errors } = await activateNamed({ IW_ELK_PROD_URL: "http://127.0.0.1:9/", IW_ELK_PROD_USER: "shipper" });
    expect(report.dispatcher.enabled).toBe(false);
    expect(errors).toMatch(/IW_ELK_PROD_PASSWORD.*IW_ELK_PROD_USER/);
    expectNoBaseNames(errors);
    expectNoBaseNames(logger.text());
  });

  it("TLS verification off: the warning names IW_ELK_PROD_TLS_VERIFY and the sink logstash:prod", async () => {
    const { report, logger } = await activateNamed({ IW_ELK_PROD_URL: "https://127.0.0.1:9/", IW_ELK_PROD_TLS_VERIFY: "false" });
    expect(report.dispatcher.sinks).toEqual(["logstash:prod"]);
    const warning = logger.lines.find((l) => l.startsWith("warn") && l.includes("TLS_VERIFY"));
    expect(warning).toContain("IW_ELK_PROD_TLS_VERIFY=false");
    expect(warning).toContain('"sink":"logstash:prod"');
    expectNoBaseNames(logger.text());
  });

  it("TLS files with only http:// nodes: the warning names IW_ELK_PROD_CA_FILE and IW_ELK_PROD_URL", async () => {
    const { logger } = await activateNamed({ IW_ELK_PROD_URL: "http://127.0.0.1:9/", IW_ELK_PROD_CA_FILE: tls.files.caFile });
    const warning = logger.lines.find((l) => l.startsWith("warn") && l.includes("not used"));
    expect(warning).toContain("IW_ELK_PROD_CA_FILE / IW_ELK_PROD_CERT_FILE are set but no IW_ELK_PROD_URL is https://");
    expectNoBaseNames(logger.text());
  });

  it("credentials refused: the error names IW_ELK_PROD_USER / IW_ELK_PROD_PASSWORD / IW_ELK_PROD_URL", async () => {
    receiver = await startLogstashReceiver({ user: "shipper", password: "right" });
    const { report, logger } = await activateNamed({
      IW_ELK_PROD_URL: receiver.url,
      IW_ELK_PROD_USER: "shipper",
      IW_ELK_PROD_PASSWORD: "wrong-secret",
    });
    for (const e of makeTestEvents(3)) report.dispatcher.emit(e);
    await report.dispatcher.flush(500); // refused batches stay queued: this flush cannot drain
    const refusal = logger.lines.filter((l) => l.startsWith("error") && l.includes("refused the credentials"));
    expect(refusal).toHaveLength(1);
    expect(refusal[0]).toContain("(check IW_ELK_PROD_USER / IW_ELK_PROD_PASSWORD or the credentials in IW_ELK_PROD_URL)");
    expect(refusal[0]).toContain('"sink":"logstash:prod"');
    expectNoBaseNames(logger.text());
    expect(logger.text()).not.toContain("wrong-secret");
  });

  it("client certificate required but not set: the hint names IW_ELK_PROD_CERT_FILE and IW_ELK_PROD_KEY_FILE", async () => {
    receiver = await startLogstashReceiver({
      tls: { cert: tls.certs.server.cert, key: tls.certs.server.key, ca: tls.certs.ca.cert, clientAuthentication: "required" },
    });
    const { report } = await activateNamed({
      IW_ELK_PROD_URL: receiver.url,
      IW_ELK_PROD_CA_FILE: tls.files.caFile,
      IW_ELK_PROD_MAX_RETRIES: "0",
    });
    report.dispatcher.emit(makeTestEvents(1)[0]!);
    await report.dispatcher.flush(2000);
    const [stats] = report.dispatcher.stats();
    expect(stats!.sink).toBe("logstash:prod");
    expect(stats!.lastError?.message).toContain("set IW_ELK_PROD_CERT_FILE and IW_ELK_PROD_KEY_FILE");
    expectNoBaseNames(stats!.lastError?.message ?? "");
    expect(receiver.events).toHaveLength(0);
  });
});

describe("LogstashSink options envPrefix and name", () => {
  it("validation errors name the variables under envPrefix", () => {
    expect(() => createLogstashSink({ urls: ["ftp://x:1/"], envPrefix: "IW_ELK_PROD" })).toThrow(
      /^IW_ELK_PROD_URL is invalid: ftp:\/\/x:1\/: scheme ftp: is not supported; expected /,
    );
    expect(() => createLogstashSink({ urls: ["http://x:1/"], user: "u", envPrefix: "IW_ELK_PROD" })).toThrow(
      /^IW_ELK_PROD_PASSWORD is unset while IW_ELK_PROD_USER is set/,
    );
    expect(() => createLogstashSink({ urls: ["https://x:1/"], cert: "c", envPrefix: "IW_ELK_PROD" })).toThrow(
      /^IW_ELK_PROD_KEY_FILE is unset while IW_ELK_PROD_CERT_FILE is set, which needs it/,
    );
    expect(() => createLogstashSink({ urls: ["http://x:1/"], headers: { "X Bad": "v" }, envPrefix: "IW_ELK_PROD" })).toThrow(
      /^IW_ELK_PROD_HEADERS is invalid: "X Bad" is not a valid header name/,
    );
    expect(() => createLogstashSink({ urls: ["http://x:1/"], headers: { "X-A": "a\r\nB: 1" }, envPrefix: "IW_ELK_PROD" })).toThrow(
      /^IW_ELK_PROD_HEADERS is invalid: the value for X-A contains CR, LF/,
    );
  });

  it("defaults to IW_ELK and the name logstash", () => {
    expect(() => createLogstashSink({ urls: ["ftp://x:1/"] })).toThrow(
      /^IW_ELK_URL is invalid: ftp:\/\/x:1\/: scheme ftp: is not supported/,
    );
    expect(createLogstashSink({ urls: ["http://x:1/"] }).name).toBe("logstash");
    expect(createLogstashSink({ urls: ["http://x:1/"], name: "logstash:prod" }).name).toBe("logstash:prod");
  });
});
