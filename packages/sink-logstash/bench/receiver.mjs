// Client side of bench/receiver-child.mjs: a Logstash receiver in another process. The other
// sinks' benches pass their own child (same commands: start, fault, stats, clear, close).
import { fork } from "node:child_process";

export async function startReceiverProcess(childModule = new URL("./receiver-child.mjs", import.meta.url)) {
  const child = fork(childModule, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  await new Promise((resolve) => child.once("message", resolve));
  let next = 0;
  const pending = new Map();
  child.on("message", (m) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.reject(new Error(m.error));
    else p.resolve(m.result);
  });
  const call = (cmd, arg) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve, reject });
      child.send({ id, cmd, arg });
    });
  return {
    async start(options) {
      const { url } = await call("start", options);
      return {
        url,
        setFault: (fault) => call("fault", { url, fault }),
        stats: () => call("stats", { url }),
        clear: () => call("clear", { url }),
        close: () => call("close", { url }),
      };
    },
    kill: () => child.kill(),
  };
}
