import { describe, expect, it } from "vitest";
import { IwConfigError } from "@iw/core";
import { loadConfig } from "../src/config.js";
import { KeyStore } from "../src/auth.js";
import { RateLimiter } from "../src/rate-limit.js";

describe("loadConfig", () => {
  it("defaults to port 8000 on 127.0.0.1, the default policy and one generated iwk_scan_ key", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8000, host: "127.0.0.1", rateLimitPerSec: 50, shutdownMs: 5000, service: "firewall-host" });
    expect(config.policy).toEqual({ name: "default", flag: 5, block: 10 });
    expect(config.generatedKey).toMatch(/^iwk_scan_[0-9a-f]{32}$/);
    expect(config.keys).toEqual([config.generatedKey]);
  });

  it("reads comma-separated keys from IW_DEMO_API_KEYS and generates none", () => {
    const config = loadConfig({ IW_DEMO_API_KEYS: " iwk_scan_aaaaaaaaaaaa , iwk_ops_bbbbbbbbbbbb ", IW_DEMO_POLICY: "strict", PORT: "0" });
    expect(config.keys).toEqual(["iwk_scan_aaaaaaaaaaaa", "iwk_ops_bbbbbbbbbbbb"]);
    expect(config.generatedKey).toBeUndefined();
    expect(config.policy.name).toBe("strict");
    expect(config.port).toBe(0);
  });

  it.each([
    [
      { IW_DEMO_API_KEYS: "sk_live_supersecretvalue" },
      /IW_DEMO_API_KEYS holds an invalid key "sk_live_s…"; expected "iwk_"/,
      "IW_DEMO_API_KEYS",
    ],
    [{ PORT: "80a" }, /PORT="80a" is invalid; expected an integer from 0 to 65535/, "PORT"],
    [{ IW_DEMO_RATE_LIMIT: "-1" }, /IW_DEMO_RATE_LIMIT="-1" is invalid/, "IW_DEMO_RATE_LIMIT"],
    [{ IW_DEMO_POLICY: "lax" }, /IW_DEMO_POLICY="lax" is invalid; expected one of default, strict, permissive/, "IW_DEMO_POLICY"],
  ])("rejects %j with a message naming the variable", (env, message, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(IwConfigError);
    expect((error as IwConfigError).message).toMatch(message);
    expect((error as IwConfigError).variable).toBe(variable);
    expect((error as Error).message).not.toContain("supersecret");
  });
});

describe("KeyStore", () => {
  it("accepts configured keys only", () => {
    const keys = new KeyStore(["iwk_scan_aaaaaaaaaaaa", "iwk_scan_bbbbbbbbbbbb"]);
    expect(keys.has("iwk_scan_bbbbbbbbbbbb")).toBe(true);
    expect(keys.has("iwk_scan_bbbbbbbbbbbc")).toBe(false);
    expect(keys.has("")).toBe(false);
  });
});

describe("RateLimiter", () => {
  it("allows a burst of one second's worth per key, then refills at the rate", () => {
    let now = 0;
    const limiter = new RateLimiter(3, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take("a"))).toEqual([true, true, true, false]);
    expect(limiter.take("b")).toBe(true);
    expect(limiter.retryAfterSec("a")).toBe(1);
    now = 340;
    expect(limiter.take("a")).toBe(true);
    expect(limiter.take("a")).toBe(false);
  });

  it("never limits when the rate is 0", () => {
    const limiter = new RateLimiter(0);
    expect(Array.from({ length: 1000 }, () => limiter.take("a")).every(Boolean)).toBe(true);
  });
});
