import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { makeTestEvents, startLogstashReceiver } from "../src/index.js";
import type { LogstashReceiver } from "../src/index.js";
import { postJson, rawRequest } from "./http-client.js";

let receiver: LogstashReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function start(): Promise<LogstashReceiver> {
  receiver = await startLogstashReceiver();
  return receiver;
}

function errorCode(err: unknown): string | undefined {
  return (err as { code?: string }).code;
}

describe("Logstash receiver: fault modes", () => {
  it("down refuses connections, and comes back up on the same port", async () => {
    const r = await start();
    const { port, url } = r;
    await r.setFault("down");
    const refused = await postJson(url, { a: 1 }).catch((err: unknown) => err);
    expect(errorCode(refused)).toBe("ECONNREFUSED");
    await r.setFault("none");
    expect(r.port).toBe(port);
    expect((await postJson(url, { a: 1 })).status).toBe(200);
  });

  it("down destroys connections already open, requests in flight included", async () => {
    const r = await start();
    await r.setFault({ mode: "slow", delayMs: 2000 });
    const inFlight = postJson(r.url, { a: 1 }).catch((err: unknown) => err);
    await expect.poll(() => r.pendingRequests).toBe(1);
    await r.setFault("down");
    expect(errorCode(await inFlight)).toBe("ECONNRESET");
    expect(r.openConnections).toBe(0);
  });

  it("blackhole accepts the connection and reads the request but never answers", async () => {
    const r = await start();
    await r.setFault("blackhole");
    const started = Date.now();
    const hung = await postJson(r.url, makeTestEvents(2), { timeoutMs: 300 }).catch((err: unknown) => err);
    expect((hung as Error).name).toBe("AbortError");
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(r.events).toHaveLength(0);
  });

  it("blackhole applies to requests on connections opened before it, and can be lifted", async () => {
    const r = await start();
    const socket = connect(r.port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    await expect.poll(() => r.openConnections).toBe(1);
    await r.setFault("blackhole");
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{"a": 1}\n');
    await expect.poll(() => r.requests.length).toBe(1);
    expect(r.requests[0]).toMatchObject({ outcome: "blackholed", bytes: 9, status: undefined });
    socket.destroy();
    await r.setFault("none");
    expect((await postJson(r.url, { a: 2 })).status).toBe(200);
  });

  it("slow answers after the delay", async () => {
    const r = await start();
    await r.setFault({ mode: "slow", delayMs: 250 });
    const started = Date.now();
    expect((await postJson(r.url, { a: 1 })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it("slow still records the events of a client that gave up: a retry duplicates them", async () => {
    const r = await start();
    const batch = makeTestEvents(3);
    await r.setFault({ mode: "slow", delayMs: 300 });
    const gaveUp = await postJson(r.url, batch, { timeoutMs: 100 }).catch((err: unknown) => err);
    expect((gaveUp as Error).name).toBe("AbortError");
    await r.setFault("none");
    expect((await postJson(r.url, batch)).status).toBe(200);
    await r.waitForEvents(6, 2000);
    expect(r.distinctEventIds()).toBe(3);
    expect(r.duplicates()).toBe(3);
    expect(r.requests[0]!.outcome).toBe("client_aborted");
  });

  it("status answers 429 with Retry-After for the next N requests, then recovers", async () => {
    const r = await start();
    await r.setFault({ mode: "status", status: 429, retryAfter: 7, count: 2 });
    const first = await postJson(r.url, { a: 1 });
    expect(first.status).toBe(429);
    expect(first.headers["retry-after"]).toBe("7");
    expect((await postJson(r.url, { a: 2 })).status).toBe(429);
    expect(r.fault).toEqual({ mode: "none" });
    expect((await postJson(r.url, { a: 3 })).status).toBe(200);
    expect(r.events.map((e) => e["a"])).toEqual([3]);
  });

  it.each([500, 503, 401, 413])("status %i is answered until changed, recording nothing", async (status) => {
    const r = await start();
    await r.setFault({ mode: "status", status });
    for (let i = 0; i < 3; i++) expect((await postJson(r.url, { a: i })).status).toBe(status);
    expect(r.events).toHaveLength(0);
    await r.setFault("none");
    expect((await postJson(r.url, { a: 9 })).status).toBe(200);
  });

  it("reset destroys the socket after part of the body, without answering", async () => {
    const r = await start();
    await r.setFault({ mode: "reset", afterBytes: 1000 });
    // Large enough to span many socket reads, so the reset lands mid-body.
    const body = JSON.stringify(makeTestEvents(40, { textRepeat: 1000 }));
    const err = await rawRequest(r.url, { headers: { "content-type": "application/json" }, body }).catch((e: unknown) => e);
    expect(["ECONNRESET", "EPIPE"]).toContain(errorCode(err));
    expect(r.requests[0]).toMatchObject({ outcome: "reset", status: undefined });
    expect(r.requests[0]!.bytes).toBeGreaterThanOrEqual(1000);
    expect(r.requests[0]!.bytes).toBeLessThan(Buffer.byteLength(body));
    expect(r.events).toHaveLength(0);
  });

  it("close() ends blackholed and slow requests and leaves no socket open", async () => {
    const r = await start();
    await r.setFault("blackhole");
    const a = postJson(r.url, { a: 1 }, { timeoutMs: 5000 }).catch((err: unknown) => err);
    await expect.poll(() => r.openConnections).toBe(1);
    await r.setFault({ mode: "slow", delayMs: 5000 });
    await r.close();
    await r.close();
    expect(errorCode(await a)).toBe("ECONNRESET");
    expect(r.openConnections).toBe(0);
    const refused = await postJson(r.url, { a: 1 }).catch((err: unknown) => err);
    expect(errorCode(refused)).toBe("ECONNREFUSED");
  });
});
