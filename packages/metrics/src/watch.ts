import { DROP_REASONS, IwConfigError } from "@iw/core";
import type { Dispatcher, DropReason, SinkStats } from "@iw/core";

/** How often {@link watchSinks} reads the stats when `intervalMs` is not given. @default 1000 */
export const DEFAULT_WATCH_INTERVAL_MS = 1000;

/** Events a sink dropped for one reason since the previous check. */
export interface SinkDrop {
  readonly sink: string;
  readonly reason: DropReason;
  /** How many, since the previous check (at least 1). */
  readonly count: number;
}

/** A sink whose state differs from the previous check. */
export interface SinkStateChange {
  readonly sink: string;
  readonly from: SinkStats["state"];
  readonly to: SinkStats["state"];
  /** The sink's latest delivery problem (message masked by core), `null` if it never had one. */
  readonly lastError: SinkStats["lastError"];
}

/** Options of {@link watchSinks}. Every handler's errors are caught and ignored. */
export interface SinkWatchOptions {
  /** Called once per sink and reason that dropped events since the previous check. @default none */
  readonly onDrop?: (drop: SinkDrop) => void;
  /** Called when a sink's state differs from the previous check (`disabled` is final). @default none */
  readonly onStateChange?: (change: SinkStateChange) => void;
  /** How often the stats are read; the timer is `unref()`ed. @default 1000 (no environment variable) */
  readonly intervalMs?: number;
}

/** What {@link watchSinks} returns. */
export interface SinkWatch {
  /** Compares the stats with the previous check now and calls the handlers. Also works after `stop()`. */
  check(): void;
  /** Stops the timer. Idempotent. */
  stop(): void;
}

/**
 * Calls the host's own handlers when a sink drops events or changes state, by comparing
 * `dispatcher.stats()` every `intervalMs`: nothing runs on the emit path, and without handlers
 * (or without an active sink) no timer is started at all. What it reports is counted, never
 * guessed, but aggregated per interval: a drop arrives at most `intervalMs` late, as a count
 * per reason (core's log names the `event_id` of a `rejected` event), and a sink that went into
 * backoff and recovered within one interval is not reported. Events dropped before the watch
 * started are not reported. Call `check()` after `dispatcher.close()` to hear about the drops
 * of the shutdown (`closed`).
 *
 * @throws IwConfigError when `intervalMs` is not a positive number.
 */
export function watchSinks(dispatcher: Dispatcher, options: SinkWatchOptions): SinkWatch {
  const intervalMs = options.intervalMs ?? DEFAULT_WATCH_INTERVAL_MS;
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) {
    throw new IwConfigError(`watchSinks: intervalMs is ${String(intervalMs)}; expected a positive number of milliseconds`);
  }
  const { onDrop, onStateChange } = options;
  const previous = new Map<string, SinkStats>();
  for (const s of dispatcher.stats()) previous.set(s.sink, s);

  const check = (): void => {
    for (const now of dispatcher.stats()) {
      const before = previous.get(now.sink);
      previous.set(now.sink, now);
      if (onStateChange !== undefined && before !== undefined && before.state !== now.state) {
        safely(() => onStateChange({ sink: now.sink, from: before.state, to: now.state, lastError: now.lastError }));
      }
      if (onDrop === undefined || now.dropped.total === (before?.dropped.total ?? 0)) continue;
      for (const reason of DROP_REASONS) {
        const count = now.dropped[reason] - (before?.dropped[reason] ?? 0);
        if (count > 0) safely(() => onDrop({ sink: now.sink, reason, count }));
      }
    }
  };

  const watching = dispatcher.enabled && (onDrop !== undefined || onStateChange !== undefined);
  const timer = watching ? setInterval(check, intervalMs) : undefined;
  timer?.unref();
  return {
    check,
    stop: () => clearInterval(timer),
  };
}

function safely(call: () => void): void {
  try {
    call();
  } catch {
    // The host's handler must not stop the watch or the handlers after it.
  }
}
