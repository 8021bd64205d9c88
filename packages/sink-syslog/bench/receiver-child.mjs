// The strict syslog receiver (@iw/testkit) in its own process, so its parsing does not eat the
// CPU of the process being measured (as a real collector would not). Driven over IPC by
// bench/receiver.mjs.
import { startSyslogReceiver } from "@iw/testkit";

const receivers = new Map();

process.on("message", async ({ id, cmd, arg }) => {
  try {
    let result;
    if (cmd === "start") {
      const r = await startSyslogReceiver({ maxMessageBytes: 1 << 20, ...(arg ?? {}) });
      receivers.set(r.url, r);
      result = { url: r.url };
    } else {
      const r = receivers.get(arg.url);
      if (cmd === "fault") r.setFault(arg.fault);
      else if (cmd === "close") {
        await r.close();
        receivers.delete(arg.url);
      }
      // Counts only: a million events would be a lot to send over IPC.
      result = {
        messages: r.messages.length,
        distinct: r.distinctEventIds(),
        duplicates: r.duplicates(),
        violations: r.violations.length,
        datagrams: r.datagrams,
      };
      if (r.violations.length > 0) result.firstViolation = r.violations[0].reason;
    }
    process.send({ id, result });
  } catch (err) {
    process.send({ id, error: String(err?.stack ?? err) });
  }
});
process.send({ ready: true });
