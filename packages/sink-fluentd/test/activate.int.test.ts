import { afterEach, describe, expect, it } from "vitest";
import { activate, silentLogger, type Dispatcher } from "@iw/core";
import { plugin } from "../src/index.js";
import { events, startFluentdReceiver, type FluentdReceiver } from "./helpers.js";

let receiver: FluentdReceiver | undefined;
let dispatcher: Dispatcher | undefined;
afterEach(async () => {
  await dispatcher?.close(1000);
  await receiver?.close();
  dispatcher = receiver = undefined;
});

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
});
