import { describe, expect, it } from "vitest";
import { classifyHttpStatus, parseRetryAfter, stripCredentials } from "@iw/core/sink-kit";

describe("classifyHttpStatus", () => {
  it.each([200, 201, 202, 204])("treats %i as delivered", (status) => {
    expect(classifyHttpStatus(status, {}, "logstash")).toEqual({ status: "success" });
  });

  it.each([408, 429, 500, 502, 503, 504])("retries %i", (status) => {
    expect(classifyHttpStatus(status, {}, "logstash").status).toBe("retryable");
  });

  it("does not retry 501 Not Implemented", () => {
    expect(classifyHttpStatus(501, {}, "logstash").status).toBe("failure");
  });

  it("honours Retry-After seconds on 429 and 503", () => {
    expect(classifyHttpStatus(429, { "retry-after": "7" }, "x")).toMatchObject({ status: "retryable", retryAfterMs: 7000 });
    expect(classifyHttpStatus(503, { "retry-after": ["2"] }, "x")).toMatchObject({ retryAfterMs: 2000 });
  });

  it("asks for a split on 413", () => {
    expect(classifyHttpStatus(413, {}, "x").status).toBe("too_large");
  });

  it("disables the destination on 410 Gone", () => {
    expect(classifyHttpStatus(410, {}, "x")).toMatchObject({ status: "failure", disable: true });
  });

  it.each([401, 403])("keeps the events on %i (refused credentials): retryable with reason auth, the pause left to core", (status) => {
    const r = classifyHttpStatus(status, { "retry-after": "1" }, "logstash http://127.0.0.1:8080");
    expect(r).toMatchObject({ status: "retryable", reason: "auth", error: { code: "IW_AUTH", status } });
    expect(r).not.toHaveProperty("retryAfterMs");
    expect(r.status === "retryable" && r.error.message).toMatch(
      new RegExp(`refused the credentials \\(${status}\\).*stay queued and are retried until they are accepted`),
    );
  });

  it("does not follow redirects and hides credentials in the Location it reports", () => {
    const r = classifyHttpStatus(307, { location: "https://user:pw@elsewhere.example/x" }, "webhook");
    expect(r.status).toBe("failure");
    expect(r.status === "failure" && r.error.message).toContain("https://***@elsewhere.example/x");
    expect(r.status === "failure" && r.error.message).not.toContain("pw");
  });

  it.each([400, 404, 422])("treats %i as permanent", (status) => {
    expect(classifyHttpStatus(status, {}, "x").status).toBe("failure");
  });
});

describe("parseRetryAfter", () => {
  it("reads delay-seconds and HTTP dates", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now)).toBe(0);
  });

  it("returns undefined for garbage so the caller falls back to its backoff", () => {
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter("")).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter("-1")).toBeUndefined();
  });
});

describe("stripCredentials", () => {
  it("masks user info only", () => {
    expect(stripCredentials("http://u:p@h:1/a")).toBe("http://***@h:1/a");
    expect(stripCredentials("http://h:1/a@b")).toBe("http://h:1/a@b");
    // Passwords pasted without percent-encoding: nothing of them may show.
    expect(stripCredentials("https://elastic:pa/ss@logstash:8080")).toBe("https://***@logstash:8080");
    expect(stripCredentials("https://elastic:p@ss@logstash:8080/x")).toBe("https://***@logstash:8080/x");
  });
});
