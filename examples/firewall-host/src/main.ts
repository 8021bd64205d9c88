import type { AddressInfo } from "node:net";
import { activate, IwError } from "@iw/core";
import { loadConfig, type HostConfig } from "./config.js";
import { HostEvents } from "./host-events.js";
import { createHostLogger } from "./log.js";
import { createFirewallServer } from "./server.js";
import { SIGNATURES } from "./signatures.js";

// Entry point: environment → activate() → listen; SIGTERM/SIGINT → drain the sinks → exit 0.

const bootLog = createHostLogger("info");
let config: HostConfig;
try {
  config = loadConfig(process.env);
} catch (err) {
  bootLog.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
}
const log = createHostLogger(config.logLevel);

let iw;
try {
  // Core stamps its own events (traffic summaries, sink lifecycle) with IW_SERVICE_NAME: give it
  // the host's default so every event names the same service.
  iw = await activate({ env: { ...process.env, IW_SERVICE_NAME: config.service }, logger: log });
} catch (err) {
  // Only IW_SINKS_STRICT=1 (or a programming error) gets here: a bad sink variable is fatal then.
  log.error(err instanceof IwError ? err.message : `activation failed: ${String(err)}`);
  process.exit(2);
}
const dispatcher = iw;
const events = new HostEvents(dispatcher, { service: config.service, host: config.eventHost === "" ? null : config.eventHost });
const server = createFirewallServer({
  dispatcher,
  keys: config.keys,
  policy: config.policy,
  rateLimitPerSec: config.rateLimitPerSec,
  events,
  logger: log,
});
const startedAt = Date.now();

events.audit("config", "policy_loaded", {
  policy: config.policy.name,
  flag_threshold: config.policy.flag,
  block_threshold: config.policy.block,
  signatures: SIGNATURES.length,
  rate_limit_per_sec: config.rateLimitPerSec,
});

server.on("error", (err) => {
  log.error(`cannot listen on ${config.host}:${config.port}: ${err.message}`);
  process.exit(1);
});
server.listen(config.port, config.host, () => {
  const { address, port } = server.address() as AddressInfo;
  const shown = address.includes(":") ? `[${address}]` : address;
  log.info(`listening on http://${shown}:${port}`, { sinks: dispatcher.sinks, policy: config.policy.name });
  if (dispatcher.sinks.length === 0)
    log.info("no sink active, so no event is built (a valid IW_ELK_URL, IW_FLUENTD_URL or IW_WEBHOOK_URL ships them)");
  if (config.generatedKey !== undefined) log.info(`demo API key (set IW_DEMO_API_KEYS to choose your own): ${config.generatedKey}`);
  events.audit("lifecycle", "start", { port, address, pid: process.pid, node: process.version });
});

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    log.warn(`${signal} again: exiting without waiting for the sinks`);
    process.exit(1);
  }
  stopping = true;
  const deadline = Date.now() + config.shutdownMs;
  log.info(`${signal}: stopping (waiting up to ${config.shutdownMs} ms for the sinks)`);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // Requests in progress get a moment to finish; after that their connections are cut.
  const cut = setTimeout(() => server.closeAllConnections(), Math.min(1000, config.shutdownMs)).unref();
  await closed;
  clearTimeout(cut);
  events.audit("lifecycle", "stop", { signal, uptime_s: Math.round((Date.now() - startedAt) / 1000) });
  const drained = await dispatcher.close(Math.max(0, deadline - Date.now()));
  let dropped = 0;
  for (const s of dispatcher.stats()) {
    dropped += s.dropped.total;
    const kept = s.spooled > 0 ? `, kept in the spool for the next start ${s.spooled}` : "";
    log.info(
      `sink ${s.sink}: emitted ${s.emitted}, delivered ${s.delivered}, dropped ${s.dropped.total}, still queued ${s.queued + s.inFlight}${kept}`,
    );
  }
  if (!dispatcher.enabled) log.info("stopped (no sink was active)");
  else if (!drained) log.warn(`stopped: the sinks did not drain within ${config.shutdownMs} ms`);
  else if (dropped > 0) log.warn(`stopped: drained, but ${dropped} event(s) were dropped (reasons on /metrics while running)`);
  else log.info("stopped: every event was delivered");
  process.exit(0);
}
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => void shutdown(signal));
}
