import type { IwEvent } from "@iw/core";
import type { Sink } from "@iw/core/sink-kit";

/**
 * What a contract check gets from the sink author's factory: a fresh sink wired to a fresh
 * destination, a way to read what the destination received, and optional fault hooks.
 */
export interface SinkContractHarness {
  readonly sink: Sink;
  /** Everything the destination has received so far (objects carrying `event_id`). */
  received(): Promise<readonly unknown[]>;
  /** Releases the destination (servers, files). The checks close the sink themselves first. */
  cleanup(): Promise<void> | void;
  /** Makes the destination refuse connections (e.g. receiver `setFault("down")`). */
  makeUnavailable?(): Promise<void> | void;
  /** Undoes `makeUnavailable`. */
  makeAvailable?(): Promise<void> | void;
  /** Makes the destination accept requests and never answer (e.g. `setFault("blackhole")`). */
  makeUnresponsive?(): Promise<void> | void;
}

/** Builds a fresh harness; every check calls it once. */
export type SinkContractFactory = () => SinkContractHarness | Promise<SinkContractHarness>;

/** Tuning of the contract checks. */
export interface SinkContractOptions {
  /** Events per batch. @default 5 */
  readonly batchSize?: number;
  /** How long a healthy send may take. @default 10000 */
  readonly sendTimeoutMs?: number;
  /** How soon a send must resolve once its signal is aborted (or the sink is closed). @default 2000 */
  readonly promptMs?: number;
  /** How long the destination may take to show what it received. @default 5000 */
  readonly receiveTimeoutMs?: number;
  /** How long released sockets and timers may take to disappear after `close()`. @default 2000 */
  readonly closeSettleMs?: number;
  /** Builds the events sent. @default makeTestEvents */
  readonly makeEvents?: (count: number) => IwEvent[];
  /**
   * Finds the `event_id` in one received item. @default top-level `event_id`, else an
   * `event_id` one level down (a Fluentd record, CloudEvents `data`), else ECS `event.id`.
   */
  readonly eventIdOf?: (received: unknown) => string | undefined;
}

/**
 * How one check ended when it did not throw. `note` says what a check that passed could not
 * verify (a fault hook the harness lacks); `describeSinkContract` prints it as a warning.
 */
export type SinkContractOutcome =
  { readonly status: "passed"; readonly note?: string } | { readonly status: "skipped"; readonly reason: string };

/** One check of the contract, runnable with or without vitest. */
export interface SinkContractCheck {
  /** Stable identifier, e.g. `"delivers-batch"`. */
  readonly id: string;
  /** What it verifies, used as the test name. */
  readonly title: string;
  /** Throws {@link SinkContractViolation} when the sink breaks the contract. */
  run(factory: SinkContractFactory, options?: SinkContractOptions): Promise<SinkContractOutcome>;
}

/** A broken rule of the sink contract, naming the check. */
export class SinkContractViolation extends Error {
  readonly check: string;
  constructor(check: string, message: string, options?: { cause?: unknown }) {
    super(`[${check}] ${message}`, options);
    this.name = "SinkContractViolation";
    this.check = check;
  }
}
