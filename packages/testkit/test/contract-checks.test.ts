import { IwError } from "@iw/core";
import type { IwEvent } from "@iw/core";
import type { SendContext, SendResult, Sink } from "@iw/core/sink-kit";
import { describe, expect, it } from "vitest";
import {
  InMemorySink,
  SinkContractViolation,
  checkAbortMidRequest,
  checkAlreadyAborted,
  checkCloseReleasesHandles,
  checkConcurrentSends,
  checkDeliversBatch,
  checkEmptyBatch,
  checkEventsNotMutated,
  checkSendAfterClose,
  checkSinkName,
  checkUnavailableDestination,
  runSinkContract,
  startLogstashReceiver,
} from "../src/index.js";
import type { SinkContractFactory, SinkContractHarness, SinkContractOptions } from "../src/index.js";
import { TinyHttpSink } from "./tiny-http-sink.js";

/** Knobs that each break one rule of the contract. */
interface Breakage {
  name?: string;
  renameEventId?: boolean;
  deliverTwice?: boolean;
  rejectWhenDown?: boolean;
  throwSync?: boolean;
  ignoreSignal?: boolean;
  latencyMs?: number;
  leakTimerOnClose?: boolean;
  closeRejectsTwice?: boolean;
  sendAfterCloseSucceeds?: boolean;
  mutate?: boolean;
  rejectEmpty?: boolean;
  oneAtATime?: boolean;
}

/** A sink over an in-memory "destination" that breaks the contract as told. */
class BrokenSink implements Sink {
  readonly name: string;
  readonly destination: unknown[] = [];
  down = false;
  #closed = 0;
  #busy = false;
  #leak: NodeJS.Timeout | undefined;
  constructor(private readonly b: Breakage) {
    this.name = b.name ?? "broken";
  }

  send(batch: readonly IwEvent[], ctx: SendContext): Promise<SendResult> {
    if (this.b.throwSync) throw new Error("sync boom");
    return this.#send(batch, ctx);
  }

