import { DROP_REASONS } from "@iw/core";
import type { Dispatcher, DropReason, SinkStats, SinkTestReport } from "@iw/core";

type Editable = { -readonly [K in keyof SinkStats]?: K extends "dropped" ? Partial<Record<DropReason, number>> : SinkStats[K] };

/**
 * A dispatcher whose stats the test sets, sink by sink, for values core's engine would take a
 * long time to reach (a spool, a full budget). Counts its `stats()` calls.
 */
export class StatsDispatcher implements Dispatcher {
  readonly enabled: boolean;
  readonly sinks: readonly string[];
  statsCalls = 0;
  readonly #stats = new Map<string, Editable>();

  constructor(sinks: readonly string[] = ["logstash"]) {
    this.sinks = sinks;
    this.enabled = sinks.length > 0;
    for (const sink of sinks) this.#stats.set(sink, {});
  }

  /** Changes some of one sink's stats; the rest keep their values. */
  set(sink: string, change: Editable): void {
    this.#stats.set(sink, { ...this.#stats.get(sink), ...change, dropped: { ...this.#stats.get(sink)?.dropped, ...change.dropped } });
  }

  stats(): SinkStats[] {
    this.statsCalls++;
    return this.sinks.map((sink) => {
      const s = this.#stats.get(sink) ?? {};
      const dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, s.dropped?.[r] ?? 0])) as Record<DropReason, number>;
      const total = DROP_REASONS.reduce((n, r) => n + dropped[r], 0);
      return {
        sink,
        emitted: s.emitted ?? 0,
        delivered: s.delivered ?? 0,
        truncated: s.truncated ?? 0,
        dropped: { ...dropped, total },
        retried: s.retried ?? 0,
        queued: s.queued ?? 0,
        inFlight: s.inFlight ?? 0,
        spooled: s.spooled ?? 0,
        heldBytes: s.heldBytes ?? 0,
        budgetBytes: s.budgetBytes ?? 33_554_432,
        batchDuration: s.batchDuration ?? { boundsMs: [5, 10], counts: [0, 0, 0], count: 0, sumMs: 0 },
        state: s.state ?? "active",
        lastError: s.lastError ?? null,
        lastSuccessAt: s.lastSuccessAt ?? null,
      };
    });
  }

  emit(): void {}
  test(): Promise<SinkTestReport[]> {
    return Promise.resolve([]);
  }
  flush(): Promise<boolean> {
    return Promise.resolve(true);
  }
  close(): Promise<boolean> {
    return Promise.resolve(true);
  }
}
