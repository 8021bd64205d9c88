import { afterEach, describe, expect, it } from "vitest";
import { DeliveryQueue } from "../../core/src/delivery/index.js";
import type { IwEvent } from "@iw/core";
import { makeTestEvents } from "@iw/testkit";
import { createLogstashSink } from "../src/index.js";
import type { LogstashSink } from "../src/index.js";
import type { LogstashSinkOptions } from "../src/options.js";
import { ctx, ids, startRawServer } from "./helpers.js";
import type { RawServer } from "./helpers.js";

let servers: RawServer[] = [];
let sinks: LogstashSink[] = [];
let queue: DeliveryQueue | undefined;

afterEach(async () => {
  await queue?.close(1000);
  await Promise.all(sinks.map((s) => s.close()));
  await Promise.all(servers.map((s) => s.close()));
  queue = undefined;
  sinks = [];
  servers = [];
});

/** A server answering `statuses[i]` to request i, 200 after the list. */
async function server(...statuses: number[]): Promise<RawServer> {
  const s = await startRawServer((res, index) => {
    res.writeHead(statuses[index] ?? 200, { "content-type": "text/plain" }).end("ok");
  });
  servers.push(s);
  return s;
}

function sink(options: LogstashSinkOptions): LogstashSink {
  const s = createLogstashSink(options);
  sinks.push(s);
  return s;
}

/**
 * Events whose first one carries a `toJSON` that counts how often the batch was serialized, and
 * writes the count into the body: a second serialization would also change the bytes.
 */
function countingEvents(n: number): { events: IwEvent[]; serializations: () => number } {
  let count = 0;
  const events = makeTestEvents(n, { kind: "audit" });
  const first = events[0] as IwEvent & { details: Record<string, unknown> };
  events[0] = { ...first, details: { ...first.details, probe: { toJSON: () => ++count } } } as IwEvent;
  return { events, serializations: () => count };
}

describe("LogstashSink.prepare", () => {
  it("serializes and gzips a batch once: 503, 503, 200 put the same bytes on the wire three times", async () => {
    const logstash = await server(503, 503);
    const s = sink({ urls: [logstash.url], compression: "gzip" });
    const prepare = s.prepare.bind(s);
    let prepared = 0;
    s.prepare = (batch) => {
      prepared++;
      return prepare(batch);
    };
    queue = new DeliveryQueue(s, { maxBatchSize: 10, flushIntervalMs: 10, retryInitialMs: 10, retryMaxMs: 20 });
    const { events, serializations } = countingEvents(5);
    for (const event of events) queue.push(event);
    expect(await queue.flush(3000)).toBe(true);
    expect(queue.stats()).toMatchObject({ delivered: 5, retried: 2, inFlight: 0 });
    expect(prepared).toBe(1);
    expect(serializations()).toBe(1);
    const [first, second, third] = logstash.requests;
    expect(logstash.requests).toHaveLength(3);
    expect(first!.headers["content-encoding"]).toBe("gzip");
    expect(second!.body.equals(first!.body)).toBe(true);
    expect(third!.body.equals(first!.body)).toBe(true);
    const received = logstash.events();
    expect(ids(received.slice(10))).toEqual(ids(events));
    expect((received[10]!["details"] as { probe: number }).probe).toBe(1);
  });

  it("lists only the events it could encode, so the queue counts the others as malformed", async () => {
    const logstash = await server();
    const s = sink({ urls: [logstash.url] });
    const [a, b, c] = makeTestEvents(3);
    const bad = { ...b!, details: { n: 10n } } as unknown as IwEvent;
    expect((await s.prepare([a!, bad, c!])).events).toEqual([a, c]);
    queue = new DeliveryQueue(s, { flushIntervalMs: 10 });
    for (const event of [a!, bad, c!]) queue.push(event);
    expect(await queue.flush(3000)).toBe(true);
    const stats = queue.stats();
    expect(stats).toMatchObject({ delivered: 2, inFlight: 0 });
    expect(stats.dropped).toMatchObject({ malformed: 1, total: 1 });
    expect(ids(logstash.events())).toEqual([a!.event_id, c!.event_id]);
  });

  it("throws IW_SERIALIZE when no event of the batch can be encoded", async () => {
    const s = sink({ urls: ["http://127.0.0.1:9/"] });
    await expect(s.prepare([{ n: 1n } as unknown as IwEvent])).rejects.toMatchObject({ code: "IW_SERIALIZE" });
  });
});

describe("LogstashSink.send with several nodes", () => {
  it("fails over with the same bytes it sent to the first node, serialized once", async () => {
    const [a, b] = [await server(503), await server()];
    const s = sink({ urls: [a.url, b.url], compression: "gzip" });
    const { events, serializations } = countingEvents(4);
    expect(await s.send(events, ctx())).toEqual({ status: "success" });
    expect(serializations()).toBe(1);
    expect(a.requests).toHaveLength(1);
    expect(b.requests[0]!.body.equals(a.requests[0]!.body)).toBe(true);
    expect(ids(b.events())).toEqual(ids(events));
  });

  it("serializes once when the first node is down", async () => {
    const down = await server();
    await down.close();
    const up = await server();
    const s = sink({ urls: [down.url, up.url], compression: "gzip" });
    const { events, serializations } = countingEvents(4);
    expect(await s.send(events, ctx())).toEqual({ status: "success" });
    expect(serializations()).toBe(1);
    expect(s.nodes().map((n) => n.state)).toEqual(["down", "up"]);
    expect(ids(up.events())).toEqual(ids(events));
  });
});

describe("LogstashSink.send with a prepared payload", () => {
  it("sends the payload it is given, without serializing again", async () => {
    const logstash = await server(503);
    const s = sink({ urls: [logstash.url] });
    const { events, serializations } = countingEvents(3);
    const { payload } = await s.prepare(events);
    expect(await s.send(events, { ...ctx(), payload })).toMatchObject({ status: "retryable", reason: "server" });
    expect(await s.send(events, { ...ctx(), payload })).toEqual({ status: "success" });
    expect(serializations()).toBe(1);
    expect(logstash.requests[1]!.body.equals(logstash.requests[0]!.body)).toBe(true);
  });

  it("builds its own body when the payload comes from another sink", async () => {
    const logstash = await server();
    const gzipped = sink({ urls: [logstash.url], compression: "gzip" });
    const plain = sink({ urls: [logstash.url] });
    const events = makeTestEvents(3);
    const { payload } = await gzipped.prepare(events);
    expect(await plain.send(events, { ...ctx(), payload })).toEqual({ status: "success" });
    expect(logstash.requests[0]!.headers["content-encoding"]).toBeUndefined();
    expect(ids(logstash.events())).toEqual(ids(events));
  });
});
