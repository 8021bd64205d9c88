import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { activate, silentLogger, type Dispatcher } from "@iw/core";
import { DEFAULT_BATCH_SIZE, DEFAULT_CONCURRENCY } from "../src/options.js";
import { plugin } from "../src/index.js";
import { events, startFluentdReceiver, type FluentdReceiver } from "./helpers.js";

let receiver: FluentdReceiver | undefined;
let dispatcher: Dispatcher | undefined;
let silent: { server: Server; sockets: Set<Socket> } | undefined;
afterEach(async () => {
  await dispatcher?.close(100);
  await receiver?.close();
  if (silent !== undefined) {
    for (const socket of silent.sockets) socket.destroy();
    await new Promise((resolve) => silent?.server.close(resolve));
  }
  dispatcher = receiver = silent = undefined;
});

/** An in_forward that reads everything and never acks: each batch in flight holds a connection. */
async function startSilentForward(): Promise<{ url: string; connections: () => number }> {
  const sockets = new Set<Socket>();
  let opened = 0;
  const server = createServer((socket) => {
    opened++;
    sockets.add(socket);
    socket.on("error", () => {});
    socket.resume();
  });
  silent = { server, sockets };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `tcp://127.0.0.1:${port}`, connections: () => opened };
}

/** Emits `n` one-event batches at a collector that never acks; returns the connections opened. */
async function connectionsInFlight(extraEnv: Record<string, string>): Promise<number> {
  const collector = await startSilentForward();
  dispatcher = await activate({
    env: { IW_FLUENTD_URL: collector.url, IW_FLUENTD_BATCH_SIZE: "1", IW_FLUENTD_FLUSH_MS: "0", ...extraEnv },
    plugins: [plugin],
    logger: silentLogger,
  });
  for (const e of events(10)) dispatcher.emit(e);
  await new Promise((resolve) => setTimeout(resolve, 300));
  return collector.connections();
}

describe("activation by IW_FLUENTD_URL", () => {
  it("ships emitted events with the handshake, per-tag counts exact", async () => {
    receiver = await startFluentdReceiver({ security: { sharedKey: "k" } });
    dispatcher = await activate({
      env: { IW_FLUENTD_URL: receiver.url, IW_FLUENTD_SHARED_KEY: "k", IW_FLUENTD_TAG: "fw", IW_FLUENTD_FLUSH_MS: "10" },
      plugins: [plugin],
      logger: silentLogger,
    });
    expect(dispatcher.sinks).toEqual(["fluentd"]);
    for (const e of events(30)) dispatcher.emit(e);
    expect(await dispatcher.flush(3000)).toBe(true);
    expect(receiver.distinctTagCounts()).toEqual({ "fw.scan": 15, "fw.audit": 15 });
    const [stats] = dispatcher.stats();
    expect(stats).toMatchObject({ emitted: 30, delivered: 30, queued: 0, inFlight: 0 });
  });

  it(`keeps ${DEFAULT_CONCURRENCY} acked batches in flight by default (queueDefaults), IW_FLUENTD_CONCURRENCY overrides it`, async () => {
    expect(plugin.queueDefaults).toEqual({ maxConcurrency: DEFAULT_CONCURRENCY, maxBatchSize: DEFAULT_BATCH_SIZE });
    expect(await connectionsInFlight({})).toBe(DEFAULT_CONCURRENCY);
    await dispatcher?.close(100);
    expect(await connectionsInFlight({ IW_FLUENTD_CONCURRENCY: "2" })).toBe(2);
  });

  it(`batches ${DEFAULT_BATCH_SIZE} events by default (queueDefaults)`, async () => {
    receiver = await startFluentdReceiver();
    dispatcher = await activate({
      env: { IW_FLUENTD_URL: receiver.url, IW_FLUENTD_FLUSH_MS: "60000" },
      plugins: [plugin],
      logger: silentLogger,
    });
    for (const e of events(2500, "scan")) dispatcher.emit(e);
    expect(await dispatcher.flush(5000)).toBe(true);
    const sizes = receiver.messages.filter((m) => m.tag === "inferwall.scan").map((m) => m.entries);
    expect(Math.max(...sizes)).toBe(DEFAULT_BATCH_SIZE);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(2500);
  });
});
