import { describe, expect, it } from "vitest";
import { IwConfigError } from "@iw/core";
import { createWebhookSink } from "../src/index.js";
import { resolveWebhookOptions } from "../src/options.js";
import { SECRET_A } from "./fixtures.js";

function configError(fn: () => unknown): IwConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(IwConfigError);
    return err as IwConfigError;
  }
  throw new Error("expected an IwConfigError");
}

describe("resolveWebhookOptions", () => {
  it("applies the documented defaults", () => {
    const o = resolveWebhookOptions({ url: "https://h.example/x" });
    expect(o).toMatchObject({ name: "webhook", method: "POST", format: "json", connectTimeoutMs: 20_000, headers: {}, keys: [] });
    expect(o.tls.verify).toBe(true);
    expect(o.cloudEventsSource).toMatch(/^urn:inferwall:.+/);
  });

  it("refuses a header value with CR/LF given in code", () => {
    const e = configError(() => createWebhookSink({ url: "https://h.example/x", headers: { "X-A": "ok\r\nX-Injected: 1" } }));
    expect(e.variable).toBe("IW_WEBHOOK_HEADERS");
    expect(e.message).toContain("header injection");
  });

  it("refuses a header name that is not an HTTP token, given in code", () => {
    const e = configError(() => createWebhookSink({ url: "https://h.example/x", headers: { "X Bad:Name": "v" } }));
    expect(e.variable).toBe("IW_WEBHOOK_HEADERS");
    expect(e.message).toContain('"X Bad:Name" is not a valid header name');
  });

  it("names a named instance's own variables in every check", () => {
    const base = { url: "https://h.example/x", envPrefix: "IW_WEBHOOK_SOC" };
    expect(configError(() => resolveWebhookOptions({ ...base, url: "ftp://h.example/x" })).message).toMatch(
      /^IW_WEBHOOK_SOC_URL has scheme ftp:/,
    );
    expect(configError(() => resolveWebhookOptions({ ...base, headers: { "X-A": "a\nb" } })).variable).toBe("IW_WEBHOOK_SOC_HEADERS");
    expect(configError(() => resolveWebhookOptions({ ...base, secret: "whsec_short" })).message).toContain("IW_WEBHOOK_SOC_SECRET=***");
    const pair = configError(() => resolveWebhookOptions({ ...base, cert: "PEM" }));
    expect(pair.message).toBe(
      "IW_WEBHOOK_SOC_KEY_FILE is missing: a client certificate needs both IW_WEBHOOK_SOC_CERT_FILE and IW_WEBHOOK_SOC_KEY_FILE",
    );
  });

  it.each(["webhook-signature", "Content-Type", "Host"])("refuses to let a custom header replace %s", (name) => {
    const e = configError(() => resolveWebhookOptions({ url: "https://h.example/x", headers: { [name]: "x" } }));
    expect(e.message).toContain("which the sink sets itself");
  });

  it("refuses a malformed secret, masked", () => {
    const e = configError(() => createWebhookSink({ url: "https://h.example/x", secret: [SECRET_A, "whsec_short"] }));
    expect(e.variable).toBe("IW_WEBHOOK_SECRET");
    expect(e.message).toContain("IW_WEBHOOK_SECRET=***: secret 2 of 2");
    expect(e.message).not.toContain("short");
    expect(e.message).not.toContain(SECRET_A.slice(6, 20));
  });

  it.each([
    [{ url: "not a url" }, "IW_WEBHOOK_URL"],
    [{ url: "ws://h.example/x" }, "IW_WEBHOOK_URL"],
    [{ url: "https://h.example/x", method: "GET" as "POST" }, "IW_WEBHOOK_METHOD"],
    [{ url: "https://h.example/x", format: "xml" as "json" }, "IW_WEBHOOK_FORMAT"],
    [{ url: "https://h.example/x", cert: "CERT" }, "IW_WEBHOOK_KEY_FILE"],
    [{ url: "https://h.example/x", connectTimeoutMs: 0 }, "IW_WEBHOOK_CONNECT_TIMEOUT_MS"],
    [{ url: "https://h.example/x", cloudEventsSource: "my gateway" }, "IW_WEBHOOK_CE_SOURCE"],
  ])("refuses %j naming %s", (options, variable) => {
    expect(configError(() => resolveWebhookOptions(options)).variable).toBe(variable);
  });

  it("keeps an explicit authorization header over URL credentials", () => {
    const o = resolveWebhookOptions({ url: "https://u:p@h.example/x", headers: { Authorization: "Bearer t" } });
    expect(o.headers["authorization"]).toBe("Bearer t");
  });
});
