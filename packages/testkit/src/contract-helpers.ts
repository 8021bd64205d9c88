import { randomUUID } from "node:crypto";
import type { IwEvent } from "@iw/core";
import type { SendContext, SendResult, Sink } from "@iw/core/sink-kit";
import { makeTestEvents } from "./sample-events.js";
import { SinkContractViolation } from "./contract-types.js";
import type { SinkContractFactory, SinkContractHarness, SinkContractOptions } from "./contract-types.js";
import { delay, waitFor } from "./wait.js";

/** Options with their defaults applied. */
export type ResolvedOptions = Required<SinkContractOptions>;

export function resolveOptions(options: SinkContractOptions = {}): ResolvedOptions {
  return {
    batchSize: options.batchSize ?? 5,
    sendTimeoutMs: options.sendTimeoutMs ?? 10_000,
    promptMs: options.promptMs ?? 2000,
    receiveTimeoutMs: options.receiveTimeoutMs ?? 5000,
    closeSettleMs: options.closeSettleMs ?? 2000,
    makeEvents: options.makeEvents ?? ((n) => makeTestEvents(n)),
    eventIdOf: options.eventIdOf ?? defaultEventIdOf,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Top-level `event_id`, else one level down, else ECS `event.id`. */
export function defaultEventIdOf(item: unknown): string | undefined {
  if (!isRecord(item)) return undefined;
  if (typeof item["event_id"] === "string") return item["event_id"];
  for (const value of Object.values(item)) {
    if (isRecord(value) && typeof value["event_id"] === "string") return value["event_id"];
  }
  const event = item["event"];
  return isRecord(event) && typeof event["id"] === "string" ? event["id"] : undefined;
}

/** Builds a harness, runs `body`, then closes the sink and cleans up whatever happened. */
export async function withHarness<T>(
  check: string,
  factory: SinkContractFactory,
  body: (h: SinkContractHarness) => Promise<T>,
): Promise<T> {
  let harness: SinkContractHarness;
  try {
    harness = await factory();
  } catch (err) {
    throw new SinkContractViolation(check, `the factory failed: ${String(err)}`, { cause: err });
  }
  try {
    return await body(harness);
  } finally {
    await Promise.resolve()
      .then(() => harness.sink.close())
      .catch(() => {});
    await harness.cleanup();
  }
}

/** A context for one attempt. */
export function context(signal: AbortSignal = new AbortController().signal): SendContext {
  return { signal, attempt: 1, batchId: randomUUID() };
}

const STATUSES = new Set(["success", "retryable", "failure", "too_large"]);

/**
 * Calls `sink.send` and checks it neither throws nor rejects, resolves within `withinMs` and
 * resolves a well-formed `SendResult`.
 */
export async function sendChecked(
  check: string,
  sink: Sink,
  batch: readonly IwEvent[],
  ctx: SendContext,
  withinMs: number,
): Promise<SendResult> {
  let pending: Promise<SendResult>;
  try {
    pending = sink.send(batch, ctx);
  } catch (err) {
    throw new SinkContractViolation(check, `send() threw synchronously instead of resolving a result: ${String(err)}`, { cause: err });
  }
  const timeout = new AbortController();
  const outcome = await Promise.race([
    pending.then(
      (result) => ({ kind: "result" as const, result }),
      (err: unknown) => ({ kind: "rejected" as const, err }),
    ),
    delay(withinMs, timeout.signal).then(() => ({ kind: "timeout" as const })),
  ]);
  timeout.abort();
  if (outcome.kind === "rejected") {
    throw new SinkContractViolation(check, `send() rejected instead of resolving a result: ${String(outcome.err)}`, { cause: outcome.err });
  }
  if (outcome.kind === "timeout") throw new SinkContractViolation(check, `send() did not resolve within ${withinMs} ms`);
  const result = outcome.result as Partial<SendResult> | undefined;
  if (!result || typeof result.status !== "string" || !STATUSES.has(result.status)) {
    throw new SinkContractViolation(check, `send() resolved something that is not a SendResult: ${JSON.stringify(result)}`);
  }
  if (result.status !== "success" && !((result as { error?: unknown }).error instanceof Error)) {
    throw new SinkContractViolation(check, `a ${result.status} result must carry an Error in \`error\``);
  }
  return outcome.result;
}

/** Reads `received()`, treating a failing read as "nothing yet". */
export async function receivedIds(harness: SinkContractHarness, options: ResolvedOptions): Promise<string[]> {
  const items = await harness.received();
  return items.map((item) => options.eventIdOf(item)).filter((id): id is string => id !== undefined);
}

/** Waits until the destination holds every id of `batches`, then checks each arrived once. */
export async function expectDelivered(
  check: string,
  harness: SinkContractHarness,
  batches: readonly (readonly IwEvent[])[],
  options: ResolvedOptions,
): Promise<void> {
  const wanted = batches.flatMap((batch) => batch.map((e) => e.event_id));
  let seen: string[] = [];
  try {
    await waitFor(
      async () => {
        seen = await receivedIds(harness, options);
        const have = new Set(seen);
        return wanted.every((id) => have.has(id));
      },
      { timeoutMs: options.receiveTimeoutMs, what: "the destination to receive every event" },
    );
  } catch (err) {
    const missing = wanted.filter((id) => !seen.includes(id));
    throw new SinkContractViolation(
      check,
      `${missing.length} of ${wanted.length} events never reached the destination with their event_id unchanged (it holds ${seen.length} items with an event_id; first missing: ${missing[0]})`,
      { cause: err },
    );
  }
  for (const id of wanted) {
    const count = seen.filter((s) => s === id).length;
    if (count !== 1) throw new SinkContractViolation(check, `event ${id} reached the destination ${count} times for one successful send`);
  }
}

export function expectStatus(check: string, result: SendResult, allowed: readonly SendResult["status"][], what: string): void {
  if (!allowed.includes(result.status)) {
    const detail = result.status === "success" ? "" : ` (${result.error.message})`;
    throw new SinkContractViolation(check, `${what}: expected ${allowed.join(" or ")}, got ${result.status}${detail}`);
  }
}

/** Deep-freezes a value so a sink that writes to an event throws. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
