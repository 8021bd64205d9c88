import { uuidv7 } from "@iw/core";
import type { Logger, SendContext } from "@iw/core";

/** A send context with a real deadline, as the delivery queue passes it. */
export function ctx(timeoutMs = 2000, batchId: string = uuidv7(), attempt = 1): SendContext {
  return { signal: AbortSignal.timeout(timeoutMs), attempt, batchId };
}

/** A logger that keeps every line, to assert on what an operator would read. */
export function recordingLogger(): Logger & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
