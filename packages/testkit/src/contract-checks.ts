import { isDeepStrictEqual } from "node:util";
import {
  context,
  deepFreeze,
  expectDelivered,
  expectStatus,
  receivedIds,
  resolveOptions,
  sendChecked,
  withHarness,
} from "./contract-helpers.js";
import { SinkContractViolation } from "./contract-types.js";
import type { SinkContractCheck, SinkContractFactory, SinkContractOptions, SinkContractOutcome } from "./contract-types.js";
import { trackHandles } from "./handles.js";
import { delay } from "./wait.js";

const PASSED: SinkContractOutcome = { status: "passed" };

/** `sink.name` is a non-empty string. */
export async function checkSinkName(factory: SinkContractFactory): Promise<SinkContractOutcome> {
  return withHarness("name", factory, ({ sink }) => {
    if (typeof sink.name !== "string" || sink.name.trim() === "") {
      throw new SinkContractViolation("name", `sink.name must be a non-empty string, got ${JSON.stringify(sink.name)}`);
    }
    return Promise.resolve(PASSED);
  });
}

/** A batch resolves `success` and every event reaches the destination once, `event_id` unchanged. */
export async function checkDeliversBatch(factory: SinkContractFactory, options?: SinkContractOptions): Promise<SinkContractOutcome> {
  const o = resolveOptions(options);
  return withHarness("delivers-batch", factory, async (h) => {
    const batch = o.makeEvents(o.batchSize);
    const result = await sendChecked("delivers-batch", h.sink, batch, context(), o.sendTimeoutMs);
    expectStatus("delivers-batch", result, ["success"], "sending a batch to a healthy destination");
    await expectDelivered("delivers-batch", h, [batch], o);
    return PASSED;
  });
}

/** An empty batch resolves without delivering anything, and the sink still works afterwards. */
export async function checkEmptyBatch(factory: SinkContractFactory, options?: SinkContractOptions): Promise<SinkContractOutcome> {
  const o = resolveOptions(options);
  return withHarness("empty-batch", factory, async (h) => {
    await sendChecked("empty-batch", h.sink, [], context(), o.sendTimeoutMs);
    const ids = await receivedIds(h, o).catch(() => []);
    if (ids.length > 0) throw new SinkContractViolation("empty-batch", `an empty batch delivered ${ids.length} events`);
    const batch = o.makeEvents(o.batchSize);
    expectStatus(
      "empty-batch",
      await sendChecked("empty-batch", h.sink, batch, context(), o.sendTimeoutMs),
      ["success"],
      "a batch after an empty one",
    );
    await expectDelivered("empty-batch", h, [batch], o);
    return PASSED;
  });
}

/** Three sends in flight at once all succeed and deliver every event once. */
export async function checkConcurrentSends(factory: SinkContractFactory, options?: SinkContractOptions): Promise<SinkContractOutcome> {
  const o = resolveOptions(options);
  return withHarness("concurrent-sends", factory, async (h) => {
    const batches = [o.makeEvents(o.batchSize), o.makeEvents(o.batchSize), o.makeEvents(o.batchSize)];
    const results = await Promise.all(batches.map((b) => sendChecked("concurrent-sends", h.sink, b, context(), o.sendTimeoutMs)));
    for (const r of results) expectStatus("concurrent-sends", r, ["success"], "concurrent sends");
    await expectDelivered("concurrent-sends", h, batches, o);
    return PASSED;
  });
}

