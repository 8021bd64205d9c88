// The Logstash receiver in its own process, so its JSON decoding does not eat the CPU of the
// process being measured (as a real Logstash would not). Driven over IPC by bench/receiver.mjs.
import { startLogstashReceiver } from "@iw/testkit";

const receivers = new Map();

process.on("message", async ({ id, cmd, arg }) => {
  try {
    let result;
    if (cmd === "start") {
      const r = await startLogstashReceiver(arg ?? {});
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
      // Counts only: a million events would be a lot to send over IPC.
      result = { events: r.events.length, requests: r.requests.length };
      if (cmd === "stats") Object.assign(result, { distinct: r.distinctEventIds(), duplicates: r.duplicates() });
    }
    process.send({ id, result });
  } catch (err) {
    process.send({ id, error: String(err?.stack ?? err) });
  }
});
process.send({ ready: true });
