import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { activateWithReport, IwConfigError, silentLogger } from "@iw/core";
import { createWebhookSink, plugin } from "../src/index.js";
import type { WebhookSinkOptions } from "../src/index.js";
import { webhookOptions } from "../src/options.js";
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

/** The issues of the variables, as the plugin's options schema reports them. */
function envIssues(env: Record<string, string>): { path: string; message: string }[] {
  const r = plugin.options.safeParse({ IW_WEBHOOK_URL: "https://h.example/x", ...env });
  expect(r.success).toBe(false);
  return (r.error?.issues ?? []).map((i) => ({ path: String(i.path[0]), message: i.message }));
}

const PEM_DIR = mkdtempSync(join(tmpdir(), "iw-webhook-options-"));
const CERT_FILE = join(PEM_DIR, "cert.pem");
writeFileSync(CERT_FILE, "-----BEGIN CERTIFICATE-----\n");

describe("webhookOptions.resolve", () => {
  it("applies the documented defaults", () => {
    const o = webhookOptions.resolve({ url: "https://h.example/x" });
    expect(o).toMatchObject({
      name: "webhook",
      envPrefix: "IW_WEBHOOK",
      method: "POST",
      format: "json",
      connectTimeoutMs: 20_000,
      headers: {},
      tlsVerify: true,
    });
    expect(o.url).toBeInstanceOf(URL);
    expect(o.secret).toBeUndefined();
    expect(o.cloudEventsSource).toMatch(/^urn:inferwall:.+/);
  });

  it("keeps an explicit authorization header over URL credentials", () => {
    const o = webhookOptions.resolve({ url: "https://u:p@h.example/x", headers: { Authorization: "Bearer t" } });
    expect(o.headers["authorization"]).toBe("Bearer t");
  });

  it("takes no secret from an empty list or string: requests are unsigned", () => {
    expect(webhookOptions.resolve({ url: "https://h.example/x", secret: [] }).secret).toBeUndefined();
    expect(webhookOptions.resolve({ url: "https://h.example/x", secret: "" }).secret).toBeUndefined();
  });
});

