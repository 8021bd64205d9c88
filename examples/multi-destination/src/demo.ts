import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";
import { activate } from "@iw/core";
import type { Dispatcher, Env, IwEvent, Logger } from "@iw/core";
import { startLocalCollectors } from "./collectors.js";
import type { LocalCollectors } from "./collectors.js";

/** The shipped environment file, next to `package.json`. */
export const EXAMPLE_ENV_FILE = fileURLToPath(new URL("../example.env", import.meta.url));

/** Reads a dotenv-style file (`KEY=value` lines, `#` comments) with Node's own parser. */
export function readEnvFile(path: string = EXAMPLE_ENV_FILE): Record<string, string> {
  const parsed = parseEnv(readFileSync(path, "utf8"));
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Options of {@link startDestinations}. */
export interface StartOptions {
  /** The `IW_*` variables (URLs are replaced by the local collectors'). */
  readonly env: Env;
  /** Diagnostics of activation and delivery. @default the console logger on stderr (`IW_LOG_LEVEL`) */
  readonly logger?: Logger;
}

/** The running demo: the collectors, and the host's dispatcher shipping to them. */
export interface Destinations {
  readonly collectors: LocalCollectors;
  readonly dispatcher: Dispatcher;
  /** The environment `activate()` read: `env` with the four URLs pointing at the collectors. */
  readonly env: Env;
}

/**
 * Starts the local collectors, points the four `_URL` variables at them and activates the sinks
 * from the environment alone. When activation fails (strict mode and a bad variable) the
 * collectors are closed and the error is rethrown.
 */
export async function startDestinations(options: StartOptions): Promise<Destinations> {
  const collectors = await startLocalCollectors(options.env);
  const env: Env = { ...options.env, ...collectors.urls };
  try {
    const dispatcher = await activate({ env, resolveFrom: import.meta.url, ...(options.logger ? { logger: options.logger } : {}) });
    return { collectors, dispatcher, env };
  } catch (err) {
    await collectors.close();
    throw err;
  }
}

/**
 * Emits `events` the way a server does: synchronously, `perTick` at a time, yielding to the
 * event loop in between (as requests arrive between I/O polls), so the sinks ship while the
 * host works.
 */
export async function emitPaced(dispatcher: Dispatcher, events: readonly IwEvent[], perTick = 25): Promise<void> {
  for (let i = 0; i < events.length; i++) {
    dispatcher.emit(events[i]!);
    if ((i + 1) % perTick === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
