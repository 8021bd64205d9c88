import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { plugin } from "../src/index.js";
import type { WebhookSinkOptions } from "../src/index.js";
import { webhookOptions } from "../src/options.js";
import { SECRET_A, SECRET_B } from "./fixtures.js";

function parse(env: Record<string, string>) {
  return plugin.options.safeParse(env);
}

function issues(env: Record<string, string>): string {
  const r = parse(env);
  expect(r.success).toBe(false);
  return JSON.stringify(r.error?.issues);
}

describe("plugin", () => {
  it("follows the plugin convention", () => {
    expect(plugin.name).toBe("webhook");
    expect(plugin.env).toBe("IW_WEBHOOK_URL");
    expect(plugin.secrets).toEqual(["IW_WEBHOOK_SECRET"]);
  });

  it("asks core for a 15 s attempt deadline, as webhook senders use", () => {
    // Core applies queueDefaults under the IW_WEBHOOK_* tuning variables (tested in core).
    expect(plugin.queueDefaults).toEqual({ attemptTimeoutMs: 15_000 });
  });
});

describe("plugin.options", () => {
  it("applies the defaults when only the URL is set", () => {
    const r = parse({ IW_WEBHOOK_URL: "https://hooks.example.com/iw", PATH: "/usr/bin" });
    expect(r.success).toBe(true);
    const o = r.data as WebhookSinkOptions;
    expect(o).toEqual({ url: "https://hooks.example.com/iw" });
    // Defaults are applied once, where options given in code get them too.
    const resolved = webhookOptions.resolve(o);
    expect(resolved).toMatchObject({
      name: "webhook",
      envPrefix: "IW_WEBHOOK",
      method: "POST",
      format: "json",
      tlsVerify: true,
      connectTimeoutMs: 20_000,
      headers: {},
    });
    expect(String(resolved.url)).toBe("https://hooks.example.com/iw");
    expect(resolved.secret).toBeUndefined();
    expect(resolved.cloudEventsSource).toMatch(/^urn:inferwall:.+/);
  });

  it("parses every variable", () => {
    const dir = mkdtempSync(join(tmpdir(), "iw-webhook-"));
    writeFileSync(join(dir, "ca.pem"), "CA");
    const r = parse({
      IW_WEBHOOK_URL: "https://hooks.example.com/iw",
      IW_WEBHOOK_METHOD: "put",
      IW_WEBHOOK_HEADERS: "X-Tenant=acme,Authorization=Bearer%20abc",
      IW_WEBHOOK_SECRET: `${SECRET_A} ${SECRET_B}`,
      IW_WEBHOOK_FORMAT: "cloudevents",
      IW_WEBHOOK_CE_SOURCE: "urn:inferwall:gw-1",
      IW_WEBHOOK_CA_FILE: join(dir, "ca.pem"),
      IW_WEBHOOK_TLS_VERIFY: "false",
      IW_WEBHOOK_CONNECT_TIMEOUT_MS: "5000",
    });
    expect(r.success).toBe(true);
    expect(r.data).toMatchObject({
      method: "PUT",
      headers: { "X-Tenant": "acme", Authorization: "Bearer abc" },
      format: "cloudevents",
      cloudEventsSource: "urn:inferwall:gw-1",
      tlsVerify: false,
      connectTimeoutMs: 5000,
      secret: `${SECRET_A} ${SECRET_B}`,
    });
    expect(String(r.data?.ca)).toBe("CA");
    // What the variables give passes the same checks as options given in code.
    const resolved = webhookOptions.resolve(r.data!);
    expect(resolved).toMatchObject({ method: "PUT", headers: { "x-tenant": "acme", authorization: "Bearer abc" } });
  });

  it("refuses a header value carrying CR/LF (header injection)", () => {
    const text = issues({ IW_WEBHOOK_URL: "https://h.example/x", IW_WEBHOOK_HEADERS: "X-A=ok%0D%0AX-Injected:%201" });
    expect(text).toContain("IW_WEBHOOK_HEADERS");
    expect(text).toContain("header injection");
  });

  it("refuses a malformed secret without echoing it", () => {
    const text = issues({ IW_WEBHOOK_URL: "https://h.example/x", IW_WEBHOOK_SECRET: "whsec_c2hvcnQ=" });
    expect(text).toContain("IW_WEBHOOK_SECRET");
    expect(text).toContain("decodes to 5 bytes");
    expect(text).not.toContain("c2hvcnQ");
  });

  it.each([
    [{ IW_WEBHOOK_URL: "ftp://h.example/x" }, "IW_WEBHOOK_URL"],
    [{ IW_WEBHOOK_URL: "https://a.example/x,https://b.example/y" }, "IW_WEBHOOK_<NAME>_URL"],
    [{ IW_WEBHOOK_URL: "https://h.example/x", IW_WEBHOOK_METHOD: "GET" }, "IW_WEBHOOK_METHOD"],
    [{ IW_WEBHOOK_URL: "https://h.example/x", IW_WEBHOOK_HEADERS: "Webhook-Signature=v1%2Cx" }, "which the sink sets itself"],
    [{ IW_WEBHOOK_URL: "https://h.example/x", IW_WEBHOOK_FORMAT: "xml" }, "IW_WEBHOOK_FORMAT"],
    [{ IW_WEBHOOK_URL: "https://h.example/x", IW_WEBHOOK_CONNECT_TIMEOUT_MS: "soon" }, "IW_WEBHOOK_CONNECT_TIMEOUT_MS"],
    [{ IW_WEBHOOK_URL: "https://h.example/x", IW_WEBHOOK_CA_FILE: "/nonexistent/ca.pem" }, "IW_WEBHOOK_CA_FILE"],
    [{ IW_WEBHOOK_URL: "https://h.example/x", IW_WEBHOOK_CERT_FILE: "/etc/hostname" }, "IW_WEBHOOK_KEY_FILE"],
  ])("refuses %j, naming %s", (env, needle) => {
    expect(issues(env)).toContain(needle);
  });

  it("describes every variable for the README table, named after its option", () => {
    const shape = (plugin.options as unknown as { in: { shape: Record<string, { description?: string }> } }).in.shape;
    expect(Object.keys(shape)).toEqual([
      "IW_WEBHOOK_URL",
      "IW_WEBHOOK_METHOD",
      "IW_WEBHOOK_HEADERS",
      "IW_WEBHOOK_SECRET",
      "IW_WEBHOOK_FORMAT",
      "IW_WEBHOOK_CE_SOURCE",
      "IW_WEBHOOK_CA_FILE",
      "IW_WEBHOOK_CERT_FILE",
      "IW_WEBHOOK_KEY_FILE",
      "IW_WEBHOOK_TLS_VERIFY",
      "IW_WEBHOOK_CONNECT_TIMEOUT_MS",
    ]);
    for (const [name, field] of Object.entries(shape)) {
      expect(field.description, name).toMatch(/\w/);
    }
  });
});