describe("createWebhookSink refuses bad options in code, in the variables' words", () => {
  it("refuses a header value with CR/LF", () => {
    const e = configError(() => createWebhookSink({ url: "https://h.example/x", headers: { "X-A": "ok\r\nX-Injected: 1" } }));
    expect(e.variable).toBe("IW_WEBHOOK_HEADERS");
    expect(e.message).toMatch(/^IW_WEBHOOK_HEADERS is invalid: the value for X-A contains CR, LF .*header injection/);
  });

  it("refuses a header name that is not an HTTP token", () => {
    const e = configError(() => createWebhookSink({ url: "https://h.example/x", headers: { "X Bad:Name": "v" } }));
    expect(e.variable).toBe("IW_WEBHOOK_HEADERS");
    expect(e.message).toContain('"X Bad:Name" is not a valid header name');
  });

  it.each(["webhook-signature", "Content-Type", "Host"])("refuses to let a custom header replace %s", (name) => {
    const e = configError(() => createWebhookSink({ url: "https://h.example/x", headers: { [name]: "x" } }));
    expect(e.variable).toBe("IW_WEBHOOK_HEADERS");
    expect(e.message).toMatch(new RegExp(`^IW_WEBHOOK_HEADERS sets ${name}, which the sink sets itself`));
  });

  it("refuses a malformed secret without printing any of it", () => {
    const e = configError(() => createWebhookSink({ url: "https://h.example/x", secret: [SECRET_A, "whsec_short"] }));
    expect(e.variable).toBe("IW_WEBHOOK_SECRET");
    expect(e.message).toMatch(/^IW_WEBHOOK_SECRET is invalid: secret 2 of 2 is not valid base64 after "whsec_"; expected one or more/);
    expect(e.message).not.toContain("short");
    expect(e.message).not.toContain(SECRET_A.slice(6, 20));
  });

  it("refuses several URLs in one, pointing to named instances", () => {
    const e = configError(() => createWebhookSink({ url: "https://a.example/x,https://b.example/y" }));
    expect(e.variable).toBe("IW_WEBHOOK_URL");
    expect(e.message).toMatch(/^IW_WEBHOOK_URL holds several URLs; give one, and use IW_WEBHOOK_<NAME>_URL for more destinations/);
    // A comma inside one URL is not several URLs, nor is a URL object.
    expect(webhookOptions.resolve({ url: "https://h.example/x?tags=a,b" }).url.search).toBe("?tags=a,b");
    expect(webhookOptions.resolve({ url: new URL("https://h.example/x?next=a,https://b.example/") }).url.host).toBe("h.example");
  });

  it.each([
    [{ url: "not a url" }, "IW_WEBHOOK_URL"],
    [{ url: "ws://h.example/x" }, "IW_WEBHOOK_URL"],
    [{ url: "https://h.example/x", method: "GET" as "POST" }, "IW_WEBHOOK_METHOD"],
    [{ url: "https://h.example/x", format: "xml" as "json" }, "IW_WEBHOOK_FORMAT"],
    [{ url: "https://h.example/x", cert: "CERT" }, "IW_WEBHOOK_KEY_FILE"],
    [{ url: "https://h.example/x", key: "KEY" }, "IW_WEBHOOK_CERT_FILE"],
    [{ url: "https://h.example/x", connectTimeoutMs: 0 }, "IW_WEBHOOK_CONNECT_TIMEOUT_MS"],
    [{ url: "https://h.example/x", cloudEventsSource: "my gateway" }, "IW_WEBHOOK_CE_SOURCE"],
    [{ url: "https://h.example/x", secret: 42 as unknown as string }, "IW_WEBHOOK_SECRET"],
    [{ url: "https://h.example/x", secret: null as unknown as string }, "IW_WEBHOOK_SECRET"],
    [{ url: "https://h.example/x", secret: [SECRET_A, 7] as unknown as string[] }, "IW_WEBHOOK_SECRET"],
  ])("refuses %j naming %s", (options, variable) => {
    const e = configError(() => createWebhookSink(options));
    expect(e.variable).toBe(variable);
    expect(e.message.startsWith(`${variable} `)).toBe(true);
    expect(e.message).toContain("; expected ");
  });
});

describe("options in code and variables run the same checks", () => {
  const secretTooShort = `whsec_${Buffer.alloc(8, 1).toString("base64")}`;
  it.each<[string, WebhookSinkOptions, Record<string, string>, string]>([
    [
      "a client certificate without its key",
      { url: "https://h.example/x", cert: "PEM" },
      { IW_WEBHOOK_CERT_FILE: CERT_FILE },
      "IW_WEBHOOK_KEY_FILE",
    ],
    [
      "a header the sink sets",
      { url: "https://h.example/x", headers: { "Webhook-Signature": "v1,x" } },
      { IW_WEBHOOK_HEADERS: "Webhook-Signature=v1%2Cx" },
      "IW_WEBHOOK_HEADERS",
    ],
    [
      "a header the HTTP client sets",
      { url: "https://h.example/x", headers: { Expect: "100-continue" } },
      { IW_WEBHOOK_HEADERS: "Expect=100-continue" },
      "IW_WEBHOOK_HEADERS",
    ],
    [
      "a secret too short",
      { url: "https://h.example/x", secret: secretTooShort },
      { IW_WEBHOOK_SECRET: secretTooShort },
      "IW_WEBHOOK_SECRET",
    ],
    [
      "a secret without its prefix",
      { url: "https://h.example/x", secret: "c2VjcmV0" },
      { IW_WEBHOOK_SECRET: "c2VjcmV0" },
      "IW_WEBHOOK_SECRET",
    ],
    [
      "a CloudEvents source with spaces",
      { url: "https://h.example/x", cloudEventsSource: "my gateway" },
      { IW_WEBHOOK_CE_SOURCE: "my gateway" },
      "IW_WEBHOOK_CE_SOURCE",
    ],
    [
      "several URLs",
      { url: "https://a.example/x,https://b.example/y" },
      { IW_WEBHOOK_URL: "https://a.example/x,https://b.example/y" },
      "IW_WEBHOOK_URL",
    ],
    ["a scheme other than http(s)", { url: "ftp://h.example/x" }, { IW_WEBHOOK_URL: "ftp://h.example/x" }, "IW_WEBHOOK_URL"],
  ])("refuses %s with the same reason on the same variable", (_, options, env, variable) => {
    const issues = envIssues(env);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe(variable);
    const e = configError(() => createWebhookSink(options));
    expect(e.variable).toBe(variable);
    const said = /^(is|has|holds|sets|contains) /.test(issues[0]!.message) ? issues[0]!.message : `is invalid: ${issues[0]!.message}`;
    expect(e.message.startsWith(`${variable} ${said}; expected `)).toBe(true);
    // Neither path ever prints a secret.
    expect(e.message + JSON.stringify(issues)).not.toContain(secretTooShort.slice(6));
  });
});

