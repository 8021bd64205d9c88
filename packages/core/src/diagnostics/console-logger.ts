import { maskFields, maskSecrets } from "./env-mask.js";
import type { Logger } from "./logger.js";
import { registeredSecretValues } from "./secret-values.js";

/** A log level, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const WINDOW_MS = 60_000;
const MAX_KEYS = 500;

/** Options of {@link createConsoleLogger}. */
export interface ConsoleLoggerOptions {
  /** Lowest level written; `"off"` writes nothing. @default "info" — `IW_LOG_LEVEL` */
  readonly level?: LogLevel | "off";
  /** One JSON object or one logfmt line per message. @default "json" — `IW_LOG_FORMAT` */
  readonly format?: "json" | "logfmt";
  /** Where each line (ending in `\n`) goes. @default process.stderr.write */
  readonly write?: (line: string) => void;
  /** Lines with the same level and message per minute before they are suppressed. @default 10 */
  readonly perMinute?: number;
  /**
   * Literal secret values to mask wherever they appear, besides the ones every live activation
   * registers (the configured passwords, tokens and URL credentials of its sinks). @default none
   */
  readonly secrets?: readonly string[];
  /** Clock, for tests. @default Date.now */
  readonly now?: () => number;
}

interface Window {
  start: number;
  count: number;
  suppressed: number;
}

/**
 * The default logger of `activate()`: one JSON (or logfmt) line per message on stderr,
 * `{"time","level","logger":"iw","msg",…fields}`. Secrets are masked (URL credentials,
 * `password=…`-style pairs, secret-looking field names, the given literal values and the secret
 * values of every live activation). The same
 * level+message is written at most `perMinute` times per minute; the first line after that
 * minute says how many were suppressed. No timer is used, so it never keeps a process alive.
 */
export function createConsoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const min = options.level === "off" ? Number.POSITIVE_INFINITY : RANK[options.level ?? "info"];
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const format = options.format === "logfmt" ? logfmtLine : jsonLine;
  const perMinute = Math.max(1, options.perMinute ?? 10);
  const now = options.now ?? Date.now;
  const secrets = options.secrets ?? [];
  const windows = new Map<string, Window>();

  const log = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (RANK[level] < min) return;
    try {
      const t = now();
      const key = `${level}\u0000${message}`;
      let w = windows.get(key);
      if (w !== undefined && t - w.start >= WINDOW_MS) {
        if (w.suppressed > 0) emit(level, `suppressed ${w.suppressed} repeats of: ${message}`, { suppressed: w.suppressed }, t);
        windows.delete(key);
        w = undefined;
      }
      if (w === undefined) {
        if (windows.size >= MAX_KEYS) windows.delete(windows.keys().next().value!);
        w = { start: t, count: 0, suppressed: 0 };
        windows.set(key, w);
      }
      if (w.count >= perMinute) {
        w.suppressed++;
        return;
      }
      w.count++;
      emit(level, message, fields, t);
    } catch {
      // A logger must never throw into the code that called it.
    }
  };

  const emit = (level: LogLevel, message: string, fields: Record<string, unknown> | undefined, t: number): void => {
    const known = registeredSecretValues();
    const values = secrets.length === 0 ? known : known.length === 0 ? secrets : [...secrets, ...known];
    const masked = fields === undefined ? {} : maskFields(fields, values);
    write(format(new Date(t).toISOString(), level, maskSecrets(message, values), masked));
  };

  return {
    debug: (m, f) => log("debug", m, f),
    info: (m, f) => log("info", m, f),
    warn: (m, f) => log("warn", m, f),
    error: (m, f) => log("error", m, f),
  };
}

function jsonLine(time: string, level: LogLevel, msg: string, fields: Record<string, unknown>): string {
  // Reserved keys first (for readers) and last (so fields cannot overwrite them).
  const line: Record<string, unknown> = { time, level, logger: "iw", msg };
  return `${JSON.stringify(Object.assign(line, fields, { time, level, logger: "iw", msg }))}\n`;
}

function logfmtLine(time: string, level: LogLevel, msg: string, fields: Record<string, unknown>): string {
  let line = `time=${time} level=${level} logger=iw msg=${logfmtValue(msg)}`;
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    line += ` ${k.replace(/[^\w.-]/g, "_")}=${logfmtValue(typeof v === "string" ? v : JSON.stringify(v))}`;
  }
  return `${line}\n`;
}

function logfmtValue(s: string): string {
  return s !== "" && /^[^\s"=\\]+$/.test(s) ? s : JSON.stringify(s);
}

const LEVELS = ["debug", "info", "warn", "error", "off"] as const;
const FORMATS = ["json", "logfmt"] as const;

/**
 * Reads `IW_LOG_LEVEL` and `IW_LOG_FORMAT`. An unknown value falls back to the default and is
 * reported as the logger's first line (a warning: a log setting never keeps sinks off).
 */
export function consoleLoggerFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: Pick<ConsoleLoggerOptions, "write"> = {},
): Logger {
  const problems: string[] = [];
  const pick = <T extends string>(variable: string, allowed: readonly T[], fallback: T): T => {
    const raw = env[variable];
    const v = raw?.trim().toLowerCase() ?? "";
    if (v === "") return fallback;
    const hit = allowed.find((a) => a === v);
    if (hit !== undefined) return hit;
    problems.push(`${variable}=${JSON.stringify(raw!.slice(0, 40))} is not one of ${allowed.join(", ")}; using ${fallback}`);
    return fallback;
  };
  const level = pick("IW_LOG_LEVEL", LEVELS, "info");
  const format = pick("IW_LOG_FORMAT", FORMATS, "json");
  const logger = createConsoleLogger({ level, format, ...options });
  for (const p of problems) logger.warn(p, { variable: p.slice(0, p.indexOf("=")) });
  return logger;
}
