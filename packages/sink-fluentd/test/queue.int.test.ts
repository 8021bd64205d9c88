import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { DeliveryQueue } from "../../core/src/delivery/index.js";
import type { QueueOptions } from "@iw/core";
import { createFluentdSink } from "../src/index.js";
import { countDetailReads, events, recordingLogger, startFluentdReceiver, watchPrepare, type FluentdReceiver } from "./helpers.js";

const FAST: Partial<QueueOptions> = { flushIntervalMs: 10, retryInitialMs: 20, retryMaxMs: 100, attemptTimeoutMs: 500, maxBatchSize: 50 };
/**
 * FAST, with core's pause after refused credentials cut to 50 ms. Not annotated: a queue that
 * predates the option ignores it (and retries at FAST's backoff anyway).
 */
const AUTH_FAST = { ...FAST, authPauseMs: 50 };

let receiver: FluentdReceiver | undefined;
let queue: DeliveryQueue | undefined;
let server: Server | undefined;
afterEach(async () => {
  await queue?.close(1000);
  await receiver?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  queue = receiver = server = undefined;
});

function invariant(q: DeliveryQueue): void {
  const s = q.stats();
  expect(s.emitted).toBe(s.delivered + s.dropped.total + s.queued + s.inFlight);
}

describe("Fluentd sink behind core's DeliveryQueue", () => {
  it("a receiver restarted mid-stream loses nothing with acks on", async () => {
    receiver = await startFluentdReceiver();
    queue = new DeliveryQueue(createFluentdSink({ url: new URL(receiver.url) }), FAST);
    const all = events(600);
    for (const e of all.slice(0, 200)) queue.push(e);
    await receiver.waitForEvents(1);
    await receiver.down();
    for (const e of all.slice(200, 400)) queue.push(e);
    await new Promise((r) => setTimeout(r, 200));
    await receiver.up();
    for (const e of all.slice(400)) queue.push(e);
    expect(await queue.flush(5000)).toBe(true);
    expect(receiver.distinctEvents).toBe(600);
    expect(receiver.distinctTagCounts()).toEqual({ "inferwall.scan": 300, "inferwall.audit": 300 });
    const s = queue.stats();
    expect([s.delivered, s.dropped.total]).toEqual([600, 0]);
    expect(s.retried).toBeGreaterThan(0);
    invariant(queue);
  });

  it("resets before the ack are retried under the same chunk id and the receiver sees no loss", async () => {
    receiver = await startFluentdReceiver();
    receiver.setFault({ kind: "reset_before_ack", times: 3 });
    queue = new DeliveryQueue(createFluentdSink({ url: new URL(receiver.url) }), FAST);
    for (const e of events(120, "scan")) queue.push(e);
    expect(await queue.flush(5000)).toBe(true);
    expect(receiver.distinctEvents).toBe(120);
    const dropped = receiver.messages.filter((m) => m.outcome === "dropped");
    expect(dropped).toHaveLength(3);
    const acked = new Set(receiver.messages.filter((m) => m.outcome === "acked").map((m) => m.option["chunk"]));
    for (const m of dropped) expect(acked.has(m.option["chunk"])).toBe(true);
    expect(queue.stats().retried).toBeGreaterThanOrEqual(3);
  });

  it.each(["fluentd", "fluent-bit"] as const)(
    "a wrong shared key keeps events queued and counted (%s); they arrive once the receiver is fixed",
    async (flavour) => {
      receiver = await startFluentdReceiver({ flavour, security: { sharedKey: "server-key" } });
      const log = recordingLogger();
      queue = new DeliveryQueue(
        createFluentdSink({ url: new URL(receiver.url), sharedKey: "client-key" }, { logger: log.logger }),
        AUTH_FAST,
        { logger: log.logger },
      );
      for (const e of events(40)) queue.push(e);
      expect(await queue.flush(400)).toBe(false);
      const stuck = queue.stats();
      expect(stuck.dropped.total).toBe(0);
      expect(stuck.queued + stuck.inFlight).toBe(40);
      expect(stuck.lastError?.message).toMatch(/IW_FLUENTD_SHARED_KEY/);
      invariant(queue);
      receiver.setSecurity({ sharedKey: "client-key" });
      expect(await queue.flush(3000)).toBe(true);
      expect(receiver.distinctEvents).toBe(40);
      expect(queue.stats().delivered).toBe(40);
    },
  );

  it("a wrong password keeps events queued; fixing the user on the receiver delivers them", async () => {
    receiver = await startFluentdReceiver({ security: { sharedKey: "k", users: [{ username: "iw", password: "other" }] } });
    queue = new DeliveryQueue(createFluentdSink({ url: new URL(receiver.url), sharedKey: "k", username: "iw", password: "pw" }), AUTH_FAST);
    for (const e of events(10)) queue.push(e);
    expect(await queue.flush(300)).toBe(false);
    expect(queue.stats().dropped.total).toBe(0);
    receiver.setSecurity({ sharedKey: "k", users: [{ username: "iw", password: "pw" }] });
    expect(await queue.flush(3000)).toBe(true);
    expect(receiver.distinctEvents).toBe(10);
  });

  it.each(["no_ack", "reset_before_ack"] as const)(
    "packs a batch once: the retry after %s writes the same chunk id and the same entries bytes",
    async (kind) => {
      receiver = await startFluentdReceiver();
      receiver.setFault({ kind, times: 1 });
      const sink = createFluentdSink({ url: new URL(receiver.url) });
      const batch = countDetailReads(events(30, "audit"));
      const prepare = watchPrepare(sink, batch.reads);
      queue = new DeliveryQueue(sink, { ...FAST, attemptTimeoutMs: 300 });

      for (const e of batch.events) queue.push(e);
      expect(await queue.flush(5000)).toBe(true);

      expect(receiver.messages.map((m) => m.outcome)).toEqual([kind === "no_ack" ? "stored" : "dropped", "acked"]);
      const [first, second] = receiver.messages;
      expect(second?.option["chunk"]).toBe(first?.option["chunk"]);
      expect(Buffer.from(second!.packed!).equals(Buffer.from(first!.packed!))).toBe(true);
      expect(prepare.calls()).toBe(1);
      expect(prepare.readsWhenPrepared()).toBeGreaterThanOrEqual(30);
      expect(batch.reads()).toBe(prepare.readsWhenPrepared()); // nothing encoded the events again
      expect(receiver.distinctEvents).toBe(30);
      expect(queue.stats()).toMatchObject({ delivered: 30, retried: 1 });
    },
  );

  it("in_http: a 200 whose body never ends is the receipt; the batch is delivered once, never resent", async () => {
    let requests = 0;
    server = createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("o"); // and never res.end()
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    queue = new DeliveryQueue(createFluentdSink({ url: new URL(`http://127.0.0.1:${port}`) }), { ...FAST, attemptTimeoutMs: 1000 });

    for (const e of events(10, "scan")) queue.push(e);
    expect(await queue.flush(2000)).toBe(true);
    // Past two attempt deadlines (long enough that a loaded machine still gets the status line in time).
    await new Promise((resolve) => setTimeout(resolve, 2100));

    expect(requests).toBe(1);
    const s = queue.stats();
    expect([s.delivered, s.retried, s.dropped.total]).toEqual([10, 0, 0]);
    invariant(queue);
  });

  it("in_http: the retry after a 503 sends the body built once, without encoding the events again", async () => {
    receiver = await startFluentdReceiver({ http: true });
    receiver.setFault({ kind: "http_status", status: 503, times: 1 });
    const sink = createFluentdSink({ url: new URL(receiver.httpUrl!), compression: "gzip" });
    const batch = countDetailReads(events(12, "audit"));
    const prepare = watchPrepare(sink, batch.reads);
    queue = new DeliveryQueue(sink, FAST);

    for (const e of batch.events) queue.push(e);
    expect(await queue.flush(3000)).toBe(true);

    expect(receiver.httpRequests.map((q) => q.status)).toEqual([503, 200]);
    expect(prepare.calls()).toBe(1);
    expect(batch.reads()).toBe(prepare.readsWhenPrepared());
    expect(receiver.distinctEvents).toBe(12);
    expect(queue.stats()).toMatchObject({ delivered: 12, retried: 1 });
  });

  it("close() with the collector down resolves and keeps nothing alive", async () => {
    receiver = await startFluentdReceiver();
    await receiver.down();
    queue = new DeliveryQueue(createFluentdSink({ url: new URL(receiver.url) }), FAST);
    for (const e of events(5)) queue.push(e);
    expect(await queue.close(200)).toBe(false);
    expect(queue.stats().dropped.closed).toBe(5);
  });
});
