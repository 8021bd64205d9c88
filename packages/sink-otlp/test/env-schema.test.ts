import { describe, expect, it } from "vitest";
import { plugin } from "../src/index.js";
import { otlpOptions } from "../src/options.js";
import { resolveOptions } from "../src/resolve-options.js";
import { parseEnv } from "./helpers.js";

const URL_ = "http://collector:4318";
const refusal = (env: Record<string, string>): string => {
  const r = plugin.options.safeParse(env);
  if (r.success) throw new Error("expected a refusal");
  return r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n");
};

describe("IW_OTLP_URL", () => {
  it("appends /v1/logs to a URL without a path and keeps a URL with a path as it is", () => {
    const endpoint = (url: string) => otlpOptions.resolve({ url }).url.href;
    expect(endpoint(URL_)).toBe("http://collector:4318/v1/logs");
    expect(endpoint("http://collector:4318/")).toBe("http://collector:4318/v1/logs");
    expect(endpoint("https://otlp.example.com/otlp/v1/logs?tenant=a")).toBe("https://otlp.example.com/otlp/v1/logs?tenant=a");
    // The variable gives the same endpoint once the sink resolves it.
    expect(otlpOptions.resolve(parseEnv({ IW_OTLP_URL: URL_ })).url.href).toBe("http://collector:4318/v1/logs");
  });

  it("refuses several URLs, a gRPC-looking scheme and a fragment", () => {
    expect(refusal({ IW_OTLP_URL: "http://a:4318,http://b:4318" })).toMatch(/several URLs/);
    expect(refusal({ IW_OTLP_URL: "grpc://a:4317" })).toMatch(/scheme grpc: is not supported/);
    expect(refusal({ IW_OTLP_URL: "http://a:4318/v1/logs#x" })).toMatch(/#fragment/);
  });
});

describe("headers", () => {
  it("refuses CR/LF in a value and a header the sink sets itself", () => {
    expect(refusal({ IW_OTLP_URL: URL_, IW_OTLP_HEADERS: "api-key=a%0D%0AX-Evil: 1" })).toMatch(/IW_OTLP_HEADERS.*CR, LF/);
    expect(refusal({ IW_OTLP_URL: URL_, IW_OTLP_HEADERS: "Content-Type=text/plain" })).toMatch(
      /sets Content-Type, which the sink sets itself/,
    );
  });

  it("falls back to OTEL_EXPORTER_OTLP_HEADERS, with OTEL_EXPORTER_OTLP_LOGS_HEADERS winning per name", () => {
    const o = parseEnv({
      IW_OTLP_URL: URL_,
      OTEL_EXPORTER_OTLP_HEADERS: "api-key=generic,x-team=a",
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: "api-key=logs",
    });
    expect(o.headers).toEqual({ "api-key": "logs", "x-team": "a" });
  });

  it("uses IW_OTLP_HEADERS alone when it is set", () => {
    expect(parseEnv({ IW_OTLP_URL: URL_, IW_OTLP_HEADERS: "a=1", OTEL_EXPORTER_OTLP_HEADERS: "b=2" }).headers).toEqual({ a: "1" });
  });

  it("does not send OpenTelemetry headers meant for another endpoint, and says so", () => {
    const o = parseEnv({
      IW_OTLP_URL: URL_,
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://vendor.example.com",
      OTEL_EXPORTER_OTLP_HEADERS: "api-key=secret",
    });
    expect(o.headers).toBeUndefined();
    expect(resolveOptions(o).transport.headers).toEqual({});
    expect(o.notices?.join("\n")).toMatch(
      /OTEL_EXPORTER_OTLP_\(LOGS_\)HEADERS are not sent: OTEL_EXPORTER_OTLP_ENDPOINT names https:\/\/vendor.example.com, not IW_OTLP_URL's http:\/\/collector:4318/,
    );
    expect(o.notices?.join("\n")).not.toContain("secret");
    const same = parseEnv({
      IW_OTLP_URL: URL_,
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://collector:4318/v1/logs",
      OTEL_EXPORTER_OTLP_HEADERS: "api-key=ok",
    });
    expect(same.headers).toEqual({ "api-key": "ok" });
  });

  it("checks an OpenTelemetry header list only when it would be used", () => {
    expect(refusal({ IW_OTLP_URL: URL_, OTEL_EXPORTER_OTLP_HEADERS: "no-equals-sign" })).toMatch(/OTEL_EXPORTER_OTLP_HEADERS/);
    expect(parseEnv({ IW_OTLP_URL: URL_, IW_OTLP_HEADERS: "a=1", OTEL_EXPORTER_OTLP_HEADERS: "no-equals-sign" }).headers).toEqual({
      a: "1",
    });
  });
});

describe("compression, protocol and timeout", () => {
  it("defaults to http/protobuf without compression, as the OTLP exporter variables do", () => {
    const o = parseEnv({ IW_OTLP_URL: URL_ });
    // The variables give only what is set; defaults are applied once, where options in code get them too.
    expect(o).toEqual({ url: URL_ });
    expect([o.protocol, o.compression]).toEqual([undefined, undefined]);
    const resolved = otlpOptions.resolve(o);
    expect([resolved.protocol, resolved.compression]).toEqual(["http/protobuf", "none"]);
    expect(resolved).toMatchObject({ headers: {}, tlsVerify: true, connectTimeoutMs: 10_000, defaultServiceName: "unknown_service:node" });
  });

  it("takes the compression from IW_OTLP_COMPRESSION, else the logs, else the generic OpenTelemetry variable", () => {
    expect(parseEnv({ IW_OTLP_URL: URL_, OTEL_EXPORTER_OTLP_COMPRESSION: "gzip" }).compression).toBe("gzip");
    expect(
      parseEnv({ IW_OTLP_URL: URL_, OTEL_EXPORTER_OTLP_COMPRESSION: "gzip", OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: "none" }).compression,
    ).toBe("none");
    expect(parseEnv({ IW_OTLP_URL: URL_, IW_OTLP_COMPRESSION: "GZIP", OTEL_EXPORTER_OTLP_COMPRESSION: "none" }).compression).toBe("gzip");
    expect(refusal({ IW_OTLP_URL: URL_, OTEL_EXPORTER_OTLP_COMPRESSION: "zstd" })).toMatch(
      /OTEL_EXPORTER_OTLP_COMPRESSION: not one of the allowed values/,
    );
    expect(parseEnv({ IW_OTLP_URL: URL_, IW_OTLP_COMPRESSION: "none", OTEL_EXPORTER_OTLP_COMPRESSION: "zstd" }).compression).toBe("none");
  });

  it("takes the attempt deadline from OTEL_EXPORTER_OTLP_(LOGS_)TIMEOUT as a queue default", () => {
    expect(plugin.queueDefaultsFromEnv?.({ OTEL_EXPORTER_OTLP_TIMEOUT: "2500" })).toEqual({ attemptTimeoutMs: 2500 });
    expect(plugin.queueDefaultsFromEnv?.({ OTEL_EXPORTER_OTLP_TIMEOUT: "2500", OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: "700" })).toEqual({
      attemptTimeoutMs: 700,
    });
    expect(plugin.queueDefaultsFromEnv?.({})).toEqual({});
    expect(refusal({ IW_OTLP_URL: URL_, OTEL_EXPORTER_OTLP_TIMEOUT: "10s" })).toMatch(
      /OTEL_EXPORTER_OTLP_TIMEOUT: not a whole number of milliseconds/,
    );
    expect(() => parseEnv({ IW_OTLP_URL: URL_, IW_OTLP_TIMEOUT_MS: "5000", OTEL_EXPORTER_OTLP_TIMEOUT: "10s" })).not.toThrow();
  });
});

describe("service and resource", () => {
  it("reads IW_OTLP_SERVICE_NAME and IW_OTLP_RESOURCE_ATTRIBUTES, falling back to OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES", () => {
    const own = parseEnv({
      IW_OTLP_URL: URL_,
      IW_OTLP_SERVICE_NAME: "firewall",
      IW_OTLP_RESOURCE_ATTRIBUTES: "deployment.environment.name=prod,team=sec%20ops",
      OTEL_RESOURCE_ATTRIBUTES: "x=1",
    });
    expect(own).toMatchObject({ serviceName: "firewall", resourceAttributes: { "deployment.environment.name": "prod", team: "sec ops" } });
    const otel = parseEnv({ IW_OTLP_URL: URL_, OTEL_SERVICE_NAME: "checkout", OTEL_RESOURCE_ATTRIBUTES: "service.name=ignored,region=eu" });
    expect(otel).toMatchObject({ defaultServiceName: "checkout", resourceAttributes: { "service.name": "ignored", region: "eu" } });
    expect(otel.serviceName).toBeUndefined();
    expect(parseEnv({ IW_OTLP_URL: URL_, OTEL_RESOURCE_ATTRIBUTES: "service.name=from-attrs" }).defaultServiceName).toBe("from-attrs");
  });

  it("refuses a resource attribute list that is not key=value", () => {
    expect(refusal({ IW_OTLP_URL: URL_, IW_OTLP_RESOURCE_ATTRIBUTES: "novalue" })).toMatch(
      /IW_OTLP_RESOURCE_ATTRIBUTES: entry 1 is not key=value/,
    );
  });
});
