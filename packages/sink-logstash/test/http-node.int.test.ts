import { afterEach, describe, expect, it } from "vitest";
import { DeliveryQueue } from "../../core/src/delivery/index.js";
import { makeTestEvents } from "@iw/testkit";
import { createLogstashSink } from "../src/index.js";
import type { LogstashSink } from "../src/index.js";
import { ctx, ids, startRawServer } from "./helpers.js";
import type { RawServer } from "./helpers.js";

let server: RawServer | undefined;
let sink: LogstashSink | undefined;
let queue: DeliveryQueue | undefined;

afterEach(async () => {
  await queue?.close(1000);
  await sink?.close();
  await server?.close();
  queue = undefined;
  sink = undefined;
  server = undefined;
});

/** Answers 200 with its headers and the start of a body, then keeps the response open forever. */
function neverEndingOk(): Promise<RawServer> {
  return startRawServer((res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"status":');
  });
}

describe("HttpNode.send", () => {
  it("takes a 2xx status line as the receipt, without waiting for a body that never ends", async () => {
    server = await neverEndingOk();
    sink = createLogstashSink({ urls: [server.url] });
    const started = Date.now();
    expect(await sink.send(makeTestEvents(3), ctx(2000))).toEqual({ status: "success" });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.requests).toHaveLength(1);
  });

  it("delivers each batch once through the queue when the 200's body never ends: no timeout, no resend", async () => {
    server = await neverEndingOk();
    sink = createLogstashSink({ urls: [server.url] });
    queue = new DeliveryQueue(sink, { maxBatchSize: 10, flushIntervalMs: 10, attemptTimeoutMs: 300, retryInitialMs: 10, retryMaxMs: 50 });
    const events = makeTestEvents(25);
    for (const event of events) queue.push(event);
    expect(await queue.flush(3000)).toBe(true);
    const stats = queue.stats();
    expect(stats).toMatchObject({ delivered: 25, retried: 0, queued: 0, inFlight: 0, lastError: null });
    expect(stats.dropped.total).toBe(0);
    expect(server.requests).toHaveLength(3);
    // Each event exactly once (two batches may be in flight at once, so in any order).
    expect(ids(server.events()).sort()).toEqual(ids(events).sort());
  });
});
