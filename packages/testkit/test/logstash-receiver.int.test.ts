import { deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { makeTestEvents, startLogstashReceiver } from "../src/index.js";
import type { LogstashReceiver, LogstashReceiverOptions } from "../src/index.js";
import { postJson, rawRequest } from "./http-client.js";

let receiver: LogstashReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function start(options?: LogstashReceiverOptions): Promise<LogstashReceiver> {
  receiver = await startLogstashReceiver(options);
  return receiver;
}

describe("Logstash receiver: decoding", () => {
  it("answers 200 `ok` text/plain on any method and path", async () => {
    const r = await start();
    for (const [method, path] of [
      ["POST", "/"],
      ["PUT", "/any/path?x=1"],
    ] as const) {
      const res = await rawRequest(r.url, { method, path, headers: { "content-type": "application/json" }, body: "{}" });
      expect(res).toMatchObject({ status: 200, body: "ok" });
      expect(res.headers["content-type"]).toBe("text/plain");
    }
    expect(r.requests.map((q) => [q.method, q.url, q.status])).toEqual([
      ["POST", "/", 200],
      ["PUT", "/any/path?x=1", 200],
    ]);
  });

  it("splits a top-level JSON array into one event per element, keeping event_id", async () => {
    const r = await start();
    const batch = makeTestEvents(4);
    await postJson(r.url, batch);
    expect(r.events.map((e) => e["event_id"])).toEqual(batch.map((e) => e.event_id));
    expect(r.requests[0]).toMatchObject({ eventCount: 4, status: 200, outcome: "answered" });
    expect(r.events[0]).toMatchObject({ "@version": "1", log_type: "scan", decision: "block" });
    expect(typeof r.events[0]!["@timestamp"]).toBe("string");
  });

  it("picks the json codec by MIME type, ignoring parameters such as charset", async () => {
    const r = await start();
    await rawRequest(r.url, { headers: { "content-type": "application/json; charset=utf-8" }, body: '[{"a":1},{"a":2}]' });
    expect(r.events.map((e) => e["a"])).toEqual([1, 2]);
  });

  it("accepts invalid JSON with 200 and tags the raw text _jsonparsefailure", async () => {
    const r = await start();
    const res = await rawRequest(r.url, { headers: { "content-type": "application/json" }, body: '{"broken": ' });
    expect(res.status).toBe(200);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ message: '{"broken": ', tags: ["_jsonparsefailure"] });
  });

  it("tags NDJSON sent as application/json _jsonparsefailure (one event, not two)", async () => {
    const r = await start();
    await rawRequest(r.url, { headers: { "content-type": "application/json" }, body: '{"a":1}\n{"a":2}\n' });
    expect(r.events).toHaveLength(1);
    expect(r.events[0]!["tags"]).toEqual(["_jsonparsefailure"]);
  });

  it("tags a JSON scalar or an array of scalars _jsonparsefailure, and makes no event of []", async () => {
    const r = await start();
    await rawRequest(r.url, { headers: { "content-type": "application/json" }, body: "[1,2]" });
    await rawRequest(r.url, { headers: { "content-type": "application/json" }, body: '"text"' });
    await rawRequest(r.url, { headers: { "content-type": "application/json" }, body: "[]" });
    expect(r.events.map((e) => e["tags"])).toEqual([["_jsonparsefailure"], ["_jsonparsefailure"]]);
    expect(r.requests.map((q) => q.status)).toEqual([200, 200, 200]);
  });

  it("makes one plain event of any other content type (and of a bodiless request)", async () => {
    const r = await start();
    await rawRequest(r.url, { headers: { "content-type": "application/x-ndjson" }, body: '{"a":1}\n{"a":2}\n' });
    await rawRequest(r.url, { method: "GET" });
    expect(r.events.map((e) => e["message"])).toEqual(['{"a":1}\n{"a":2}\n', ""]);
    expect(r.events[0]!["event"]).toEqual({ original: '{"a":1}\n{"a":2}\n' });
  });

  it("decodes NDJSON only when configured with codec json_lines", async () => {
    const r = await start({ codec: "json_lines" });
    await rawRequest(r.url, { headers: { "content-type": "application/x-ndjson" }, body: '{"a":1}\n\n{"a":2}' });
    expect(r.events.map((e) => e["a"])).toEqual([1, 2]);
  });

  it("reads the body in the Content-Type charset", async () => {
    const r = await start();
    await rawRequest(r.url, {
      headers: { "content-type": "application/json; charset=ISO-8859-1" },
      body: Buffer.from('{"name":"caf\xe9"}', "latin1"),
    });
    expect(r.events[0]!["name"]).toBe("café");
  });
});

