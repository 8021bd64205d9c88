import { describeSinkContract, startOtlpReceiver } from "@iw/testkit";
import { silentLogger } from "@iw/core";
import { createOtlpSink } from "../src/index.js";
import type { OtlpCompression, OtlpProtocol } from "../src/index.js";

for (const [protocol, compression] of [
  ["http/protobuf", "none"],
  ["http/json", "gzip"],
] as const satisfies readonly (readonly [OtlpProtocol, OtlpCompression])[]) {
  describeSinkContract(`OTLP sink (${protocol}, ${compression})`, async () => {
    const receiver = await startOtlpReceiver();
    const sink = createOtlpSink({ url: receiver.url, protocol, compression }, { logger: silentLogger });
    return {
      sink,
      // Each record carries its event_id as log.record.uid; the receiver surfaces it as event_id.
      received: () => Promise.resolve(receiver.records),
      cleanup: () => receiver.close(),
      makeUnavailable: () => receiver.setFault("down"),
      makeAvailable: () => receiver.setFault("none"),
      makeUnresponsive: () => receiver.setFault("blackhole"),
    };
  });
}
