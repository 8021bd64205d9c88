import { describe, expect, it } from "vitest";
import { plugin } from "../src/index.js";
import type { LogstashSinkOptions } from "../src/index.js";
import { logstashOptions } from "../src/options.js";

function parse(env: Record<string, string>) {
  return plugin.options.safeParse(env);
}

function issues(env: Record<string, string>): string {
  const r = parse(env);
  expect(r.success).toBe(false);
  return JSON.stringify(r.error?.issues);
}

describe("plugin", () => {
  it("is activated by IW_ELK_URL and masks IW_ELK_PASSWORD", () => {
    expect(plugin).toMatchObject({ name: "logstash", env: "IW_ELK_URL", secrets: ["IW_ELK_PASSWORD"] });
  });

  it("describes every variable for the README table", () => {
    const shape = (plugin.options as unknown as { in: { shape: Record<string, { description?: string }> } }).in.shape;
    for (const [name, field] of Object.entries(shape)) expect(field.description, name).toMatch(/\w/);
  });
});

describe("plugin.options", () => {
  it("needs nothing but IW_ELK_URL and applies the defaults", () => {
    const r = parse({ IW_ELK_URL: "http://logstash:8080", OTHER: "x" });
    expect(r.success).toBe(true);
    const o = r.data as LogstashSinkOptions;
    expect(o).toEqual({ urls: ["http://logstash:8080"] });
    // Defaults are applied once, where options given in code get them too.
    const resolved = logstashOptions.resolve(o);
    expect(resolved.urls.map(String)).toEqual(["http://logstash:8080/"]);
    expect(resolved).toMatchObject({
      method: "POST",
      headers: {},
      tlsVerify: true,
      connectTimeoutMs: 5000,
      compression: "none",
      format: "iw",
    });
  });

  it("reads every variable", () => {
    const r = parse({
      IW_ELK_URL: "https://a:8080, https://b:8080/ingest",
      IW_ELK_METHOD: "put",
      IW_ELK_HEADERS: "X-Tenant=acme,X-Env=prod%20eu",
      IW_ELK_USER: "shipper",
      IW_ELK_PASSWORD: "pw",
      IW_ELK_TLS_VERIFY: "false",
      IW_ELK_CONNECT_TIMEOUT_MS: "1500",
      IW_ELK_COMPRESSION: "gzip",
      IW_ELK_FORMAT: "ecs",
    });
    expect(r.success).toBe(true);
    expect(r.data).toMatchObject({
      method: "PUT",
      headers: { "X-Tenant": "acme", "X-Env": "prod eu" },
      user: "shipper",
      password: "pw",
      tlsVerify: false,
      connectTimeoutMs: 1500,
      compression: "gzip",
      format: "ecs",
    });
    expect(r.data!.urls).toHaveLength(2);
  });

  it("refuses a header value with CR/LF, naming the variable", () => {
    const text = issues({ IW_ELK_URL: "http://l:8080", IW_ELK_HEADERS: "X-A=ok%0D%0AInjected:%201" });
    expect(text).toContain("IW_ELK_HEADERS");
    expect(text).toMatch(/CR, LF/);
  });

  it("refuses headers the sink controls", () => {
    expect(issues({ IW_ELK_URL: "http://l:8080", IW_ELK_HEADERS: "Content-Type=text/plain" })).toMatch(
      /"message":"sets Content-Type, which the sink sets itself; remove it","path":\["IW_ELK_HEADERS"\]/,
    );
  });

  it("refuses a password without a user, without printing the password", () => {
    const text = issues({ IW_ELK_URL: "http://l:8080", IW_ELK_PASSWORD: "hunter2-secret" });
    expect(text).toContain("IW_ELK_USER");
    expect(text).not.toContain("hunter2-secret");
  });

  it("refuses a client certificate without its key", () => {
    expect(issues({ IW_ELK_URL: "https://l:8080", IW_ELK_CERT_FILE: new URL(import.meta.url).pathname })).toContain("IW_ELK_KEY_FILE");
  });

  it("refuses an unreadable CA file, naming the variable", () => {
    const r = parse({ IW_ELK_URL: "https://l:8080", IW_ELK_CA_FILE: "/nonexistent/ca.pem" });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(["IW_ELK_CA_FILE"]);
  });

  it.each([
    ["IW_ELK_URL", "ftp://l:21"],
    ["IW_ELK_URL", "not a url"],
    ["IW_ELK_METHOD", "GET"],
    ["IW_ELK_COMPRESSION", "br"],
    ["IW_ELK_FORMAT", "ndjson"],
    ["IW_ELK_TLS_VERIFY", "maybe"],
    ["IW_ELK_CONNECT_TIMEOUT_MS", "0"],
  ])("refuses %s=%s with an issue on that variable", (variable, value) => {
    const r = parse({ IW_ELK_URL: "http://l:8080", [variable]: value });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual([variable]);
  });

  it("refuses Authorization in IW_ELK_HEADERS together with IW_ELK_USER", () => {
    const text = issues({
      IW_ELK_URL: "http://l:8080",
      IW_ELK_USER: "u",
      IW_ELK_PASSWORD: "p",
      IW_ELK_HEADERS: "Authorization=Bearer%20x",
    });
    expect(text).toMatch(/Authorization while IW_ELK_USER/);
  });
});
