import { startAttempt } from "./attempt.js";
import type { Attempt, AttemptOutcome } from "./attempt.js";
import { backoffDelay } from "./backoff.js";
import { timerDelay, withDeadline } from "../deadline.js";
import { IwError } from "../errors.js";
import type { IwEvent } from "../events.js";
import { Lane } from "./lane.js";
import { QueueCounters } from "./counters.js";
import type { QueueState } from "./counters.js";
import { QueueDiagnostics } from "./diagnostics.js";
import { resolveOptions } from "./resolve-options.js";
import type { QueueDeps, QueueOptions } from "./queue-options.js";
import { estimateSize } from "./size-estimate.js";
import type { Sink } from "../sink.js";
import type { DropReason, SinkStats } from "../stats.js";
import { uuidv7 } from "../uuidv7.js";

/** Deadline of `flush()` / `close()` when none is given. @default 5000 */
export const DEFAULT_FLUSH_TIMEOUT_MS = 5000;

interface Batch {
  readonly id: string;
  readonly events: readonly IwEvent[];
  /** Attempts made so far. */
  attempt: number;
  /** Has failed retryably at least once and not settled yet (keeps the circuit paused). */
  retrying: boolean;
  settled: boolean;
  running?: Attempt | undefined;
  /** What `sink.prepare` built, reused by every attempt. */
  prepared?: { readonly payload: unknown } | undefined;
  retryTimer?: ReturnType<typeof setTimeout> | undefined;
}

/**
 * One sink's delivery policy: two bounded lanes (audit events apart, so scan floods never
 * evict them), batching on count/bytes/age, at most `maxConcurrency` batches in flight, a
 * deadline per attempt, capped full-jitter backoff that pauses the sink, 413 splitting, drop
 * accounting and flush/close. `push` is synchronous, O(1) and never throws; all work (redaction,
 * size estimation, serialization by the sink) happens when a batch is assembled.
 *
 * Invariant at every moment: `emitted == delivered + dropped.total + queued + inFlight`.
 */
export class DeliveryQueue {
  /** The sink's name. */
  readonly name: string;
  readonly #sink: Sink;
  readonly #opts: QueueOptions;
  readonly #deps: QueueDeps;
  readonly #scan: Lane<IwEvent>;
  readonly #audit: Lane<IwEvent>;
  readonly #counters = new QueueCounters();
  readonly #diag: QueueDiagnostics;
  /** Batches ready to (re)send before any new one: due retries and 413 halves. */
  readonly #ready: Batch[] = [];
  readonly #sending = new Set<Batch>();
  readonly #backingOff = new Set<Batch>();
  #retrying = 0;
  #ageTimer: ReturnType<typeof setTimeout> | undefined;
  /** The oldest queued event is older than `flushIntervalMs`: send partial batches. */
  #due = false;
  #pumpScheduled = false;
  #flushing = 0;
  #closed = false;
  /** The current outage has seen its credentials refused (`IW_AUTH`); reset on recovery. */
  #authRefused = false;
  #flushPromise: Promise<boolean> | undefined;
  #closePromise: Promise<boolean> | undefined;
  readonly #idleWaiters = new Set<(drained: boolean) => void>();

  /** @throws IwConfigError when an option is not a positive number. */
  constructor(sink: Sink, options: Partial<QueueOptions> = {}, deps: QueueDeps = {}) {
    this.#sink = sink;
    this.name = sink.name;
    this.#opts = resolveOptions(sink.name, options);
    this.#deps = deps;
    this.#scan = new Lane(this.#opts.maxQueueSize);
    this.#audit = new Lane(this.#opts.maxAuditQueueSize);
    this.#diag = new QueueDiagnostics(sink.name, deps.logger);
  }

