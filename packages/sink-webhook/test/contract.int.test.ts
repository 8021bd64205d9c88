import { describeSinkContract } from "@iw/testkit";
import { WebhookSink } from "../src/index.js";
import type { WebhookFormat } from "../src/index.js";
import { SECRET_A } from "./fixtures.js";
import { startWebhookReceiver } from "./testkit.js";

// The published sink contract, against the strict receiver, signed, in every format.
for (const format of ["json", "ndjson", "cloudevents", "summary"] as const satisfies readonly WebhookFormat[]) {
  describeSinkContract(`webhook (${format})`, async () => {
    const receiver = await startWebhookReceiver({ secrets: [SECRET_A] });
    return {
      sink: new WebhookSink({ url: receiver.url, secret: SECRET_A, format }),
      received: () => Promise.resolve(receiver.events.map((e) => e.envelope)),
      cleanup: () => receiver.close(),
      makeUnavailable: () => receiver.setFault({ mode: "down" }),
      makeAvailable: () => receiver.setFault({ mode: "none" }),
      makeUnresponsive: () => receiver.setFault({ mode: "blackhole" }),
    };
  });
}
