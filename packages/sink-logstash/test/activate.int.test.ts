import { afterEach, describe, expect, it } from "vitest";
import { activate } from "@iw/core";
import type { Dispatcher } from "@iw/core";
import { makeTestEvents, startLogstashReceiver } from "@iw/testkit";
import type { LogstashReceiver } from "@iw/testkit";
import { plugin } from "../src/index.js";
import { ids, recordingLogger } from "./helpers.js";

let receiver: LogstashReceiver | undefined;
let iw: Dispatcher | undefined;

afterEach(async () => {
  await iw?.close(2000);
  await receiver?.close();
  iw = undefined;
  receiver = undefined;
});

const FAST = { IW_ELK_FLUSH_MS: "20", IW_ELK_RETRY_INITIAL_MS: "20", IW_ELK_RETRY_MAX_MS: "200" };

describe("activate() with IW_ELK_URL", () => {
  it("ships every emitted event to Logstash, and the stats add up", async () => {
    receiver = await startLogstashReceiver();
    const logger = recordingLogger();
    iw = await activate({ env: { IW_ELK_URL: receiver.url }, plugins: [plugin], logger });
    expect(iw.enabled).toBe(true);
    expect(iw.sinks).toEqual(["logstash"]);
    const events = makeTestEvents(1200);
    for (const e of events) iw.emit(e);
    expect(await iw.flush(5000)).toBe(true);
    expect(new Set(receiver.eventIds())).toEqual(new Set(ids(events)));
    expect(receiver.duplicates()).toBe(0);
    // 1200 events in batches of 500 (the default): a handful of requests, not 1200.
    expect(receiver.requests.length).toBeLessThanOrEqual(4);
    const [stats] = iw.stats();
    expect(stats).toMatchObject({ sink: "logstash", emitted: 1200, delivered: 1200, queued: 0, inFlight: 0 });
    expect(stats!.dropped.total).toBe(0);
  });

  it("rides out an outage (down, then 429 with Retry-After): everything arrives, nothing twice", async () => {
    receiver = await startLogstashReceiver();
    iw = await activate({ env: { IW_ELK_URL: receiver.url, ...FAST }, plugins: [plugin], logger: recordingLogger() });
    await receiver.setFault("down");
    const first = makeTestEvents(300);
    for (const e of first) iw.emit(e);
    await new Promise((r) => setTimeout(r, 300));
    await receiver.setFault({ mode: "status", status: 429, retryAfter: 0 });
    const second = makeTestEvents(300);
    for (const e of second) iw.emit(e);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.events).toHaveLength(0);
    await receiver.setFault("none");
    expect(await iw.flush(5000)).toBe(true);
    expect(receiver.distinctEventIds()).toBe(600);
    expect(receiver.duplicates()).toBe(0);
    const [stats] = iw.stats();
    expect(stats).toMatchObject({ emitted: 600, delivered: 600 });
    expect(stats!.retried).toBeGreaterThan(0);
  });

  it("keeps batches Logstash refuses for bad credentials queued, with one error line and no secret", async () => {
    receiver = await startLogstashReceiver({ user: "shipper", password: "right" });
    const logger = recordingLogger();
    iw = await activate({
      env: { IW_ELK_URL: receiver.url, IW_ELK_USER: "shipper", IW_ELK_PASSWORD: "wrong-secret", IW_ELK_BATCH_SIZE: "10", ...FAST },
      plugins: [plugin],
      logger,
    });
    for (const e of makeTestEvents(50)) iw.emit(e);
    expect(await iw.flush(600)).toBe(false);
    const [stats] = iw.stats();
    expect(stats).toMatchObject({ emitted: 50, delivered: 0, dropped: { total: 0 } });
    expect(stats!.queued + stats!.inFlight).toBe(50);
    expect(stats!.lastError?.code).toBe("IW_AUTH");
    expect(receiver.events).toHaveLength(0);
    expect(logger.lines.filter((l) => l.includes("refused the credentials") && l.startsWith("error"))).toHaveLength(1);
    expect(logger.text()).not.toContain("wrong-secret");
    expect(JSON.stringify(iw.stats())).not.toContain("wrong-secret");
  });

  it("delivers what a 401 held back once the collector accepts again, exactly once", async () => {
    receiver = await startLogstashReceiver();
    await receiver.setFault({ mode: "status", status: 401 }); // e.g. a proxy whose token was rotated
    const logger = recordingLogger();
    iw = await activate({ env: { IW_ELK_URL: receiver.url, IW_ELK_BATCH_SIZE: "10", ...FAST }, plugins: [plugin], logger });
    for (const e of makeTestEvents(40)) iw.emit(e);
    expect(await iw.flush(400)).toBe(false);
    expect(receiver.events).toHaveLength(0);
    await receiver.setFault("none");
    expect(await iw.flush(5000)).toBe(true);
    expect(receiver.distinctEventIds()).toBe(40);
    expect(receiver.duplicates()).toBe(0);
    expect(iw.stats()[0]).toMatchObject({ emitted: 40, delivered: 40, dropped: { total: 0 } });
    expect(logger.lines.filter((l) => l.startsWith("error") && l.includes("refused the credentials"))).toHaveLength(1);
  });

  it("keeps URL credentials out of the stats and the logs while Logstash is down", async () => {
    receiver = await startLogstashReceiver({ user: "shipper", password: "url-secret" });
    await receiver.setFault("down");
    const logger = recordingLogger();
    const url = receiver.url.replace("http://", "http://shipper:url-secret@");
    iw = await activate({ env: { IW_ELK_URL: url, ...FAST }, plugins: [plugin], logger });
    for (const e of makeTestEvents(5)) iw.emit(e);
    await new Promise((r) => setTimeout(r, 200));
    const [stats] = iw.stats();
    expect(stats!.lastError?.code).toBe("IW_NETWORK");
    expect(JSON.stringify(stats)).not.toContain("url-secret");
    expect(logger.text()).not.toContain("url-secret");
    expect(logger.text()).not.toContain(Buffer.from("shipper:url-secret").toString("base64"));
    await receiver.setFault("none");
    expect(await iw.flush(5000)).toBe(true);
    expect(receiver.events).toHaveLength(5);
  });

  it("leaves the sink off with one clear line for a bad value, and the host keeps running", async () => {
    const logger = recordingLogger();
    iw = await activate({ env: { IW_ELK_URL: "http://127.0.0.1:9/", IW_ELK_HEADERS: "X-A=1%0D%0AX-B:2" }, plugins: [plugin], logger });
    expect(iw.enabled).toBe(false);
    expect(logger.text()).toMatch(/IW_ELK_HEADERS/);
    expect(logger.text()).toMatch(/CR, LF/);
  });
});
