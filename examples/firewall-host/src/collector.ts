import { appendFileSync } from "node:fs";
import { startLogstashReceiver } from "@iw/testkit";
import { describeEvent } from "./collector-format.js";

// A local stand-in for Logstash: @iw/testkit's receiver behaves like logstash-input-http 4.x
// (JSON array = one event per element, ECS mode adds host.ip/http.*/url.*). It prints one line
// per event it receives and, when IW_COLLECTOR_JSONL names a file, appends each event to it.
// SIGUSR1 takes it down (its port closed: connection refused, as when Logstash is stopped) and
// SIGUSR2 brings it back on the same port, so an outage can be shown without a new URL.

const out = (line: string): boolean => process.stdout.write(`${line}\n`);
const jsonl = process.env.IW_COLLECTOR_JSONL?.trim() || undefined;
const POLL_MS = 50;

const receiver = await startLogstashReceiver();
out(`listening on ${receiver.url} (Logstash http input behaviour; Ctrl-C to stop)`);

let printed = 0;
function drain(): void {
  const events = receiver.events;
  for (; printed < events.length; printed++) {
    const event = events[printed]!;
    out(describeEvent(event));
    if (jsonl !== undefined) appendFileSync(jsonl, `${JSON.stringify(event)}\n`);
  }
}
const timer = setInterval(drain, POLL_MS);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  drain();
  const requests = receiver.requests.length;
  out(`received ${receiver.events.length} events in ${requests} requests (${receiver.duplicates()} duplicate event_ids)`);
  await receiver.close();
  process.exit(0);
}
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => void stop());

async function setDown(down: boolean): Promise<void> {
  if (stopping) return;
  drain();
  await receiver.setFault(down ? "down" : "none");
  out(down ? `down: port ${receiver.port} closed, connections refused (SIGUSR2 brings it back)` : `up again on ${receiver.url}`);
}
process.on("SIGUSR1", () => void setDown(true));
process.on("SIGUSR2", () => void setDown(false));
