// Client side of bench/receiver-child.mjs: an OTLP receiver in another process, driven as the
// Logstash bench drives its own.
import { startReceiverProcess as start } from "../../sink-logstash/bench/receiver.mjs";

export async function startReceiverProcess() {
  const processes = await start(new URL("./receiver-child.mjs", import.meta.url));
  return {
    ...processes,
    async start(options) {
      const receiver = await processes.start(options);
      return { ...receiver, logsUrl: `${receiver.url}/v1/logs` };
    },
  };
}