/** With the destination down, send resolves `retryable` or `failure` (never rejects), then recovers. */
export async function checkUnavailableDestination(
  factory: SinkContractFactory,
  options?: SinkContractOptions,
): Promise<SinkContractOutcome> {
  const o = resolveOptions(options);
  return withHarness("unavailable", factory, async (h) => {
    if (!h.makeUnavailable || !h.makeAvailable) {
      return {
        status: "skipped",
        reason:
          "the harness has no makeUnavailable()/makeAvailable(), so a sink that rejects or hangs while its destination is down goes unnoticed",
      };
    }
    expectStatus(
      "unavailable",
      await sendChecked("unavailable", h.sink, o.makeEvents(1), context(), o.sendTimeoutMs),
      ["success"],
      "warm-up send",
    );
    await h.makeUnavailable();
    const down = await sendChecked("unavailable", h.sink, o.makeEvents(o.batchSize), context(), o.sendTimeoutMs);
    expectStatus("unavailable", down, ["retryable", "failure"], "sending while the destination is unavailable");
    await h.makeAvailable();
    const batch = o.makeEvents(o.batchSize);
    expectStatus(
      "unavailable",
      await sendChecked("unavailable", h.sink, batch, context(), o.sendTimeoutMs),
      ["success"],
      "sending once the destination is back",
    );
    await expectDelivered("unavailable", h, [batch], o);
    return PASSED;
  });
}

/** A send with an already-aborted signal resolves promptly with a non-success result. */
export async function checkAlreadyAborted(factory: SinkContractFactory, options?: SinkContractOptions): Promise<SinkContractOutcome> {
  const o = resolveOptions(options);
  return withHarness("already-aborted", factory, async (h) => {
    const controller = new AbortController();
    controller.abort(new Error("aborted before the send"));
    const result = await sendChecked("already-aborted", h.sink, o.makeEvents(o.batchSize), context(controller.signal), o.promptMs);
    expectStatus("already-aborted", result, ["retryable", "failure"], "a send with an already-aborted signal");
    return PASSED;
  });
}

/**
 * A signal aborted while the request is in flight ends the send promptly. With
 * `makeUnresponsive()` the request is certain to be in flight and the result must be non-success.
 */
export async function checkAbortMidRequest(factory: SinkContractFactory, options?: SinkContractOptions): Promise<SinkContractOutcome> {
  const o = resolveOptions(options);
  return withHarness("abort-mid-request", factory, async (h) => {
    const strict = h.makeUnresponsive !== undefined;
    await h.makeUnresponsive?.();
    const controller = new AbortController();
    const sending = sendChecked(
      "abort-mid-request",
      h.sink,
      o.makeEvents(o.batchSize),
      context(controller.signal),
      o.sendTimeoutMs + o.promptMs,
    );
    await delay(strict ? 100 : 0);
    const abortedAt = Date.now();
    controller.abort(new Error("aborted mid-request"));
    const result = await sending;
    const took = Date.now() - abortedAt;
    if (took > o.promptMs)
      throw new SinkContractViolation(
        "abort-mid-request",
        `send() took ${took} ms to resolve after its signal aborted (limit ${o.promptMs} ms)`,
      );
    if (!strict)
      return {
        status: "passed",
        note: "the harness has no makeUnresponsive(), so the request may have finished before the abort: a sink that ignores its signal mid-request can pass",
      };
    expectStatus("abort-mid-request", result, ["retryable", "failure"], "a send aborted while the destination does not answer");
    return PASSED;
  });
}

/** close() can be called twice (and concurrently), and leaves no socket or timer behind. */
export async function checkCloseReleasesHandles(factory: SinkContractFactory, options?: SinkContractOptions): Promise<SinkContractOutcome> {
  const o = resolveOptions(options);
  return withHarness("close", factory, async (h) => {
    const tracker = trackHandles();
    try {
      expectStatus(
        "close",
        await sendChecked("close", h.sink, o.makeEvents(o.batchSize), context(), o.sendTimeoutMs),
        ["success"],
        "a send before close",
      );
      for (const attempt of [() => h.sink.close(), () => Promise.all([h.sink.close(), h.sink.close()])]) {
        try {
          await attempt();
        } catch (err) {
          throw new SinkContractViolation("close", `close() rejected on a repeated call: ${String(err)}`, { cause: err });
        }
      }
      // Destroy notifications are queued, and the peer may close its side a moment later: poll.
      const deadline = Date.now() + o.closeSettleMs;
      let open = tracker.open();
      while (open.length > 0 && Date.now() < deadline) {
        await tracker.untracked(() => delay(20));
        open = tracker.open();
      }
      if (open.length > 0) throw new SinkContractViolation("close", `after close() these handles are still open: ${open.join(", ")}`);
    } finally {
      tracker.stop();
    }
    return PASSED;
  });
}

