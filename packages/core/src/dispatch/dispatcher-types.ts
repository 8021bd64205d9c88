import type { IwEvent } from "../events/index.js";
import type { SinkStats } from "../delivery/index.js";

/** The outcome of `Dispatcher.test()` for one sink. */
export interface SinkTestReport {
  readonly sink: string;
  readonly ok: boolean;
  /** Why it failed (secrets masked); absent when `ok`. */
  readonly error?: string;
  readonly latencyMs: number;
  /** How many `[Test message]` events were sent (one per selected event type). */
  readonly events: number;
}

/**
 * What `activate()` returns: the host's only handle on delivery. `emit` is synchronous, O(1),
 * never throws and does no I/O; an emitted event belongs to the dispatcher and must not be
 * mutated afterwards.
 */
export interface Dispatcher {
  /** False when no sink is active: hosts may skip building events entirely. */
  readonly enabled: boolean;
  /** Names of the active sinks, in activation order. */
  readonly sinks: readonly string[];
  emit(event: IwEvent): void;
  /** Sends one `[Test message]` event of each selected type straight through every sink. */
  test(timeoutMs?: number): Promise<SinkTestReport[]>;
  stats(): SinkStats[];
  /** Resolves to whether everything queued was delivered or dropped in time. Never rejects. */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Flushes, then releases every sink. Idempotent; never rejects. */
  close(timeoutMs?: number): Promise<boolean>;
}
