import { Console } from "node:console";
import type { Logger } from "./logger.js";
import { silentLogger } from "./logger.js";

type Level = keyof Logger;
type Fields = Record<string, unknown> | undefined;
type Method = (...args: unknown[]) => unknown;
type Loose = Record<PropertyKey, unknown>;

const LEVELS: readonly Level[] = ["debug", "info", "warn", "error"];
// Level names of other level sets (syslog's `warning`), tried in order.
const NAMES: Readonly<Record<Level, readonly string[]>> = {
  debug: ["debug"],
  info: ["info"],
  warn: ["warn", "warning"],
  error: ["error", "err"],
};
// pino's documented, version-independent marker: `logger[Symbol.for('pino.serializers')]` is set
// on every pino logger and child (it is how the Elastic APM agent recognises pino too).
const PINO_SERIALIZERS = Symbol.for("pino.serializers");

/**
 * Adapts a host's logger to core's {@link Logger} shape `(message, fields)`, once, so the fields
 * core logs (`code`, `variable`, `sink`, …) arrive as structured fields whichever logger it is:
 *
 * - **pino** (and pino-based loggers such as Fastify's), recognised by
 *   `logger[Symbol.for("pino.serializers")]`: called as `logger.warn(fields, message)`, pino's
 *   merging-object form (a string first would make the fields printf arguments).
 * - **winston 3**, recognised by `log()`, `add()`, a `transports` array and a `levels` map: called
 *   as `logger.log({ ...fields, level, message })`, so the fields are merged even when the message
 *   holds a `%s` (winston's `warn(message, meta)` drops `meta` then), with `warning` when the
 *   logger uses syslog levels.
 * - **`console`** and `new Console(…)` (`node:console`): `console.warn("%s", message, fields)`, so a `%` in
 *   the message is never read as a format directive.
 * - anything else with `debug`/`info`/`warn`/`error(message, fields)` (core's own shape,
 *   log4js, winston 2) is returned as it is; a missing method becomes a no-op.
 *
 * `undefined` gives the silent logger. The result never throws for a missing method.
 */
export function toLogger(logger: object | undefined): Logger {
  if (logger === undefined || logger === null) return silentLogger;
  const l = logger as Loose;
  if (typeof l[PINO_SERIALIZERS] === "object") return adapt(l, (fn, m, f) => (f === undefined ? fn.call(l, m) : fn.call(l, f, m)));
  if (isWinston(l)) return winstonLogger(l);
  if (logger instanceof Console) return adapt(l, (fn, m, f) => (f === undefined ? fn.call(l, "%s", m) : fn.call(l, "%s", m, f)));
  if (LEVELS.every((level) => typeof l[level] === "function")) return logger as Logger;
  return adapt(l, (fn, m, f) => fn.call(l, m, f));
}

function isWinston(l: Loose): boolean {
  return (
    typeof l["log"] === "function" &&
    typeof l["add"] === "function" &&
    Array.isArray(l["transports"]) &&
    typeof l["levels"] === "object" &&
    l["levels"] !== null
  );
}

/** One wrapper per level around the logger's own method for it, or a no-op. */
function adapt(l: Loose, call: (fn: Method, message: string, fields: Fields) => unknown): Logger {
  const at =
    (level: Level): Logger[Level] =>
    (message, fields) => {
      // Looked up per line: pino swaps its level methods for no-ops when its level changes.
      const name = NAMES[level].find((n) => typeof l[n] === "function");
      if (name !== undefined) call(l[name] as Method, message, fields);
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

function winstonLogger(l: Loose): Logger {
  const log = l["log"] as Method;
  const at =
    (level: Level): Logger[Level] =>
    (message, fields) => {
      // Looked up per line: `logger.configure({ levels })` may change the set. A level the logger
      // does not have would make winston print its own complaint on the console.
      const name = NAMES[level].find((n) => Object.hasOwn(l["levels"] as object, n));
      if (name !== undefined) log.call(l, { ...fields, level: name, message });
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
