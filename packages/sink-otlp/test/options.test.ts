import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { IwConfigError, activateWithReport, silentLogger } from "@iw/core";
import { createOtlpSink, plugin } from "../src/index.js";
import type { OtlpSinkOptions } from "../src/index.js";
import { otlpOptions } from "../src/options.js";
import { parseEnv, recordingLogger, sinkFromEnv } from "./helpers.js";

const URL_ = "http://collector:4318";

function configError(fn: () => unknown): IwConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof IwConfigError) return err;
    throw err;
  }
  throw new Error("expected an IwConfigError");
}

/** The issues of the variables, as the plugin's options schema reports them. */
function envIssues(env: Record<string, string>): { path: string; message: string }[] {
  const r = plugin.options.safeParse({ IW_OTLP_URL: URL_, ...env });
  expect(r.success).toBe(false);
  return (r.error?.issues ?? []).map((i) => ({ path: String(i.path[0]), message: i.message }));
}

const PEM_DIR = mkdtempSync(join(tmpdir(), "iw-otlp-options-"));
const PEM_FILE = join(PEM_DIR, "some.pem");
writeFileSync(PEM_FILE, "-----BEGIN CERTIFICATE-----\n");
afterAll(() => rmSync(PEM_DIR, { recursive: true, force: true }));

describe("options in code and variables run the same checks", () => {
  it.each<[string, OtlpSinkOptions, Record<string, string>, string]>([
    ["a gRPC endpoint", { url: "grpc://a:4317" }, { IW_OTLP_URL: "grpc://a:4317" }, "IW_OTLP_URL"],
    ["several URLs", { url: "http://a:4318,http://b:4318" }, { IW_OTLP_URL: "http://a:4318,http://b:4318" }, "IW_OTLP_URL"],
    ["a #fragment", { url: "http://a:4318/v1/logs#x" }, { IW_OTLP_URL: "http://a:4318/v1/logs#x" }, "IW_OTLP_URL"],
    [
      "a header the sink sets",
      { url: URL_, headers: { "Content-Type": "text/plain" } },
      { IW_OTLP_HEADERS: "Content-Type=text/plain" },
      "IW_OTLP_HEADERS",
    ],
    ["a header the HTTP client sets", { url: URL_, headers: { Host: "x" } }, { IW_OTLP_HEADERS: "Host=x" }, "IW_OTLP_HEADERS"],
    ["a client certificate without its key", { url: URL_, cert: "PEM" }, { IW_OTLP_CERT_FILE: PEM_FILE }, "IW_OTLP_KEY_FILE"],
    ["a key without its certificate", { url: URL_, key: "PEM" }, { IW_OTLP_KEY_FILE: PEM_FILE }, "IW_OTLP_CERT_FILE"],
    ["a connect timeout of 0", { url: URL_, connectTimeoutMs: 0 }, { IW_OTLP_CONNECT_TIMEOUT_MS: "0" }, "IW_OTLP_CONNECT_TIMEOUT_MS"],
    [
      "a connect timeout over the limit",
      { url: URL_, connectTimeoutMs: 600_001 },
      { IW_OTLP_CONNECT_TIMEOUT_MS: "600001" },
      "IW_OTLP_CONNECT_TIMEOUT_MS",
    ],
    ["a service name with a line break", { url: URL_, serviceName: "a\nb" }, { IW_OTLP_SERVICE_NAME: "a\nb" }, "IW_OTLP_SERVICE_NAME"],
    [
      "a resource attribute holding a control character",
      { url: URL_, resourceAttributes: { team: "a\u0007" } },
      { IW_OTLP_RESOURCE_ATTRIBUTES: "team=a%07" },
      "IW_OTLP_RESOURCE_ATTRIBUTES",
    ],
  ])("refuses %s with the same reason on the same variable", (_, options, env, variable) => {
    const issues = envIssues(env);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe(variable);
    const e = configError(() => createOtlpSink(options));
    expect(e.variable).toBe(variable);
    // Core words a reason that starts with a verb as it is, any other as "is invalid: <reason>".
    const said = /^(is|has|holds|sets|carries|contains|needs|names) /.test(issues[0]!.message)
      ? issues[0]!.message
      : `is invalid: ${issues[0]!.message}`;
    expect(e.message.startsWith(`${variable} ${said}; expected `)).toBe(true);
  });

  it.each<[string, OtlpSinkOptions, Record<string, string>, string]>([
    ["an unknown protocol", { url: URL_, protocol: "grpc" as "http/json" }, { IW_OTLP_PROTOCOL: "grpc" }, "IW_OTLP_PROTOCOL"],
    ["an unknown compression", { url: URL_, compression: "zstd" as "gzip" }, { IW_OTLP_COMPRESSION: "zstd" }, "IW_OTLP_COMPRESSION"],
    [
      "a header value with CR/LF",
      { url: URL_, headers: { "api-key": "a\r\nX-Evil: 1" } },
      { IW_OTLP_HEADERS: "api-key=a%0D%0AX-Evil: 1" },
      "IW_OTLP_HEADERS",
    ],
    [
      "a resource attribute without a key",
      { url: URL_, resourceAttributes: { "": "x" } },
      { IW_OTLP_RESOURCE_ATTRIBUTES: "=x" },
      "IW_OTLP_RESOURCE_ATTRIBUTES",
    ],
  ])("refuses %s on the same variable, with its expected form", (_, options, env, variable) => {
    const issues = envIssues(env);
    expect(issues.map((i) => i.path)).toEqual([variable]);
    const e = configError(() => createOtlpSink(options));
    expect(e.variable).toBe(variable);
    expect(e.message).toMatch(new RegExp(`^${variable} is invalid: .+; expected `));
  });

  it("says why in code as from the variable: several URLs point to named instances, gRPC is not OTLP/HTTP", () => {
    expect(configError(() => createOtlpSink({ url: "http://a:4318,http://b:4318" })).message).toMatch(
      /^IW_OTLP_URL holds several URLs; give one \(use a named instance, IW_OTLP_<NAME>_URL, for another destination\); expected one http\(s\):\/\//,
    );
    expect(configError(() => createOtlpSink({ url: "grpc://a:4317" })).message).toMatch(
      /^IW_OTLP_URL is invalid: grpc:\/\/a:4317: scheme grpc: is not supported \(OTLP over gRPC is not supported\); expected /,
    );
    // A comma inside one URL is not several URLs, nor is a URL object.
    expect(otlpOptions.resolve({ url: "http://a:4318/v1/logs?tags=a,b" }).url.search).toBe("?tags=a,b");
    expect(otlpOptions.resolve({ url: new URL("http://a:4318/x?next=a,http://b:4318/") }).url.host).toBe("a:4318");
  });

  it("refuses a missing url and values of the wrong type given in code, naming the variable", () => {
    expect(configError(() => createOtlpSink({} as OtlpSinkOptions)).message).toMatch(/^IW_OTLP_URL is required; expected /);
    expect(configError(() => createOtlpSink({ url: URL_, tlsVerify: "no" as unknown as boolean })).variable).toBe("IW_OTLP_TLS_VERIFY");
    expect(
      configError(() => createOtlpSink({ url: URL_, resourceAttributes: { n: 1 } as unknown as Record<string, string> })).message,
    ).toMatch(/^IW_OTLP_RESOURCE_ATTRIBUTES is invalid: entry 1 \(n\) has no string value/);
    // Options only code sets are named by their own name.
    expect(configError(() => createOtlpSink({ url: URL_, defaultServiceName: "a\nb" })).message).toMatch(
      /^defaultServiceName contains CR, LF or NUL; expected service\.name of events that carry no service; default unknown_service:node$/,
    );
  });

  it("reports every problem of options given in code at once", () => {
    const e = configError(() => createOtlpSink({ url: URL_, connectTimeoutMs: 0, compression: "zstd" as "gzip", cert: "PEM" }));
    expect(e.message).toMatch(
      /IW_OTLP_COMPRESSION .*; IW_OTLP_CONNECT_TIMEOUT_MS .*; IW_OTLP_KEY_FILE is unset while IW_OTLP_CERT_FILE is set/,
    );
  });
});

