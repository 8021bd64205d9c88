import type { Dispatcher, DropReason, IwEvent, SinkStats, SinkTestReport } from "@iw/core";
import { DROP_REASONS } from "@iw/core";

/**
 * A Dispatcher that keeps every emitted event in memory and reports one sink's stats, so the
 * server can be tested without core's delivery engine. `enabled: false` mimics no active sink.
 */
export class FakeDispatcher implements Dispatcher {
  readonly enabled: boolean;
  readonly sinks: readonly string[];
  readonly events: IwEvent[] = [];
  closed = false;
  state: SinkStats["state"] = "active";
  delivered = 0;
  retried = 0;
  /** Events held only in the disk spool. */
  spooled = 0;
  /** Dropped events by reason (the rest are 0). */
  dropped: Partial<Record<DropReason, number>> = { queue_full: 2 };

  constructor(options: { enabled?: boolean; sink?: string } = {}) {
    this.enabled = options.enabled ?? true;
    this.sinks = this.enabled ? [options.sink ?? "memory"] : [];
  }

  emit(event: IwEvent): void {
    this.events.push(event);
  }

  /** What `test()` answers for each sink. */
  testReport: Omit<SinkTestReport, "sink"> = { ok: true, latencyMs: 3.2, events: 3 };

  test(): Promise<SinkTestReport[]> {
    return Promise.resolve(this.sinks.map((sink) => ({ sink, ...this.testReport })));
  }

  stats(): SinkStats[] {
    return this.sinks.map((sink) => {
      const dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, this.dropped[r] ?? 0])) as Record<DropReason, number>;
      const total = DROP_REASONS.reduce((n, r) => n + dropped[r], 0);
      return {
        sink,
        emitted: this.events.length + total + this.spooled,
        delivered: this.delivered,
        truncated: 0,
        dropped: { ...dropped, total },
        retried: this.retried,
        queued: this.events.length - this.delivered,
        inFlight: 0,
        spooled: this.spooled,
        heldBytes: 0,
        budgetBytes: 33_554_432,
        batchDuration: { boundsMs: [5, 10], counts: [0, 0, 0], count: 0, sumMs: 0 },
        state: this.state,
        lastError: null,
        lastSuccessAt: null,
      };
    });
  }

  flush(): Promise<boolean> {
    return Promise.resolve(true);
  }

  close(): Promise<boolean> {
    this.closed = true;
    return Promise.resolve(true);
  }
}
