// Runs the benchmark's collectors on their own event loop (a worker thread), as a real
// collector runs in its own process: their decoding and verification do not share the host's
// event loop. Protocol: workerData {webhookSecret} → posts {urls}; {op: "count", prefix} →
// posts the counts; {op: "close"} → closes and exits.
import { parentPort, workerData } from "node:worker_threads";
import { startBenchReceivers } from "./receivers.mjs";

const receivers = await startBenchReceivers(workerData);
parentPort.postMessage({ urls: receivers.urls });
parentPort.on("message", async (msg) => {
  if (msg.op === "count") parentPort.postMessage({ counts: receivers.count(msg.prefix) });
  if (msg.op === "close") {
    await receivers.close();
    parentPort.close();
  }
});
