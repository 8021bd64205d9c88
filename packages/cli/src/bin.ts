#!/usr/bin/env node
import { main } from "./main.js";

// The first Ctrl-C stops what runs (listen prints its counts, a check gives up); a second one exits.
const controller = new AbortController();
const interrupt = (): void => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
};
process.on("SIGINT", interrupt);
process.on("SIGTERM", interrupt);

const code = await main(process.argv.slice(2), { signal: controller.signal });
process.exitCode = code;
process.off("SIGINT", interrupt);
process.off("SIGTERM", interrupt);
// A sink's socket or a keep-alive pool must not keep a finished command alive.
setTimeout(() => process.exit(code), 2000).unref();
