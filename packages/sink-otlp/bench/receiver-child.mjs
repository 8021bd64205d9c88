// The OTLP receiver (@iw/testkit, the official proto definitions through protobufjs) in its own
// process, so its decoding does not eat the CPU of the process being measured, as a real
// Collector would not. Keeps only each record's log.record.uid. Driven over IPC by receiver.mjs.
import { startOtlpReceiver } from "@iw/testkit";

const receivers = new Map();

process.on("message", async ({ id, cmd, arg }) => {
  try {
    let result;
    if (cmd === "start") {
      const r = await startOtlpReceiver({ keepRecords: false, ...(arg ?? {}) });
      receivers.set(r.url, r);
      result = { url: r.url };
    } else {
      const r = receivers.get(arg.url);
      if (cmd === "fault") await r.setFault(arg.fault);
      else if (cmd === "clear") r.clear();
      else if (cmd === "close") {
        await r.close();
        receivers.delete(arg.url);
      }
      result = { records: r.recordCount, requests: r.requests.length };
      if (cmd === "stats") Object.assign(result, { distinct: r.distinctEventIds(), duplicates: r.duplicates() });
    }
    process.send({ id, result });
  } catch (err) {
    process.send({ id, error: String(err?.stack ?? err) });
  }
});
process.send({ ready: true });
