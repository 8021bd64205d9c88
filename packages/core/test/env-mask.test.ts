import { describe, expect, it } from "vitest";
import { isSecretName, maskSecrets, showValue } from "../src/diagnostics/index.js";

describe("isSecretName", () => {
  it("treats passwords, secrets, tokens, keys and header lists as secrets, but not key files or prefixes", () => {
    for (const n of [
      "IW_ELK_PASSWORD",
      "IW_WEBHOOK_SECRET",
      "IW_X_TOKEN",
      "IW_REDACT_KEY",
      "IW_FLUENTD_SHARED_KEY",
      "IW_ELK_HEADERS",
      "apiKey",
    ]) {
      expect(isSecretName(n), n).toBe(true);
    }
    for (const n of ["IW_ELK_KEY_FILE", "key_prefix", "IW_ELK_URL", "IW_ELK_USER"]) expect(isSecretName(n), n).toBe(false);
    expect(isSecretName("IW_X_PASSPHRASE", ["IW_X_PASSPHRASE"])).toBe(true);
  });
});

describe("maskSecrets / showValue", () => {
  it("masks URL credentials, secret pairs and literal values", () => {
    expect(maskSecrets("to http://u:p@h:1/x and tcp://tok@h2")).toBe("to http://***@h:1/x and tcp://***@h2");
    expect(maskSecrets('{"password":"x1","user":"bob"} secret=abc; api_key: zzz')).toBe(
      '{"password":****,"user":"bob"} secret=****; api_key: ****',
    );
    expect(maskSecrets("the key is k3y-k3y-k3y", ["k3y-k3y-k3y"])).toBe("the key is ****");
  });

  it("masks every byte of a password holding a raw / or @ (not percent-encoded), and leaves @ in a path alone", () => {
    expect(maskSecrets("https://elastic:pa/ss@logstash:8080")).toBe("https://***@logstash:8080");
    expect(maskSecrets("https://elastic:/ss@logstash:8080")).toBe("https://***@logstash:8080");
    expect(maskSecrets("x https://elastic:p@ss@logstash:8080,https://h2 y")).toBe("x https://***@logstash:8080,https://h2 y");
    expect(maskSecrets("https://u:p@h/a@b and http://h:1/a@b and http://[::1]:80/x@y")).toBe(
      "https://***@h/a@b and http://h:1/a@b and http://[::1]:80/x@y",
    );
    expect(showValue("IW_ELK_URL", "https://elastic:pa/ss@logstash:8080")).toBe('"https://***@logstash:8080"');
  });

  it("shows values quoted, secrets as ****, URL credentials masked, long values cut", () => {
    expect(showValue("IW_ELK_URL", "https://a:b@h")).toBe('"https://***@h"');
    expect(showValue("IW_ELK_PASSWORD", "hunter2")).toBe("****");
    expect(showValue("IW_X_LEVEL", "a\nb")).toBe('"a\\nb"');
    expect(showValue("IW_X", "y".repeat(500))).toHaveLength(123);
  });
});

describe("maskSecrets cost", () => {
  it("stays linear on long tokens (no catastrophic backtracking)", () => {
    for (const text of [
      "a".repeat(200_000),
      "x.".repeat(100_000),
      `${"p".repeat(100_000)}password=1`,
      "a://".repeat(50_000),
      `http://${"u:".repeat(50_000)}`,
    ]) {
      const started = performance.now();
      maskSecrets(text);
      expect(performance.now() - started).toBeLessThan(500);
    }
  });
});

describe("maskSecrets: whatever a credential holds, wherever it stands", () => {
  it("masks user info holding a raw comma, quote or space, and percent-encoded ones", () => {
    const raw = 'IW_ELK_URL="http://u:p,w"x y@h:8080" is invalid';
    expect(maskSecrets(raw)).toBe('IW_ELK_URL="http://***@h:8080" is invalid');
    expect(maskSecrets("POST http://u:p%2Cw%22x%20y@h:8080/x failed")).toBe("POST http://***@h:8080/x failed");
    expect(showValue("IW_ELK_URL", "http://u:p,w'x y@h:8080")).toBe('"http://***@h:8080"');
  });

  it("masks every query value, the fragment and token-like path segments of a URL", () => {
    expect(maskSecrets("GET https://h/x?token=abc&api_key=def&sig=ghi&v=1 failed")).toBe(
      "GET https://h/x?token=****&api_key=****&sig=****&v=**** failed",
    );
    expect(maskSecrets("https://h/cb#access_token=zzz")).toBe("https://h/cb#****");
    expect(maskSecrets("https://hooks.slack.com/services/T0001/B0002/XyZ123abcDEF456ghiJKL789 answered 404")).toBe(
      "https://hooks.slack.com/services/T0001/B0002/**** answered 404",
    );
    expect(maskSecrets("https://x.webhook.office.com/webhookb2/a@b/IncomingWebhook/0123456789abcdef0123456789abcdef/guid")).toBe(
      "https://x.webhook.office.com/webhookb2/a@b/IncomingWebhook/****/guid",
    );
    expect(maskSecrets("http://logstash:8080/ingest/v1")).toBe("http://logstash:8080/ingest/v1");
  });

  it("masks credentials a collector echoes back: Authorization headers, Bearer and Basic credentials", () => {
    const body =
      'HTTP 401: {"error":"bad credentials","headers":{"authorization":"Bearer eyJhbGciOi.abc.def","x-api-key":"k-123"}} Authorization: Basic dXNlcjpwYXNzd29yZA== then Bearer t0k3n-xyz';
    const masked = maskSecrets(body);
    for (const secret of ["eyJhbGciOi", "k-123", "dXNlcjpwYXNzd29yZA", "t0k3n-xyz"]) expect(masked).not.toContain(secret);
    expect(masked).toContain('"error":"bad credentials"');
    expect(maskSecrets('WWW-Authenticate: Bearer realm="api", HTTP Basic authentication failed')).toBe(
      'WWW-Authenticate: Bearer realm="api", HTTP Basic authentication failed',
    );
  });

  it("masks configured values in their printed forms, and never shows where a short one sits in a word", () => {
    expect(maskSecrets('body {"pw":"p\\"w x"}', ['p\\"w x'])).toBe('body {"pw":"****"}');
    expect(maskSecrets("is shorter than 16 bytes", ["short"])).toBe("is shorter than 16 bytes");
    expect(maskSecrets("sent Bearerlong-secret-value1 to", ["long-secret-value1"])).toBe("sent **** to");
    expect(maskSecrets("key=short, again: short.", ["short"])).toBe("key=****, again: ****.");
  });
});