  /** Queues one event. Synchronous, O(1), no I/O, never throws; a full lane drops `event`. */
  push(event: IwEvent): void {
    const c = this.#counters;
    c.emitted++;
    try {
      if (this.#closed) return this.#dropped("closed", 1);
      if (c.state === "disabled") return this.#dropped("disabled", 1);
      const lane = event.log_type === "audit" ? this.#audit : this.#scan;
      if (!lane.push(event)) return this.#dropped("queue_full", 1);
      if (this.#scan.length + this.#audit.length >= this.#opts.maxBatchSize) this.#schedulePump();
      else if (this.#ageTimer === undefined) this.#armAgeTimer();
    } catch {
      this.#dropped("malformed", 1); // e.g. `event` is null: counted, never thrown at the host
    }
  }

  /** Counts one event refused before queueing (the dispatcher's malformed events). */
  recordDropped(reason: DropReason): void {
    this.#counters.emitted++;
    this.#dropped(reason, 1);
  }

  /** A consistent snapshot of this sink's counters. */
  stats(): SinkStats {
    return this.#counters.snapshot(this.name, this.#scan.length + this.#audit.length);
  }

  /**
   * Sends everything queued now (partial batches included) and resolves to whether the queue
   * became empty within `timeoutMs`. Never rejects; concurrent calls share one promise. While
   * it is pending, its deadline timer keeps the process alive (at most `timeoutMs`), so that
   * a host awaiting it at shutdown really gets the retries it is waiting for.
   */
  flush(timeoutMs: number = DEFAULT_FLUSH_TIMEOUT_MS): Promise<boolean> {
    this.#flushPromise ??= this.#waitIdle(timeoutMs).finally(() => (this.#flushPromise = undefined));
    return this.#flushPromise;
  }

  /**
   * Stops accepting events, flushes what it can within `timeoutMs`, then aborts in-flight
   * requests, counts what is left as dropped `closed` and closes the sink (once, waiting for it
   * at most the time left or 1 s, whichever is longer). Resolves to whether everything drained.
   * Idempotent (every call returns the first call's promise), never rejects.
   */
  close(timeoutMs: number = DEFAULT_FLUSH_TIMEOUT_MS): Promise<boolean> {
    this.#closePromise ??= this.#close(timeoutMs);
    return this.#closePromise;
  }

  /** Switches the sink off for good: queued and later events are dropped `disabled`. */
  disable(reason: string): void {
    this.#disable(new IwError("IW_SINK_DISABLED", `${this.name}: disabled: ${reason}`));
  }

  async #close(timeoutMs: number): Promise<boolean> {
    this.#closed = true;
    const started = Date.now();
    let drained = false;
    try {
      drained = await this.#waitIdle(timeoutMs);
      const left = this.#abandon("closed", new IwError("IW_CLOSED", `${this.name}: queue closed`));
      if (left > 0) this.#diag.always("warn", `closed with ${left} events undelivered`, { dropped: left });
      const remaining = Math.max(timeoutMs - (Date.now() - started), 1000);
      await withDeadline(this.#sink.close(), remaining);
    } catch (err) {
      this.#diag.always("warn", `error while closing: ${err instanceof Error ? err.message : String(err)}`);
    }
    return drained;
  }

  #waitIdle(timeoutMs: number): Promise<boolean> {
    if (this.#isIdle()) return Promise.resolve(true);
    this.#flushing++;
    this.#schedulePump();
    return new Promise<boolean>((resolve) => {
      const done = (drained: boolean): void => {
        clearTimeout(timer);
        this.#idleWaiters.delete(done);
        this.#flushing--;
        resolve(drained);
      };
      // Deliberately ref'd: a caller awaiting flush/close asked for up to `timeoutMs` of
      // draining (retries included), so the process stays up that long and no longer. Every
      // other timer of the queue is unref'd.
      const timer = setTimeout(() => done(false), timerDelay(timeoutMs));
      this.#idleWaiters.add(done);
    });
  }

  #isIdle(): boolean {
    return this.#scan.length + this.#audit.length === 0 && this.#counters.inFlight === 0;
  }

  #checkIdle(): void {
    if (this.#idleWaiters.size > 0 && this.#isIdle()) for (const done of [...this.#idleWaiters]) done(true);
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => this.#pump());
  }

  #armAgeTimer(): void {
    this.#ageTimer = setTimeout(() => {
      this.#ageTimer = undefined;
      this.#due = true;
      this.#pump();
    }, this.#opts.flushIntervalMs);
    this.#ageTimer.unref?.();
  }

