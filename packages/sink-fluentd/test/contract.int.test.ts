import { describeSinkContract, startFluentdReceiver } from "@iw/testkit";
import { createFluentdSink } from "../src/index.js";

for (const mode of ["forward", "forward+handshake", "http"] as const) {
  describeSinkContract(`Fluentd sink (${mode})`, async () => {
    const security = mode === "forward+handshake" ? { sharedKey: "contract-key" } : undefined;
    const receiver = await startFluentdReceiver({ http: mode === "http", ...(security ? { security } : {}) });
    const url = mode === "http" ? receiver.httpUrl! : receiver.url;
    return {
      sink: createFluentdSink({ url: new URL(url), ...(security ? { sharedKey: security.sharedKey } : {}) }),
      received: () => Promise.resolve(receiver.records.map((r) => r.record)),
      cleanup: () => receiver.close(),
      makeUnavailable: () => receiver.down(),
      makeAvailable: () => receiver.up(),
      makeUnresponsive: () => receiver.setFault({ kind: "blackhole" }),
    };
  });
}
