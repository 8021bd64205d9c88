import { describe, expect, it } from "vitest";
import { isSecretName, maskSecrets, showValue } from "@iw/core";

describe("isSecretName", () => {
  it("treats passwords, secrets, tokens, keys and header lists as secrets, but not key files or prefixes", () => {
    for (const n of ["IW_ELK_PASSWORD", "IW_WEBHOOK_SECRET", "IW_X_TOKEN", "IW_REDACT_KEY", "IW_FLUENTD_SHARED_KEY", "IW_ELK_HEADERS", "apiKey"]) {
      expect(isSecretName(n), n).toBe(true);
    }
    for (const n of ["IW_ELK_KEY_FILE", "key_prefix", "IW_ELK_URL", "IW_ELK_USER"]) expect(isSecretName(n), n).toBe(false);
    expect(isSecretName("IW_X_PASSPHRASE", ["IW_X_PASSPHRASE"])).toBe(true);
  });
});

describe("maskSecrets / showValue", () => {
  it("masks URL credentials, secret pairs and literal values", () => {
    expect(maskSecrets("to http://u:p@h:1/x and tcp://tok@h2")).toBe("to http://***@h:1/x and tcp://***@h2");
    expect(maskSecrets('{"password":"x1","user":"bob"} secret=abc; api_key: zzz')).toBe('{"password":****,"user":"bob"} secret=****; api_key: ****');
    expect(maskSecrets("the key is k3y-k3y-k3y", ["k3y-k3y-k3y"])).toBe("the key is ****");
  });

  it("masks every byte of a password holding a raw / or @ (not percent-encoded), and leaves @ in a path alone", () => {
    expect(maskSecrets("https://elastic:pa/ss@logstash:8080")).toBe("https://***@logstash:8080");
    expect(maskSecrets("https://elastic:/ss@logstash:8080")).toBe("https://***@logstash:8080");
    expect(maskSecrets("x https://elastic:p@ss@logstash:8080,https://h2 y")).toBe("x https://***@logstash:8080,https://h2 y");
    expect(maskSecrets("https://u:p@h/a@b and http://h:1/a@b and http://[::1]:80/x@y")).toBe("https://***@h/a@b and http://h:1/a@b and http://[::1]:80/x@y");
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
    for (const text of ["a".repeat(200_000), "x.".repeat(100_000), `${"p".repeat(100_000)}password=1`, "a://".repeat(50_000), `http://${"u:".repeat(50_000)}`]) {
      const started = performance.now();
      maskSecrets(text);
      expect(performance.now() - started).toBeLessThan(500);
    }
  });
});