  /** Starts as many batches as the concurrency limit, the circuit and the batching rules allow. */
  #pump(): void {
    this.#pumpScheduled = false;
    const c = this.#counters;
    while (this.#sending.size < this.#opts.maxConcurrency) {
      let batch = this.#ready.shift();
      if (batch === undefined) {
        // New batches only when the collector is not known to be sick (circuit closed).
        if (c.state === "disabled" || (c.state === "backoff" && this.#retrying > 0)) break;
        const queued = this.#scan.length + this.#audit.length;
        if (queued === 0) break;
        if (queued < this.#opts.maxBatchSize && !this.#due && this.#flushing === 0) break;
        batch = this.#assemble();
        if (batch === undefined) continue;
      }
      this.#send(batch);
    }
    const queued = this.#scan.length + this.#audit.length;
    if (queued === 0) this.#due = false;
    else if (!this.#due && this.#ageTimer === undefined && !this.#closed) this.#armAgeTimer();
    this.#checkIdle();
  }

  /** Takes events off the lanes (audit first) up to the count and byte limits. */
  #assemble(): Batch | undefined {
    const { maxBatchSize, maxBatchBytes } = this.#opts;
    const sizeOf = this.#deps.sizeOf ?? estimateSize;
    const transform = this.#deps.transform;
    const events: IwEvent[] = [];
    let bytes = 0;
    while (events.length < maxBatchSize) {
      const lane = this.#audit.length > 0 ? this.#audit : this.#scan.length > 0 ? this.#scan : undefined;
      if (lane === undefined) break;
      const raw = lane.peek()!;
      let size: number;
      try {
        size = sizeOf(raw);
      } catch {
        size = 0;
      }
      if (events.length > 0 && bytes + size > maxBatchBytes) break;
      lane.shift();
      let event: IwEvent;
      try {
        event = transform ? transform(raw) : raw;
      } catch (err) {
        this.#dropped("malformed", 1, err);
        continue;
      }
      events.push(event);
      this.#counters.inFlight++;
      bytes += size;
    }
    if (events.length === 0) return undefined;
    return { id: uuidv7(), events, attempt: 0, retrying: false, settled: false };
  }

  #send(batch: Batch): void {
    batch.attempt++;
    this.#sending.add(batch);
    if (this.#sink.prepare !== undefined && batch.prepared === undefined) {
      // Interim: prepare once per batch, then attempt (the v2 engine replaces this).
      const sink = this.#sink as Required<Pick<Sink, "prepare">>;
      let pending: Promise<unknown>;
      try {
        pending = Promise.resolve(sink.prepare(batch.events, { batchId: batch.id }));
      } catch (err) {
        pending = Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
      pending.then(
        (p) => {
          const prepared = p as { payload: unknown; events?: readonly IwEvent[] };
          if (prepared.events !== undefined && prepared.events.length < batch.events.length) {
            const left = batch.events.length - prepared.events.length;
            (batch as { events: readonly IwEvent[] }).events = prepared.events;
            this.#counters.inFlight -= left;
            this.#dropped("malformed", left);
          }
          batch.prepared = { payload: prepared.payload };
          if (batch.events.length === 0) {
            this.#sending.delete(batch);
            this.#release(batch);
            this.#schedulePump();
            return;
          }
          this.#attempt(batch);
        },
        (err: unknown) => {
          this.#sending.delete(batch);
          this.#drop(batch, "malformed", err);
          this.#schedulePump();
        },
      );
      return;
    }
    this.#attempt(batch);
  }

  #attempt(batch: Batch): void {
    batch.running = startAttempt(this.#sink, batch.events, { attempt: batch.attempt, batchId: batch.id, payload: batch.prepared?.payload }, this.#opts.attemptTimeoutMs, (outcome) => {
      batch.running = undefined;
      this.#sending.delete(batch);
      this.#settle(batch, outcome);
      this.#schedulePump();
    });
  }

