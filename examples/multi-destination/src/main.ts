// The demo: four destinations configured from environment variables only, local collectors
// standing in for the real ones, a realistic mix of scan logs and audit events, then where each
// event went and each sink's counters.
//
//   pnpm --filter @iw/example-multi-destination build && pnpm --filter @iw/example-multi-destination start
//
// Variables come from the process environment first, then from example.env (which never
// overrides a variable already set). IW_DEMO_REQUESTS sets the number of simulated requests.
import { existsSync } from "node:fs";
import { loadEnvFile } from "node:process";
import { DESTINATIONS } from "./collectors.js";
import { EXAMPLE_ENV_FILE, emitPaced, startDestinations } from "./demo.js";
import { routingTable, statsTable } from "./tally.js";
import { buildTraffic } from "./traffic.js";

const out = (line = ""): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  if (existsSync(EXAMPLE_ENV_FILE)) loadEnvFile(EXAMPLE_ENV_FILE);
  const requests = Number(process.env["IW_DEMO_REQUESTS"] ?? 500);
  if (!Number.isInteger(requests) || requests < 1)
    throw new Error(`IW_DEMO_REQUESTS=${process.env["IW_DEMO_REQUESTS"]} is invalid; expected a whole number from 1; default 500`);

  const { collectors, dispatcher } = await startDestinations({ env: process.env });
  try {
    out(`Active sinks: ${dispatcher.sinks.join(", ") || "none"}`);
    for (const [variable, url] of Object.entries(collectors.urls)) out(`  ${variable} → ${url} (local collector)`);
    const events = buildTraffic({ requests });
    const started = performance.now();
    await emitPaced(dispatcher, events);
    const emitMs = performance.now() - started;
    const drained = await dispatcher.close(10_000);
    out(
      `\nEmitted ${events.length} events for ${requests} requests in ${emitMs.toFixed(1)} ms; close() ${drained ? "drained every queue" : "gave up on some events"}.\n`,
    );

    const received = collectors.received();
    const ordered = new Map(DESTINATIONS.map((name) => [name, received.get(name) ?? []]));
    out("Which event went where (distinct event_ids each collector accepted; core adds lifecycle and summary events):\n");
    out(routingTable(events, ordered));
    out("\nEach sink's counters (dispatcher.stats()):\n");
    out(statsTable(dispatcher.stats()));
    const refused = [...collectors.chat.requests, ...collectors.soar.requests].filter((r) => r.status >= 300).length;
    out(`\nWebhook requests refused by the receivers (bad signature, stale timestamp, bad payload): ${refused}`);
    return drained && refused === 0 ? 0 : 1;
  } finally {
    await dispatcher.close(1000);
    await collectors.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
