import { describe, expect, it } from "vitest";
import { decodeLogstashBody } from "../src/index.js";
import type { DecodeInputForTest } from "./codec-input.js";
import { input } from "./codec-input.js";

function decode(overrides: Partial<DecodeInputForTest>): ReturnType<typeof decodeLogstashBody> {
  return decodeLogstashBody(input(overrides));
}

describe("decodeLogstashBody", () => {
  it("keeps a valid @timestamp and moves an invalid one to _@timestamp with a tag", () => {
    const { events } = decode({ body: Buffer.from('[{"@timestamp":"2026-04-06T12:00:00Z"},{"@timestamp":"yesterday"}]') });
    expect(events[0]!["@timestamp"]).toBe("2026-04-06T12:00:00Z");
    expect(events[1]).toMatchObject({ "_@timestamp": "yesterday", tags: ["_timestampparsefailure"] });
  });

  it("fails on a string `url`, `http` or `user_agent` in ECS mode, as it does on `host`", () => {
    for (const field of ["url", "http", "user_agent", "host"]) {
      const headers = { "content-type": "application/json", host: "127.0.0.1:8080", "user-agent": "ua" };
      const { events, error } = decode({ headers, body: Buffer.from(JSON.stringify({ [field]: "mine" })) });
      expect(error?.message).toMatch(/Could not set field '\w+' on object '"mine"'/);
      expect(events).toHaveLength(0);
    }
  });

  it("sets user_agent.original only when the request has a User-Agent", () => {
    const { events, error } = decode({ body: Buffer.from('{"user_agent":"mine"}') });
    expect(error).toBeUndefined();
    expect(events[0]!["user_agent"]).toBe("mine");
  });

  it("replaces a null parent instead of failing", () => {
    const { events, error } = decode({ body: Buffer.from('{"host":null}') });
    expect(error).toBeUndefined();
    expect(events[0]!["host"]).toEqual({ ip: "127.0.0.1" });
  });

  it("compares the MIME type exactly: `Application/JSON` falls back to the plain codec", () => {
    const { events } = decode({ headers: { "content-type": "Application/JSON" }, body: Buffer.from('{"a":1}') });
    expect(events[0]).toMatchObject({ message: '{"a":1}' });
  });

  it("json_lines turns each line into events and tags a bad line alone", () => {
    const { events } = decode({
      codec: "json_lines",
      headers: { "content-type": "application/x-ndjson" },
      body: Buffer.from('{"a":1}\n[{"a":2},{"a":3}]\nnope\n'),
    });
    expect(events.map((e) => e["a"] ?? e["tags"])).toEqual([1, 2, 3, ["_jsonparsefailure"]]);
  });

  it("with ECS off writes the input's header names", () => {
    const { events } = decode({
      ecs: false,
      headers: { "content-type": "application/json", host: "127.0.0.1:8080", "user-agent": "ua", "x-custom-header": "v" },
    });
    expect(events[0]!["headers"]).toEqual({
      content_type: "application/json",
      http_host: "127.0.0.1:8080",
      http_user_agent: "ua",
      x_custom_header: "v",
      request_method: "POST",
      request_path: "/",
      http_version: "HTTP/1.1",
    });
  });
});