/** After close(), send resolves promptly with a non-success result instead of reopening. */
export async function checkSendAfterClose(factory: SinkContractFactory, options?: SinkContractOptions): Promise<SinkContractOutcome> {
  const o = resolveOptions(options);
  return withHarness("send-after-close", factory, async (h) => {
    await h.sink.close();
    const result = await sendChecked("send-after-close", h.sink, o.makeEvents(1), context(), o.promptMs);
    expectStatus("send-after-close", result, ["retryable", "failure"], "a send after close()");
    return PASSED;
  });
}

/** send does not modify the events it is given (they are shared with every other sink). */
export async function checkEventsNotMutated(factory: SinkContractFactory, options?: SinkContractOptions): Promise<SinkContractOutcome> {
  const o = resolveOptions(options);
  return withHarness("no-mutation", factory, async (h) => {
    const batch = o.makeEvents(o.batchSize);
    const snapshot = structuredClone(batch);
    const plain = await sendChecked("no-mutation", h.sink, batch, context(), o.sendTimeoutMs);
    if (!isDeepStrictEqual(batch, snapshot)) throw new SinkContractViolation("no-mutation", "send() modified the events it was given");
    expectStatus("no-mutation", plain, ["success"], "sending a batch");
    const frozen = deepFreeze(o.makeEvents(o.batchSize));
    expectStatus(
      "no-mutation",
      await sendChecked("no-mutation", h.sink, frozen, context(), o.sendTimeoutMs),
      ["success"],
      "sending deep-frozen events",
    );
    return PASSED;
  });
}

/** Every check of the sink contract, in the order the suite runs them. */
export const SINK_CONTRACT_CHECKS: readonly SinkContractCheck[] = [
  { id: "name", title: "has a non-empty name", run: (f) => checkSinkName(f) },
  { id: "delivers-batch", title: "delivers a batch: success, every event_id unchanged, each once", run: checkDeliversBatch },
  { id: "empty-batch", title: "handles an empty batch harmlessly", run: checkEmptyBatch },
  { id: "concurrent-sends", title: "supports concurrent sends", run: checkConcurrentSends },
  {
    id: "unavailable",
    title: "resolves retryable/failure (never rejects) when the destination is unavailable, and recovers",
    run: checkUnavailableDestination,
  },
  {
    id: "already-aborted",
    title: "resolves promptly with a non-success result when the signal is already aborted",
    run: checkAlreadyAborted,
  },
  { id: "abort-mid-request", title: "resolves promptly when the signal aborts mid-request", run: checkAbortMidRequest },
  { id: "close", title: "close() is idempotent and releases sockets and timers", run: checkCloseReleasesHandles },
  { id: "send-after-close", title: "resolves a non-success result when sent after close()", run: checkSendAfterClose },
  { id: "no-mutation", title: "does not mutate the events it sends", run: checkEventsNotMutated },
];

/** One check's outcome in a {@link runSinkContract} report. */
export type SinkContractReport = { readonly id: string; readonly title: string } & (
  SinkContractOutcome | { readonly status: "failed"; readonly error: Error }
);

/** Runs every check without a test framework (for a CLI or a script); never throws. */
export async function runSinkContract(factory: SinkContractFactory, options?: SinkContractOptions): Promise<SinkContractReport[]> {
  const reports: SinkContractReport[] = [];
  for (const check of SINK_CONTRACT_CHECKS) {
    try {
      reports.push({ id: check.id, title: check.title, ...(await check.run(factory, options)) });
    } catch (err) {
      reports.push({ id: check.id, title: check.title, status: "failed", error: err instanceof Error ? err : new Error(String(err)) });
    }
  }
  return reports;
}
