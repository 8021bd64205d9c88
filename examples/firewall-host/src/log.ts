import type { Logger } from "@iw/core";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;

/**
 * A line-per-message logger on stdout/stderr for the example host: `level message {fields}`.
 * The @iw packages log through it too (sink diagnostics, already masked).
 */
export function createHostLogger(level: keyof typeof LEVELS = "info", name = "firewall-host"): Logger {
  const min = LEVELS[level];
  const write = (lvl: keyof typeof LEVELS, message: string, fields?: Record<string, unknown>): void => {
    if (LEVELS[lvl] < min) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : "";
    const line = `[${name}] ${lvl.padEnd(5)} ${message}${extra}\n`;
    (lvl === "warn" || lvl === "error" ? process.stderr : process.stdout).write(line);
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
  };
}