  async #send(batch: readonly IwEvent[], ctx: SendContext): Promise<SendResult> {
    if (this.#closed > 0 && !this.b.sendAfterCloseSucceeds) return { status: "failure", error: new IwError("IW_CLOSED", "closed") };
    if (batch.length === 0 && this.b.rejectEmpty) throw new Error("empty batch");
    if (this.down) {
      if (this.b.rejectWhenDown) throw new Error("ECONNREFUSED");
      return { status: "retryable", error: new IwError("IW_NETWORK", "down") };
    }
    if (!this.b.ignoreSignal && ctx.signal.aborted) return { status: "retryable", error: new IwError("IW_SEND_ABORTED", "aborted") };
    if (this.b.oneAtATime && this.#busy) return { status: "failure", error: new IwError("IW_NETWORK", "busy") };
    this.#busy = true;
    try {
      if (this.b.latencyMs) await new Promise((r) => setTimeout(r, this.b.latencyMs));
      else await new Promise((r) => setImmediate(r));
    } finally {
      this.#busy = false;
    }
    if (this.b.mutate) for (const e of batch) (e as { shipped?: boolean }).shipped = true;
    for (const e of batch) {
      const copy: Record<string, unknown> = { ...e };
      if (this.b.renameEventId) {
        copy["id"] = copy["event_id"];
        delete copy["event_id"];
      }
      this.destination.push(copy);
      if (this.b.deliverTwice) this.destination.push(copy);
    }
    return { status: "success" };
  }

  close(): Promise<void> {
    this.#closed++;
    if (this.b.leakTimerOnClose) this.#leak ??= setInterval(() => {}, 60_000);
    if (this.b.closeRejectsTwice && this.#closed > 1) return Promise.reject(new Error("already closed"));
    return Promise.resolve();
  }

  /** Test teardown only: clears the deliberately leaked timer. */
  dispose(): void {
    clearInterval(this.#leak);
  }
}

function broken(b: Breakage): SinkContractFactory {
  return (): SinkContractHarness => {
    const sink = new BrokenSink(b);
    return {
      sink,
      received: () => Promise.resolve(sink.destination),
      cleanup: () => sink.dispose(),
      makeUnavailable: () => {
        sink.down = true;
      },
      makeAvailable: () => {
        sink.down = false;
      },
    };
  };
}

const fast: SinkContractOptions = { promptMs: 200, sendTimeoutMs: 500, receiveTimeoutMs: 200, closeSettleMs: 200 };
const healthy = broken({});

describe("contract checks pass a well-behaved sink", () => {
  it.each([
    ["name", checkSinkName],
    ["delivers-batch", checkDeliversBatch],
    ["empty-batch", checkEmptyBatch],
    ["concurrent-sends", checkConcurrentSends],
    ["unavailable", checkUnavailableDestination],
    ["already-aborted", checkAlreadyAborted],
    ["abort-mid-request", checkAbortMidRequest],
    ["close", checkCloseReleasesHandles],
    ["send-after-close", checkSendAfterClose],
    ["no-mutation", checkEventsNotMutated],
  ] as const)("%s passes", async (_id, check) => {
    await expect(check(healthy, fast)).resolves.toMatchObject({ status: "passed" });
  });
});

describe("contract checks fail a sink that breaks the contract", () => {
  it.each([
    ["an empty name", checkSinkName, { name: "" }, /\[name\] sink.name must be a non-empty string/],
    ["lost event_id", checkDeliversBatch, { renameEventId: true }, /5 of 5 events never reached the destination/],
    ["each event delivered twice", checkDeliversBatch, { deliverTwice: true }, /reached the destination 2 times/],
    ["send throwing synchronously", checkDeliversBatch, { throwSync: true }, /threw synchronously/],
    ["rejecting an empty batch", checkEmptyBatch, { rejectEmpty: true }, /\[empty-batch\] send\(\) rejected/],
    ["one request at a time", checkConcurrentSends, { oneAtATime: true }, /expected success, got failure/],
    ["rejecting when the destination is down", checkUnavailableDestination, { rejectWhenDown: true }, /\[unavailable\] send\(\) rejected/],
    ["ignoring an already-aborted signal", checkAlreadyAborted, { ignoreSignal: true }, /expected retryable or failure, got success/],
    [
      "ignoring an abort mid-request",
      checkAbortMidRequest,
      { ignoreSignal: true, latencyMs: 1000 },
      /\[abort-mid-request\] send\(\) did not resolve within 700 ms/,
    ],
    ["leaking a timer on close", checkCloseReleasesHandles, { leakTimerOnClose: true }, /still open: Timeout \(\+1\)/],
    ["close rejecting when repeated", checkCloseReleasesHandles, { closeRejectsTwice: true }, /close\(\) rejected on a repeated call/],
    [
      "sending after close",
      checkSendAfterClose,
      { sendAfterCloseSucceeds: true },
      /a send after close\(\): expected retryable or failure, got success/,
    ],
    ["mutating events", checkEventsNotMutated, { mutate: true }, /modified the events/],
  ] as const)("%s", async (_what, check, breakage, message) => {
    const failure = check(broken(breakage), fast);
    await expect(failure).rejects.toBeInstanceOf(SinkContractViolation);
    await expect(failure).rejects.toThrow(message);
  });

  it("fails the mid-request abort check when a sink resolves too late after the abort", async () => {
    const slowToStop: SinkContractFactory = () => {
      const inner = new InMemorySink({ latencyMs: 5000 });
      const sink: Sink = {
        name: "slow-to-stop",
        send: async (batch, ctx) => {
          const result = await inner.send(batch, ctx);
          if (ctx.signal.aborted) await new Promise((r) => setTimeout(r, 400));
          return result;
        },
        close: () => inner.close(),
      };
      return { sink, received: () => Promise.resolve(inner.events), cleanup: () => {}, makeUnresponsive: () => {} };
    };
    await expect(checkAbortMidRequest(slowToStop, { promptMs: 200 })).rejects.toThrow(
      /took \d+ ms to resolve after its signal aborted \(limit 200 ms\)/,
    );
  });

  it("fails the close check for an HTTP sink that keeps its keep-alive socket open", async () => {
    const receiver = await startLogstashReceiver();
    let leaky: TinyHttpSink | undefined;
    try {
      const factory: SinkContractFactory = () => {
        leaky = new TinyHttpSink(receiver.url, { leaky: true });
        return { sink: leaky, received: () => Promise.resolve(receiver.events), cleanup: () => {} };
      };
      await expect(checkCloseReleasesHandles(factory, fast)).rejects.toThrow(/still open: .*TCPWRAP \(\+\d\)/);
    } finally {
      await receiver.close();
    }
  });

  it("skips the fault checks when the harness has no fault hooks, naming the hook", async () => {
    const sink = new InMemorySink();
    const factory: SinkContractFactory = () => ({ sink, received: () => Promise.resolve(sink.events), cleanup: () => {} });
    await expect(checkUnavailableDestination(factory)).resolves.toEqual({
      status: "skipped",
      reason: expect.stringContaining("no makeUnavailable()/makeAvailable()"),
    });
    await expect(checkAbortMidRequest(factory, fast)).resolves.toEqual({
      status: "passed",
      note: expect.stringContaining("no makeUnresponsive()"),
    });
  });

  it("runSinkContract reports every check, failed ones with their violation", async () => {
    const report = await runSinkContract(broken({ mutate: true }), fast);
    expect(report).toHaveLength(10);
    const failed = report.filter((r) => r.status === "failed").map((r) => r.id);
    expect(failed).toEqual(["no-mutation"]);
  });
});