describe("Logstash receiver: ECS mode", () => {
  it("overwrites host.ip, url.*, http.* and user_agent.original with the request's data", async () => {
    const r = await start();
    const own = {
      event_id: "e1",
      url: { path: "/mine", domain: "mine" },
      http: { method: "MINE" },
      user_agent: { original: "mine" },
      host: { name: "fw-1", ip: "10.0.0.1" },
    };
    await postJson(r.url, own, { path: "/ingest", headers: { "user-agent": "iw-test/1" } });
    expect(r.events[0]).toMatchObject({
      host: { name: "fw-1", ip: "127.0.0.1" },
      url: { path: "/ingest", domain: "127.0.0.1", port: r.port },
      http: { method: "POST", version: "HTTP/1.1", request: { mime_type: "application/json" } },
      user_agent: { original: "iw-test/1" },
    });
    expect(r.events[0]!["headers"]).toBeUndefined();
  });

  it("answers 500 when an event has a string `host` (Logstash cannot set [host][ip]), keeping the events before it", async () => {
    const r = await start();
    const res = await postJson(r.url, [{ event_id: "ok" }, { event_id: "bad", host: "fw-1" }, { event_id: "never" }]);
    expect(res.status).toBe(500);
    expect(r.events.map((e) => e["event_id"])).toEqual(["ok"]);
  });

  it("with ecs disabled sets `host` to the client IP and `headers`, without Authorization", async () => {
    const r = await start({ ecs: false, user: "u", password: "p" });
    await postJson(
      r.url,
      { event_id: "e1", host: "fw-1" },
      { headers: { authorization: `Basic ${Buffer.from("u:p").toString("base64")}` } },
    );
    expect(r.events[0]!["host"]).toBe("127.0.0.1");
    expect(r.events[0]!["headers"]).toMatchObject({ request_method: "POST", content_type: "application/json", http_version: "HTTP/1.1" });
    expect(r.events[0]!["headers"]).not.toHaveProperty("authorization");
  });
});

