import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DeliveryQueue } from "../src/delivery/delivery-queue.js";
import { ScriptSink, audit, expectInvariant, failure, retryable, scan, tooLarge } from "./helpers/script-sink.js";
import type { Step } from "./helpers/script-sink.js";
import type { SinkStats } from "../src/delivery/stats.js";

const outcome = fc.constantFrom<Step>(
  { status: "success" },
  { status: "success" },
  retryable(),
  retryable(50),
  failure(),
  failure(true),
  tooLarge(),
  "throw",
  "reject",
  "hang",
);

const action = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("disable" as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("scan" as const), n: fc.integer({ min: 1, max: 20 }) }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant("audit" as const), n: fc.integer({ min: 1, max: 5 }) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 3000 }) }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant("flush" as const), ms: fc.integer({ min: 0, max: 2000 }) }), weight: 2 },
);

const options = fc.record({
  maxBatchSize: fc.integer({ min: 1, max: 6 }),
  maxBatchBytes: fc.integer({ min: 100, max: 5000 }),
  maxQueueBytes: fc.integer({ min: 500, max: 20_000 }),
  auditReserveBytes: fc.integer({ min: 0, max: 5000 }),
  maxRefusals: fc.integer({ min: 1, max: 4 }),
  maxConcurrency: fc.integer({ min: 1, max: 3 }),
  attemptTimeoutMs: fc.integer({ min: 50, max: 1000 }),
  flushIntervalMs: fc.integer({ min: 0, max: 1000 }),
  retryInitialMs: fc.integer({ min: 0, max: 200 }),
  retryMaxMs: fc.integer({ min: 1, max: 2000 }),
  maxRetries: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(Number.POSITIVE_INFINITY)),
});

afterEach(() => {
  vi.useRealTimers();
});

describe("DeliveryQueue (property)", () => {
  it("keeps emitted == delivered + dropped + queued + inFlight at every step, and accounts for every event after close", async () => {
    await fc.assert(
      fc.asyncProperty(
        options,
        fc.array(outcome, { maxLength: 40 }),
        fc.array(action, { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        async (opts, outcomes, actions, jitter) => {
          vi.useFakeTimers();
          try {
            const sink = new ScriptSink().script(...outcomes);
            const q = new DeliveryQueue(sink, opts, { random: () => jitter, onStateChange: () => expectInvariant(q.stats()) });
            const flushes: Promise<boolean>[] = [];
            for (const a of actions) {
              if (a.kind === "scan") for (let i = 0; i < a.n; i++) q.push(scan());
              else if (a.kind === "audit") for (let i = 0; i < a.n; i++) q.push(audit());
              else if (a.kind === "advance") await vi.advanceTimersByTimeAsync(a.ms);
              else if (a.kind === "flush") flushes.push(q.flush(a.ms));
              else q.disable("property test");
              expectInvariant(q.stats());
              expectBounded(q.stats());
            }
            const closing = q.close(1500);
            let settled = false;
            void closing.then(() => (settled = true));
            for (let i = 0; i < 100 && !settled; i++) {
              await vi.advanceTimersByTimeAsync(100);
              expectInvariant(q.stats());
            }
            expect(settled).toBe(true);
            await Promise.all(flushes); // none rejects
            const s = q.stats();
            expect(s.queued).toBe(0);
            expect(s.inFlight).toBe(0);
            expect(s.emitted).toBe(s.delivered + s.dropped.total);
            expect(sink.closeCalls).toBe(1);
            expect(vi.getTimerCount()).toBe(0);
            const successes = sink.calls.filter((_, i) => isSuccess(outcomes[i] ?? { status: "success" }));
            expect(s.delivered).toBe(successes.reduce((n, c) => n + c.batch.length, 0));
          } finally {
            vi.useRealTimers();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** Boundedness: what the sink holds, retries and in-flight batches included, stays in its budget. */
function expectBounded(s: SinkStats): void {
  expect(s.heldBytes, JSON.stringify(s)).toBeLessThanOrEqual(s.budgetBytes);
  if (s.queued + s.inFlight === 0) expect(s.heldBytes).toBe(0);
}

/** Faults that end: no outcome disables the destination for good. */
const transient = fc.constantFrom<Step>(
  { status: "success" },
  retryable(),
  retryable(50),
  failure(),
  tooLarge(),
  "throw",
  "reject",
  "hang",
);

describe("DeliveryQueue progress (property)", () => {
  it("delivers or accounts for every event once the faults stop: flush() resolves true and nothing is held", async () => {
    await fc.assert(
      fc.asyncProperty(
        options,
        fc.array(transient, { maxLength: 40 }),
        fc.array(
          action.filter((a) => a.kind !== "disable"),
          { minLength: 1, maxLength: 30 },
        ),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        async (opts, outcomes, actions, jitter) => {
          vi.useFakeTimers();
          try {
            const sink = new ScriptSink().script(...outcomes);
            const q = new DeliveryQueue(sink, opts, { random: () => jitter });
            for (const a of actions) {
              if (a.kind === "scan") for (let i = 0; i < a.n; i++) q.push(scan());
              else if (a.kind === "audit") for (let i = 0; i < a.n; i++) q.push(audit());
              else if (a.kind === "advance") await vi.advanceTimersByTimeAsync(a.ms);
              else if (a.kind === "flush") void q.flush(a.ms);
              expectBounded(q.stats());
            }
            // The scripted faults are used up by now or soon; from then on the collector accepts all.
            let drained: boolean | undefined;
            void q.flush(600_000).then((d) => (drained = d));
            for (let i = 0; i < 600 && drained === undefined; i++) await vi.advanceTimersByTimeAsync(1000);
            expect(drained).toBe(true);
            const s = q.stats();
            expect(s).toMatchObject({ queued: 0, inFlight: 0, heldBytes: 0 });
            expect(s.state).not.toBe("disabled");
            expectInvariant(s);
            // Nothing was lost that the collector did not refuse: only refusals, size and unencodable or
            // over-budget events may be missing.
            expect(s.dropped.closed + s.dropped.disabled).toBe(0);
            await q.close(100);
          } finally {
            vi.useRealTimers();
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

function isSuccess(step: Step): boolean {
  return typeof step === "object" && step.status === "success";
}
