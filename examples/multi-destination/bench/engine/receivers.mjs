// Client side of receivers-child.mjs: collectors in another process, driven over IPC.
import { fork } from "node:child_process";

export async function startCollectorProcess() {
  const child = fork(new URL("./receivers-child.mjs", import.meta.url), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  await new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (code) => reject(new Error(`collector process exited (${code}) before it was ready`)));
  });
  let seq = 0;
  const pending = new Map();
  child.on("message", (m) => {
    const p = pending.get(m.seq);
    if (p === undefined) return;
    pending.delete(m.seq);
    if (m.error) p.reject(new Error(m.error));
    else p.resolve(m.result);
  });
  child.on("exit", (code) => {
    for (const p of pending.values()) p.reject(new Error(`collector process exited (${code})`));
    pending.clear();
  });
  const call = (cmd, id, arg) =>
    new Promise((resolve, reject) => {
      const n = ++seq;
      pending.set(n, { resolve, reject });
      child.send({ seq: n, cmd, id, arg });
    });
  return {
    /** Starts a collector of `kind` (logstash, fluentd, webhook, blackhole, poison). */
    async start(kind, options) {
      const { id, url } = await call("start", undefined, { kind, options });
      return {
        url,
        /** Scan logs whose request_id starts with `prefix`: { distinct, duplicates, … }. */
        count: (prefix, missing) => call("count", id, { prefix, missing }),
        down: () => call("down", id),
        /** Listens again on the same port; resolves to the collector's Date.now() at that moment. */
        up: () => call("up", id),
        resumeMs: () => call("resume", id),
        poison: (eventId) => call("poison", id, { eventId }),
        close: () => call("close", id),
      };
    },
    stop() {
      child.disconnect();
      child.kill();
    },
  };
}