describe("a named instance's variables", () => {
  const base = { url: URL_, envPrefix: "IW_OTLP_PROD" };

  it("are named in every check of options given in code", () => {
    expect(configError(() => createOtlpSink({ ...base, url: "ftp://a:2121/" })).message).toMatch(
      /^IW_OTLP_PROD_URL is invalid: ftp:\/\/a:2121\/: scheme ftp: is not supported; expected /,
    );
    expect(configError(() => createOtlpSink({ ...base, url: "http://a:4318,http://b:4318" })).message).toMatch(
      /^IW_OTLP_PROD_URL holds several URLs; give one \(use a named instance, IW_OTLP_PROD_<NAME>_URL/,
    );
    expect(configError(() => createOtlpSink({ ...base, headers: { "Content-Type": "text/plain" } })).message).toMatch(
      /^IW_OTLP_PROD_HEADERS sets Content-Type, which the sink sets itself/,
    );
    const pair = configError(() => createOtlpSink({ ...base, cert: "PEM" }));
    expect(pair.variable).toBe("IW_OTLP_PROD_KEY_FILE");
    expect(pair.message).toMatch(
      /^IW_OTLP_PROD_KEY_FILE is unset while IW_OTLP_PROD_CERT_FILE is set, which needs it; expected PEM private key of IW_OTLP_PROD_CERT_FILE/,
    );
    expect(configError(() => createOtlpSink({ ...base, connectTimeoutMs: -1 })).variable).toBe("IW_OTLP_PROD_CONNECT_TIMEOUT_MS");
    expect(createOtlpSink({ url: URL_, name: "otlp:prod" }, { logger: silentLogger }).name).toBe("otlp:prod");
  });

  it("are named in the errors of activation, one sink staying off", async () => {
    const report = await activateWithReport({
      plugins: [plugin],
      logger: silentLogger,
      env: {
        IW_OTLP_PROD_URL: URL_,
        IW_OTLP_PROD_CERT_FILE: PEM_FILE,
        IW_OTLP_OPS_URL: URL_,
        IW_OTLP_OPS_HEADERS: "Content-Encoding=br",
        IW_OTLP_EDGE_URL: "grpc://edge:4317",
      },
    });
    await report.dispatcher.close();
    expect(report.dispatcher.sinks).toEqual([]);
    const text = report.errors.map((e) => e.message).join("\n");
    expect(text).toMatch(/IW_OTLP_PROD_KEY_FILE.*is unset while IW_OTLP_PROD_CERT_FILE is set, which needs it/);
    expect(text).toMatch(/IW_OTLP_OPS_HEADERS=.* sets Content-Encoding, which the sink sets itself/);
    expect(text).toMatch(
      /IW_OTLP_EDGE_URL="grpc:\/\/edge:4317" is invalid: .*scheme grpc: is not supported \(OTLP over gRPC is not supported\)/,
    );
    expect(report.errors.map((e) => (e as IwConfigError).variable).sort()).toEqual([
      "IW_OTLP_EDGE_URL",
      "IW_OTLP_OPS_HEADERS",
      "IW_OTLP_PROD_KEY_FILE",
    ]);
  });
});

describe("the OpenTelemetry fallbacks", () => {
  it("check a fallback under its own name, only when it is used", () => {
    // A certificate from OTEL_* without its key names the OpenTelemetry variable, once.
    expect(envIssues({ OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE: PEM_FILE })).toEqual([
      { path: "IW_OTLP_KEY_FILE", message: "is unset while OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE is set, which needs it" },
    ]);
    // A certificate from one convention and its key from the other make a pair.
    expect(parseEnv({ IW_OTLP_URL: URL_, IW_OTLP_CERT_FILE: PEM_FILE, OTEL_EXPORTER_OTLP_CLIENT_KEY: PEM_FILE })).toMatchObject({
      cert: expect.any(Uint8Array),
      key: expect.any(Uint8Array),
    });
    // OpenTelemetry headers the sink sets itself are refused on the OpenTelemetry variable.
    expect(envIssues({ OTEL_EXPORTER_OTLP_HEADERS: "Content-Type=text/plain" })).toEqual([
      { path: "OTEL_EXPORTER_OTLP_HEADERS", message: "sets Content-Type, which the sink sets itself; remove it" },
    ]);
    expect(envIssues({ OTEL_EXPORTER_OTLP_CERTIFICATE: join(PEM_DIR, "missing.pem") })).toEqual([
      { path: "OTEL_EXPORTER_OTLP_CERTIFICATE", message: "cannot read the file (ENOENT)" },
    ]);
    // Unused: the IW_OTLP_ variables are set.
    expect(() =>
      parseEnv({
        IW_OTLP_URL: URL_,
        IW_OTLP_CA_FILE: PEM_FILE,
        OTEL_EXPORTER_OTLP_CERTIFICATE: join(PEM_DIR, "missing.pem"),
        IW_OTLP_RESOURCE_ATTRIBUTES: "team=a",
        IW_SERVICE_NAME: "gateway",
        OTEL_RESOURCE_ATTRIBUTES: "novalue",
      }),
    ).not.toThrow();
  });

  it("take the default service name from IW_SERVICE_NAME, else OTEL_SERVICE_NAME, else OTEL_RESOURCE_ATTRIBUTES", () => {
    const env = { IW_OTLP_URL: URL_, OTEL_SERVICE_NAME: "otel", OTEL_RESOURCE_ATTRIBUTES: "service.name=attrs" };
    expect(parseEnv({ ...env, IW_SERVICE_NAME: "iw" }).defaultServiceName).toBe("iw");
    expect(parseEnv(env).defaultServiceName).toBe("otel");
    expect(parseEnv({ IW_OTLP_URL: URL_, OTEL_RESOURCE_ATTRIBUTES: "service.name=attrs" }).defaultServiceName).toBe("attrs");
    // A bad OTEL_RESOURCE_ATTRIBUTES is refused when it would be used for the default service name.
    expect(envIssues({ IW_OTLP_RESOURCE_ATTRIBUTES: "team=a", OTEL_RESOURCE_ATTRIBUTES: "novalue" })).toEqual([
      { path: "OTEL_RESOURCE_ATTRIBUTES", message: expect.stringMatching(/^entry 1 is not key=value/) },
    ]);
  });

  it("log, when the sink starts, that OpenTelemetry headers meant for another endpoint are not sent", async () => {
    const logger = recordingLogger();
    const sink = sinkFromEnv(
      { IW_OTLP_URL: URL_, OTEL_EXPORTER_OTLP_ENDPOINT: "https://vendor.example.com", OTEL_EXPORTER_OTLP_HEADERS: "api-key=secret" },
      logger,
    );
    await sink.close();
    expect(logger.text()).toMatch(/^warn OTEL_EXPORTER_OTLP_\(LOGS_\)HEADERS are not sent: .*"sink":"otlp"/m);
    expect(logger.text()).not.toContain("secret");
  });
});