describe("a named instance's variables", () => {
  const base = { url: "https://h.example/x", envPrefix: "IW_WEBHOOK_SOC" };

  it("are named in every check of options given in code", () => {
    expect(configError(() => createWebhookSink({ ...base, url: "ftp://h.example/x" })).message).toMatch(
      /^IW_WEBHOOK_SOC_URL is invalid: ftp:\/\/h\.example\/x: scheme ftp: is not supported; expected /,
    );
    expect(configError(() => createWebhookSink({ ...base, headers: { "X-A": "a\nb" } })).variable).toBe("IW_WEBHOOK_SOC_HEADERS");
    expect(configError(() => createWebhookSink({ ...base, headers: { "Content-Type": "text/plain" } })).message).toMatch(
      /^IW_WEBHOOK_SOC_HEADERS sets Content-Type, which the sink sets itself/,
    );
    const secret = configError(() => createWebhookSink({ ...base, secret: "whsec_short" }));
    expect(secret.variable).toBe("IW_WEBHOOK_SOC_SECRET");
    expect(secret.message).toMatch(/^IW_WEBHOOK_SOC_SECRET is invalid: the secret is not valid base64/);
    const pair = configError(() => createWebhookSink({ ...base, cert: "PEM" }));
    expect(pair.variable).toBe("IW_WEBHOOK_SOC_KEY_FILE");
    expect(pair.message).toMatch(
      /^IW_WEBHOOK_SOC_KEY_FILE is unset while IW_WEBHOOK_SOC_CERT_FILE is set, which needs it; expected PEM private key of IW_WEBHOOK_SOC_CERT_FILE/,
    );
    expect(configError(() => createWebhookSink({ ...base, cloudEventsSource: "a b" })).variable).toBe("IW_WEBHOOK_SOC_CE_SOURCE");
  });

  it("are named when activation refuses them, a secret never printed", async () => {
    const bad = `whsec_${Buffer.alloc(8, 1).toString("base64")}`;
    const report = await activateWithReport({
      plugins: [plugin],
      logger: silentLogger,
      env: {
        IW_WEBHOOK_SOC_URL: "https://h.example/x",
        IW_WEBHOOK_SOC_CERT_FILE: CERT_FILE,
        IW_WEBHOOK_OPS_URL: "https://h.example/y",
        IW_WEBHOOK_OPS_SECRET: bad,
        IW_WEBHOOK_NOC_URL: "https://h.example/z",
        IW_WEBHOOK_NOC_HEADERS: "Webhook-Id=x",
      },
    });
    await report.dispatcher.close();
    expect(report.dispatcher.sinks).toEqual([]);
    const text = report.errors.map((e) => e.message).join("\n");
    expect(text).toMatch(/IW_WEBHOOK_SOC_KEY_FILE.*is unset while IW_WEBHOOK_SOC_CERT_FILE is set, which needs it/);
    expect(text).toMatch(/IW_WEBHOOK_OPS_SECRET.*the secret decodes to 8 bytes/);
    expect(text).toMatch(/IW_WEBHOOK_NOC_HEADERS.*sets Webhook-Id, which the sink sets itself/);
    expect(text).not.toContain(bad.slice(6));
  });
});