  #settle(batch: Batch, outcome: AttemptOutcome): void {
    if (batch.settled) return;
    const c = this.#counters;
    const n = batch.events.length;
    if (outcome.status === "success") {
      this.#finish(batch);
      // A sink may leave out events it could not serialize and still deliver the rest.
      const malformed = Math.min(n, Math.max(0, Math.trunc(outcome.malformed ?? 0)));
      c.delivered += n - malformed;
      if (malformed > 0) this.#dropped("malformed", malformed);
      c.lastSuccessAt = new Date().toISOString();
      if (c.state === "backoff") this.#setState("active");
      return;
    }
    c.recordError(outcome.error);
    if (c.state === "disabled") return this.#drop(batch, "disabled", outcome.error);
    switch (outcome.status) {
      case "retryable":
        return this.#retry(batch, outcome.error, outcome.retryAfterMs);
      case "too_large":
        return this.#split(batch, outcome.error);
      case "failure":
        this.#drop(batch, (outcome.error as { code?: unknown }).code === "IW_SERIALIZE" ? "malformed" : "rejected", outcome.error);
        if (outcome.disable === true) this.#disable(outcome.error);
        return;
      case "threw":
        return this.#drop(batch, "malformed", outcome.error);
    }
  }

  #retry(batch: Batch, error: Error, retryAfterMs: number | undefined): void {
    if (batch.attempt - 1 >= this.#opts.maxRetries) return this.#drop(batch, "retries_exhausted", error);
    const delay = backoffDelay({
      attempt: batch.attempt,
      initialMs: this.#opts.retryInitialMs,
      maxMs: this.#opts.retryMaxMs,
      random: (this.#deps.random ?? Math.random)(),
      retryAfterMs,
    });
    this.#counters.retried++;
    if (!batch.retrying) {
      batch.retrying = true;
      this.#retrying++;
    }
    this.#setState("backoff", error);
    this.#diag.report("retry", "warn", () => [
      `delivery failed, retrying in ${delay} ms: ${error.message}`,
      {
        attempt: batch.attempt,
        events: batch.events.length,
        code: (error as { code?: unknown }).code,
        queued: this.#scan.length + this.#audit.length,
        dropped: this.#counters.droppedTotal,
      },
    ]);
    this.#backingOff.add(batch);
    batch.retryTimer = setTimeout(() => {
      batch.retryTimer = undefined;
      this.#backingOff.delete(batch);
      this.#ready.unshift(batch);
      this.#pump();
    }, delay);
    batch.retryTimer.unref?.();
  }

  /** A 413: send each half as its own batch (new ids); a lone event is dropped. */
  #split(batch: Batch, error: Error): void {
    const n = batch.events.length;
    if (n <= 1) return this.#drop(batch, "too_large", error);
    this.#release(batch);
    const mid = Math.ceil(n / 2);
    const halves = [batch.events.slice(0, mid), batch.events.slice(mid)].map(
      (events): Batch => ({ id: uuidv7(), events, attempt: 0, retrying: false, settled: false }),
    );
    this.#ready.unshift(...halves);
    this.#diag.report("split", "info", () => [`collector refused a batch of ${n} events as too large; splitting it`]);
  }

  /** Marks a batch as done without changing counts (its events move elsewhere). */
  #release(batch: Batch): void {
    batch.settled = true;
    if (batch.retrying) {
      batch.retrying = false;
      this.#retrying--;
    }
  }

  /** The batch left flight: delivered or dropped. */
  #finish(batch: Batch): void {
    this.#release(batch);
    this.#counters.inFlight -= batch.events.length;
  }

  #drop(batch: Batch, reason: DropReason, error?: unknown): void {
    this.#finish(batch);
    this.#dropped(reason, batch.events.length, error);
  }

  #dropped(reason: DropReason, n: number, error?: unknown): void {
    this.#counters.drop(reason, n);
    const suppressed = this.#diag.gate(reason); // a full lane drops on the emit path: no allocation
    if (suppressed === undefined) return;
    this.#diag.always(reason === "closed" ? "info" : "warn", `dropped ${n} event${n === 1 ? "" : "s"} (${reason})${error instanceof Error ? `: ${error.message}` : ""}`, {
      reason,
      droppedForReason: this.#counters.droppedFor(reason),
      ...(suppressed > 0 ? { suppressed } : {}),
    });
  }

  #disable(error: Error): void {
    if (this.#counters.state === "disabled") return;
    this.#setState("disabled", error);
    this.#counters.recordError(error);
    this.#diag.always("error", `sink disabled, every further event is dropped: ${error.message}`);
    this.#abandon("disabled", undefined, false);
  }

  /**
   * Drops everything queued, waiting or backing off; with `abort` set, also in-flight requests.
   * Returns how many events were dropped.
   */
  #abandon(reason: DropReason, abortReason?: Error, abort = true): number {
    let n = this.#scan.clear() + this.#audit.clear();
    if (n > 0) this.#counters.drop(reason, n);
    if (this.#ageTimer !== undefined) clearTimeout(this.#ageTimer);
    this.#ageTimer = undefined;
    const batches = [...this.#ready.splice(0), ...this.#backingOff];
    this.#backingOff.clear();
    if (abort) batches.push(...this.#sending);
    for (const batch of batches) {
      if (batch.retryTimer !== undefined) clearTimeout(batch.retryTimer);
      batch.running?.abort(abortReason ?? new IwError("IW_SEND_ABORTED", `${this.name}: ${reason}`));
      this.#sending.delete(batch);
      n += batch.events.length;
      this.#finish(batch);
      this.#counters.drop(reason, batch.events.length);
    }
    // close() gave up on these events: a flush still waiting did not drain.
    if (abort) for (const done of [...this.#idleWaiters]) done(n === 0);
    else this.#checkIdle();
    return n;
  }

  #setState(to: QueueState, error?: Error): void {
    const from = this.#counters.state;
    // Within one outage, the first refusal of the credentials is news of its own (the lifecycle
    // relay turns it into `sink_disabled`, retrying), even though the state stays `backoff`.
    const authRefused = to === "backoff" && (error as { code?: unknown } | undefined)?.code === "IW_AUTH";
    const authNews = authRefused && !this.#authRefused;
    this.#authRefused = to === "backoff" ? this.#authRefused || authRefused : false;
    if (from === to && !authNews) return;
    this.#counters.state = to;
    if (to === "backoff" && from !== to) this.#diag.report("state:backoff", "warn", () => ["collector failing: pausing and backing off", { from }]);
    if (to === "active") this.#diag.report("state:active", "info", () => ["collector answering again: delivery resumed", { from }]);
    try {
      this.#deps.onStateChange?.({ sink: this.name, from, to, ...(error ? { error } : {}) });
    } catch {
      // A listener's bug must not break delivery.
    }
  }
}
