import { describeSinkContract, startLogstashReceiver } from "@iw/testkit";
import { silentLogger } from "@iw/core";
import { createLogstashSink } from "../src/index.js";

for (const [label, env] of [
  ["iw format", { format: "iw" }],
  ["ecs format, gzip, two nodes", { format: "ecs", compression: "gzip", twoNodes: true }],
] as const) {
  describeSinkContract(`Logstash sink (${label})`, async () => {
    const receiver = await startLogstashReceiver();
    const other = "twoNodes" in env ? await startLogstashReceiver() : undefined;
    const urls = other === undefined ? [receiver.url] : [receiver.url, other.url];
    const sink = createLogstashSink(
      { urls, format: env.format, ...("compression" in env ? { compression: env.compression } : {}) },
      { logger: silentLogger },
    );
    return {
      sink,
      received: () => Promise.resolve([...receiver.events, ...(other?.events ?? [])]),
      cleanup: async () => {
        await receiver.close();
        await other?.close();
      },
      makeUnavailable: async () => {
        await receiver.setFault("down");
        await other?.setFault("down");
      },
      makeAvailable: async () => {
        await receiver.setFault("none");
        await other?.setFault("none");
      },
      makeUnresponsive: async () => {
        await receiver.setFault("blackhole");
        await other?.setFault("blackhole");
      },
    };
  });
}
