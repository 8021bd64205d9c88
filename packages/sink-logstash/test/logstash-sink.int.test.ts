import { afterEach, describe, expect, it } from "vitest";
import type { IwEvent } from "@iw/core";
import { makeTestEvents, startLogstashReceiver } from "@iw/testkit";
import type { LogstashReceiver } from "@iw/testkit";
import type { LogstashSink } from "../src/index.js";
import { ctx, ids, recordingLogger, sinkFromEnv } from "./helpers.js";

let receiver: LogstashReceiver | undefined;
let sink: LogstashSink | undefined;

afterEach(async () => {
  await sink?.close();
  await receiver?.close();
  sink = undefined;
  receiver = undefined;
});

describe("LogstashSink.send", () => {
  it("posts one JSON array per batch and Logstash makes one event of each element", async () => {
    receiver = await startLogstashReceiver();
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url });
    const batch = makeTestEvents(10);
    expect(await sink.send(batch, ctx())).toEqual({ status: "success" });
    expect(receiver.requests).toHaveLength(1);
    const req = receiver.requests[0]!;
    expect(req).toMatchObject({ method: "POST", url: "/", status: 200 });
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers["content-encoding"]).toBeUndefined();
    expect(ids(receiver.events)).toEqual(ids(batch));
  });

  it("keeps every InferenceWall field as it is", async () => {
    receiver = await startLogstashReceiver();
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url });
    const [scan, audit] = makeTestEvents(2);
    await sink.send([scan!, audit!], ctx());
    for (const [sent, got] of [
      [scan!, receiver.events[0]!],
      [audit!, receiver.events[1]!],
    ] as const) {
      for (const [key, value] of Object.entries(sent)) expect(got[key], key).toEqual(value);
    }
  });

  it("sends a string host as host.name, so Logstash's ECS mode can add host.ip", async () => {
    receiver = await startLogstashReceiver({ ecs: true });
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url });
    const batch = makeTestEvents(4, { extra: { host: "web-1", service: "firewall" } });
    expect(await sink.send(batch, ctx())).toEqual({ status: "success" });
    expect(receiver.events[0]!["host"]).toEqual({ name: "web-1", ip: "127.0.0.1" });
    expect(receiver.events[0]!["service"]).toBe("firewall");
    expect(batch[0]!.host).toBe("web-1");
  });

  it("gzips the body with IW_ELK_COMPRESSION=gzip", async () => {
    receiver = await startLogstashReceiver();
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url, IW_ELK_COMPRESSION: "gzip" });
    const batch = makeTestEvents(50);
    expect(await sink.send(batch, ctx())).toEqual({ status: "success" });
    const req = receiver.requests[0]!;
    expect(req.headers["content-encoding"]).toBe("gzip");
    expect(req.bytes).toBeLessThan(JSON.stringify(batch).length / 3);
    expect(ids(receiver.events)).toEqual(ids(batch));
  });

  it("uses PUT with IW_ELK_METHOD=PUT and keeps the URL path", async () => {
    receiver = await startLogstashReceiver();
    sink = sinkFromEnv({ IW_ELK_URL: `${receiver.url}ingest/iw?x=1`, IW_ELK_METHOD: "PUT" });
    await sink.send(makeTestEvents(1), ctx());
    expect(receiver.requests[0]).toMatchObject({ method: "PUT", url: "/ingest/iw?x=1", status: 200 });
  });

  it("sends every custom header", async () => {
    receiver = await startLogstashReceiver();
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url, IW_ELK_HEADERS: "X-Tenant=acme,X-Env=prod%20eu,X-Trace=a%3Db" });
    await sink.send(makeTestEvents(1), ctx());
    expect(receiver.requests[0]!.headers).toMatchObject({ "x-tenant": "acme", "x-env": "prod eu", "x-trace": "a=b" });
  });

  it("sends ECS documents with IW_ELK_FORMAT=ecs, nothing under url.* or http.*", async () => {
    receiver = await startLogstashReceiver({ ecs: false });
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url, IW_ELK_FORMAT: "ecs" });
    const batch = makeTestEvents(2);
    expect(await sink.send(batch, ctx())).toEqual({ status: "success" });
    const doc = receiver.events[0]!;
    expect(doc["@timestamp"]).toBe(batch[0]!.timestamp);
    expect(doc["event"]).toMatchObject({ id: batch[0]!.event_id, category: ["intrusion_detection"] });
    for (const e of receiver.events) {
      expect(e["url"]).toBeUndefined();
      expect(e["http"]).toBeUndefined();
      expect(e["user_agent"]).toBeUndefined();
    }
  });

  it("reuses its keep-alive connections across batches", async () => {
    receiver = await startLogstashReceiver();
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url });
    for (let i = 0; i < 20; i++) expect((await sink.send(makeTestEvents(3), ctx())).status).toBe("success");
    expect(receiver.requests).toHaveLength(20);
    // undici's pool may open a second socket for back-to-back requests; never one per request.
    expect(receiver.openConnections).toBeLessThanOrEqual(2);
  });

  it("leaves out an event that cannot be serialized, sends the rest and says how many", async () => {
    receiver = await startLogstashReceiver();
    const logger = recordingLogger();
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url }, logger);
    const batch = makeTestEvents(3);
    const bad = { ...batch[1]!, details: { n: 10n } } as unknown as IwEvent;
    const result = await sink.send([batch[0]!, bad, batch[2]!], ctx());
    expect(result).toEqual({ status: "success", malformed: 1 });
    expect(ids(receiver.events)).toEqual([batch[0]!.event_id, batch[2]!.event_id]);
    expect(logger.text()).toMatch(/left out 1 event\(s\) that cannot be serialized as JSON \(.*BigInt/);
  });

  it("fails the batch with reason serialize, and no request, when no event can be serialized", async () => {
    receiver = await startLogstashReceiver();
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url });
    const result = await sink.send([{ n: 1n } as unknown as IwEvent], ctx());
    expect(result).toMatchObject({ status: "failure", reason: "serialize", error: { code: "IW_SERIALIZE" } });
    expect(receiver.requests).toHaveLength(0);
  });

  it("answers success for an empty batch without a request", async () => {
    receiver = await startLogstashReceiver();
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url });
    expect(await sink.send([], ctx())).toEqual({ status: "success" });
    expect(receiver.requests).toHaveLength(0);
  });
});

describe("LogstashSink.close", () => {
  it("is idempotent, closes the connections, and later sends fail with IW_CLOSED", async () => {
    receiver = await startLogstashReceiver();
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url });
    await sink.send(makeTestEvents(1), ctx());
    await Promise.all([sink.close(), sink.close()]);
    await expect.poll(() => receiver!.openConnections).toBe(0);
    const result = await sink.send(makeTestEvents(1), ctx());
    expect(result).toMatchObject({ status: "failure", reason: "closed", error: { code: "IW_CLOSED" } });
  });
});