describe("Logstash receiver: compression, size, auth, pending limit", () => {
  it("inflates gzip and deflate (zlib or raw) bodies", async () => {
    const r = await start();
    const body = JSON.stringify([{ n: 1 }, { n: 2 }]);
    for (const [encoding, data] of [
      ["gzip", gzipSync(body)],
      ["deflate", deflateSync(body)],
      ["deflate", deflateRawSync(body)],
    ] as const) {
      const res = await rawRequest(r.url, { headers: { "content-type": "application/json", "content-encoding": encoding }, body: data });
      expect(res.status).toBe(200);
    }
    expect(r.events.map((e) => e["n"])).toEqual([1, 2, 1, 2, 1, 2]);
    expect(r.requests[0]!.bytes).toBe(gzipSync(body).length);
  });

  it("answers 400 to a body that does not inflate, recording nothing", async () => {
    const r = await start();
    const truncated = gzipSync(JSON.stringify(makeTestEvents(3))).subarray(0, 30);
    for (const body of [Buffer.from("not gzip at all"), truncated]) {
      const res = await rawRequest(r.url, { headers: { "content-type": "application/json", "content-encoding": "gzip" }, body });
      expect(res.status).toBe(400);
    }
    expect(r.events).toHaveLength(0);
  });

  it("answers 413 above maxContentLength, measured after decompression", async () => {
    const r = await start({ maxContentLength: 1000 });
    const big = JSON.stringify([{ pad: "x".repeat(2000) }]);
    expect((await rawRequest(r.url, { headers: { "content-type": "application/json" }, body: big })).status).toBe(413);
    expect(
      (await rawRequest(r.url, { headers: { "content-type": "application/json", "content-encoding": "gzip" }, body: gzipSync(big) }))
        .status,
    ).toBe(413);
    expect((await rawRequest(r.url, { headers: { "content-type": "application/json" }, body: '{"small":1}' })).status).toBe(200);
    expect(r.events).toHaveLength(1);
  });

  it("answers 401 with the Basic realm to a request without credentials, 401 to wrong ones", async () => {
    const r = await start({ user: "shipper", password: "s3cret" });
    const none = await postJson(r.url, { a: 1 });
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toBe('Basic realm="Logstash HTTP Input"');
    const wrong = await postJson(
      r.url,
      { a: 1 },
      { headers: { authorization: `Basic ${Buffer.from("shipper:nope").toString("base64")}` } },
    );
    expect(wrong.status).toBe(401);
    const right = await postJson(
      r.url,
      { a: 1 },
      { headers: { authorization: `Basic ${Buffer.from("shipper:s3cret").toString("base64")}` } },
    );
    expect(right.status).toBe(200);
    expect(r.events).toHaveLength(1);
  });

  it("answers 429 at once when maxPendingRequests requests are being processed", async () => {
    const r = await start({ maxPendingRequests: 2 });
    await r.setFault({ mode: "slow", delayMs: 800 });
    const held = [postJson(r.url, { n: 1 }), postJson(r.url, { n: 2 })];
    await expect.poll(() => r.pendingRequests).toBe(2);
    await r.setFault("none");
    const started = Date.now();
    const rejected = await postJson(r.url, { n: 3 });
    expect(rejected.status).toBe(429);
    expect(Date.now() - started).toBeLessThan(300);
    expect((await Promise.all(held)).map((x) => x.status)).toEqual([200, 200]);
    expect(r.events.map((e) => e["n"])).toEqual([1, 2]);
    expect((await postJson(r.url, { n: 4 })).status).toBe(200);
  });

  it("answers 429 and closes the connection while a request has been blocked past the threshold", async () => {
    const r = await start({ blockedThresholdMs: 100 });
    await r.setFault({ mode: "slow", delayMs: 600 });
    const held = postJson(r.url, { n: 1 });
    await expect.poll(() => r.pendingRequests).toBe(1);
    await new Promise((res) => setTimeout(res, 150));
    const rejected = await postJson(r.url, { n: 2 });
    expect(rejected.status).toBe(429);
    expect(rejected.headers["connection"]).toBe("close");
    expect((await held).status).toBe(200);
  });

  it("answers the configured response code; 204 without a body", async () => {
    const r = await start({ responseCode: 204 });
    const res = await postJson(r.url, { a: 1 });
    expect(res).toMatchObject({ status: 204, body: "" });
    expect(r.events).toHaveLength(1);
  });

  it("counts distinct event ids and duplicates, and waits for events", async () => {
    const r = await start();
    const batch = makeTestEvents(3);
    const waiting = r.waitForEvents(6, 2000);
    await postJson(r.url, batch);
    await postJson(r.url, batch.slice(0, 2));
    await postJson(r.url, [{ event_id: "other" }]);
    expect(await waiting).toHaveLength(6);
    expect(r.distinctEventIds()).toBe(4);
    expect(r.duplicates()).toBe(2);
    await expect(r.waitForEvents(99, 50)).rejects.toThrow(/99 events.*got 6/);
  });
});
