import { withDeadline } from "./deadline.js";
import { IdleWaiters } from "./idle-waiters.js";
import { QueueTimers } from "./timers.js";
import { prepareBatch } from "./prepare.js";
import { IwError } from "../diagnostics/index.js";
import type { IwEvent } from "../events/index.js";
import type { FailureReason, Sink } from "../sink/index.js";
import type { DropReason, SinkStats } from "./stats.js";
import { uuidv7 } from "../events/index.js";
import { reasonOf, startAttempt } from "./attempt.js";
import type { AttemptOutcome } from "./attempt.js";
import { backoffDelay } from "./backoff.js";
import type { Batch } from "./batch.js";
import { batchBytes, keepOnly, splitBatch } from "./batch.js";
import { Batcher } from "./batcher.js";
import { Circuit } from "./circuit.js";
import { QueueCounters } from "./counters.js";
import { decide } from "./decide.js";
import { QueueDiagnostics } from "./diagnostics.js";
import type { QueueDeps, QueueOptions } from "./queue-options.js";
import { resolveOptions } from "./resolve-options.js";
import { estimateSize } from "./size-estimate.js";
import { ReadyList } from "./ready-list.js";
import { SpoolTier, encodeForSpool, readBack } from "./spool-tier.js";
import type { QueueSpool } from "./spool-tier.js";
import { DropLog } from "./drop-log.js";

/** Deadline of `flush()` / `close()` when none is given. @default 5000 */
export const DEFAULT_FLUSH_TIMEOUT_MS = 5000;

/**
 * One sink's delivery: events wait in the {@link Batcher} (two lanes under one byte budget),
 * leave in batches on count, bytes or age, at most `maxConcurrency` at a time, each attempt
 * under a deadline. A failed batch goes back to the {@link ReadyList} and {@link decide} says
 * whether the destination is sick (the {@link Circuit} pauses the sink) or refuses this payload
 * (split it, drop what it keeps refusing). `push` is synchronous, O(1) and never throws.
 *
 * Invariant at every moment: `emitted == delivered + dropped.total + queued + inFlight`, and the
 * bytes held (queued, waiting for a retry, in flight) never exceed `maxQueueBytes`.
 */
export class DeliveryQueue {
  /** The sink's name. */
  readonly name: string;
  readonly #sink: Sink;
  readonly #opts: QueueOptions;
  readonly #deps: QueueDeps;
  readonly #batcher: Batcher;
  readonly #counters = new QueueCounters();
  readonly #diag: QueueDiagnostics;
  readonly #circuit: Circuit;
  readonly #drops: DropLog;
  /** Batches kept for (another) attempt, in emission order: retries, split halves. */
  readonly #ready = new ReadyList();
  readonly #sending = new Set<Batch>();
  readonly #timers = new QueueTimers();
  /** The oldest queued event is older than `flushIntervalMs`: send partial batches. */
  #due = false;
  /** One pump that ignores the pause and the one-probe rule (`flush()` / `close()`). */
  #hurry = false;
  #pumpScheduled = false;
  #flushing = 0;
  #closed = false;
  #closePromise: Promise<boolean> | undefined;
  readonly #waiters = new IdleWaiters();
  /** The disk half of the queue, while the sink spools. */
  #tier: SpoolTier | undefined;

  /** @throws IwConfigError when an option is not a positive number. */
  constructor(sink: Sink, options: Partial<QueueOptions> = {}, deps: QueueDeps = {}) {
    this.#sink = sink;
    this.name = sink.name;
    this.#opts = resolveOptions(sink.name, options);
    this.#deps = deps;
    this.#batcher = new Batcher(this.#opts.maxQueueBytes, this.#opts.auditReserveBytes);
    this.#diag = new QueueDiagnostics(sink.name, deps.logger);
    this.#drops = new DropLog(this.#counters, this.#diag);
    this.#circuit = new Circuit(sink.name, this.#opts, this.#counters, this.#diag, deps.random ?? Math.random, deps.onStateChange);
    if (deps.spool !== undefined) this.#startSpool(deps.spool);
  }

  /**
   * Queues one event of `size` estimated bytes (estimated here when not given). Synchronous,
   * O(1), no I/O, never throws; an event the budget has no room for is dropped `queue_full`.
   */
  push(event: IwEvent, size?: number): void {
    const c = this.#counters;
    c.emitted++;
    try {
      if (this.#closed) return this.#dropped("closed", 1);
      if (c.state === "disabled") return this.#dropped("disabled", 1);
      const audit = event.log_type === "audit";
      if (this.#tier !== undefined) return this.#pushSpooled(this.#tier, event, audit);
      const bytes = size ?? (this.#deps.sizeOf ?? estimateSize)(event);
      if (!this.#batcher.push(event, bytes, audit)) return this.#dropped("queue_full", 1, undefined, audit ? "audit" : "scan");
      this.#pushed();
    } catch {
      this.#dropped("malformed", 1); // e.g. `event` is null: counted, never thrown at the host
    }
  }

  /** A new event is in the lanes: send when a batch is full, else when the first event is old enough. */
  #pushed(): void {
    const b = this.#batcher;
    if (b.length >= this.#opts.maxBatchSize || b.bytes >= this.#opts.maxBatchBytes) this.#schedulePump();
    else if (!this.#timers.ageArmed) this.#armAgeTimer();
  }

  /**
   * Spooling: the event is redacted and serialized now (what the spool holds is what the sink
   * would send), appended (written in groups, off this call), and held in memory too while the
   * budget allows and nothing is waiting on disk before it.
   */
  #pushSpooled(tier: SpoolTier, raw: IwEvent, audit: boolean): void {
    const encoded = encodeForSpool(raw, this.#deps.transform);
    if (encoded instanceof Error) return this.#dropped("malformed", 1, encoded);
    const { event, json } = encoded;
    const lane = audit ? "audit" : "scan";
    const seq = tier.spool.append(json, audit);
    if (seq === undefined) {
      if (tier.spool.failed === undefined) return this.#dropped("spool_full", 1, undefined, lane);
      this.#spoolFailed();
      if (!this.#batcher.push(event, json.length, audit)) return this.#dropped("queue_full", 1, undefined, lane);
      return this.#pushed();
    }
    tier.lastSeq = seq;
    if (tier.spilled === 0 && this.#batcher.push(event, json.length, audit, seq)) return this.#pushed();
    tier.spill(seq);
  }

  /** Counts one event refused before queueing (the dispatcher's malformed events). */
  recordDropped(reason: DropReason): void {
    this.#counters.emitted++;
    this.#dropped(reason, 1);
  }

  /** A consistent snapshot of this sink's counters. */
  stats(): SinkStats {
    return this.#counters.snapshot(
      this.name,
      this.#batcher.length,
      this.#tier?.spilled ?? 0,
      this.#batcher.budget.held,
      this.#opts.maxQueueBytes,
    );
  }

  /** The sink keeps its events in a disk spool too. */
  get spooling(): boolean {
    return this.#tier !== undefined;
  }

  /** Events held (queued, waiting for a retry or in flight). */
  get pending(): number {
    return this.#batcher.length + this.#counters.inFlight + (this.#tier?.spilled ?? 0);
  }

  /**
   * Sends everything held now at once (partial batches, and batches waiting for a retry,
   * whatever their backoff; a server's `Retry-After` still holds) and resolves to whether the
   * queue became empty within `timeoutMs`. Never rejects; a call made while a flush is in
   * progress shares its promise, unless it asks to wait longer.
   * While it is pending, its deadline timer keeps the process alive (at most `timeoutMs`), so
   * that a host awaiting it at shutdown really gets the retries it is waiting for.
   */
  flush(timeoutMs: number = DEFAULT_FLUSH_TIMEOUT_MS): Promise<boolean> {
    return this.#waiters.shared(timeoutMs, () => this.#waitIdle(timeoutMs));
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
      const spooled = this.#tier !== undefined;
      if (left > 0)
        this.#diag.always(
          "warn",
          spooled ? `closed with ${left} events kept in the spool for the next start` : `closed with ${left} events undelivered`,
          spooled ? { spooled: left } : { dropped: left },
        );
      const remaining = Math.max(timeoutMs - (Date.now() - started), 1000);
      await withDeadline(this.#sink.close(), remaining);
      if (this.#tier !== undefined) await withDeadline(this.#tier.spool.close(), remaining);
    } catch (err) {
      this.#diag.always("warn", `error while closing: ${err instanceof Error ? err.message : String(err)}`);
    }
    return drained;
  }

  #waitIdle(timeoutMs: number): Promise<boolean> {
    if (this.#isIdle()) return Promise.resolve(true);
    this.#flushing++;
    this.#ready.dueNow();
    this.#circuit.hurry();
    this.#hurry = true;
    this.#schedulePump();
    return this.#waiters.wait(timeoutMs, () => this.#flushing--);
  }

  #isIdle(): boolean {
    return this.#batcher.length === 0 && this.#counters.inFlight === 0 && (this.#tier?.spilled ?? 0) === 0;
  }

  #checkIdle(): void {
    if (this.#waiters.size > 0 && this.#isIdle()) this.#waiters.settle(true);
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => this.#pump());
  }

  #armAgeTimer(): void {
    this.#timers.armAge(this.#opts.flushIntervalMs, () => {
      this.#due = true;
      this.#pump();
    });
  }

  #wake(at: number): void {
    this.#timers.wakeAt(at, () => this.#pump());
  }

  /** Starts as many attempts as the circuit, the concurrency limit and the batching rules allow. */
  #pump(): void {
    this.#pumpScheduled = false;
    if (this.#counters.state === "disabled") return this.#checkIdle();
    const now = Date.now();
    const hurry = this.#hurry;
    this.#hurry = false;
    if (!hurry && now < this.#circuit.resumeAt) {
      this.#wake(this.#circuit.resumeAt);
    } else if (!hurry && this.#circuit.open) {
      // Half-open: one probe at a time (see ReadyList.takeProbe: the oldest batch, unless it keeps
      // failing), so one batch the collector refuses cannot stand between the sink and recovery.
      if (this.#sending.size === 0) {
        const probe = this.#ready.takeProbe(now, this.#batcher.length > 0) ?? this.#assemble(true);
        if (probe !== undefined) this.#send(probe);
      }
    } else {
      while (this.#sending.size < this.#opts.maxConcurrency) {
        const batch = this.#ready.takeDue(now) ?? this.#assemble(false);
        if (batch === undefined) break;
        this.#send(batch);
      }
    }
    const next = this.#ready.nextDueAt(now);
    if (next !== undefined) this.#wake(next);
    const tier = this.#tier;
    if (tier !== undefined && tier.spool.failed !== undefined) this.#spoolFailed();
    else if (tier !== undefined && tier.spilled > 0 && !tier.reading && this.#batcher.budget.held <= this.#opts.maxQueueBytes / 2)
      void this.#refill(tier);
    if (this.#batcher.length === 0) this.#due = false;
    else if (!this.#due && !this.#timers.ageArmed && !this.#closed) this.#armAgeTimer();
    this.#checkIdle();
  }

  /** A new batch from the lanes: when full, due by age, flushing, or `force`d (a probe). */
  #assemble(force: boolean): Batch | undefined {
    const b = this.#batcher;
    if (b.length === 0) return undefined;
    const { maxBatchSize, maxBatchBytes } = this.#opts;
    if (!force && b.length < maxBatchSize && b.bytes < maxBatchBytes && !this.#due && this.#flushing === 0) return undefined;
    const transform = this.#tier === undefined ? this.#deps.transform : undefined; // a spooling sink redacted at push
    const batch = b.assemble(uuidv7(), maxBatchSize, maxBatchBytes, transform, (err, seq) => {
      this.#tier?.ack([seq]);
      this.#dropped("malformed", 1, err);
    });
    if (batch !== undefined) this.#counters.inFlight += batch.events.length;
    return batch;
  }

  #send(batch: Batch): void {
    batch.attempt++;
    this.#sending.add(batch);
    if (this.#sink.prepare !== undefined && batch.prepared === undefined) {
      void this.#prepare(batch).then((ready) => {
        if (ready) this.#attempt(batch);
      });
    } else {
      this.#attempt(batch);
    }
  }

  /** Builds the batch's payload once; false when it is not to be sent (settled or abandoned). */
  async #prepare(batch: Batch): Promise<boolean> {
    const result = await prepareBatch(
      this.#sink as Sink & Required<Pick<Sink, "prepare">>,
      batch.events,
      batch.id,
      this.#opts.attemptTimeoutMs,
    );
    if (!this.#sending.has(batch)) return false; // abandoned (close, disable) meanwhile
    if ("outcome" in result) {
      this.#sending.delete(batch);
      this.#settle(batch, result.outcome);
      this.#schedulePump();
      return false;
    }
    const { prepared } = result;
    if (prepared.events !== undefined && prepared.events.length < batch.events.length) {
      const left = keepOnly(batch, prepared.events);
      this.#tier?.ack(left.seqs);
      this.#batcher.budget.release(left.audit, true);
      this.#batcher.budget.release(left.scan, false);
      this.#counters.inFlight -= left.count;
      this.#dropped("malformed", left.count);
    }
    batch.prepared = { payload: prepared.payload };
    if (batch.events.length > 0) return true;
    this.#sending.delete(batch);
    this.#schedulePump();
    return false;
  }

  #attempt(batch: Batch): void {
    const ctx = { attempt: batch.attempt, batchId: batch.id, payload: batch.prepared?.payload };
    const started = performance.now();
    batch.running = startAttempt(this.#sink, batch.events, ctx, this.#opts.attemptTimeoutMs, (outcome) => {
      this.#counters.observeDuration(performance.now() - started);
      batch.running = undefined;
      this.#sending.delete(batch);
      this.#settle(batch, outcome);
      this.#schedulePump();
    });
  }

  #settle(batch: Batch, outcome: AttemptOutcome): void {
    const c = this.#counters;
    const n = batch.events.length;
    if (outcome.status === "success") {
      // A sink may leave out events it could not serialize and still deliver the rest; a
      // collector may take a batch but refuse some of it (a partial success).
      const malformed = Math.min(n, Math.max(0, Math.trunc(outcome.malformed ?? 0)));
      const rejected = Math.min(n - malformed, Math.max(0, Math.trunc(Number(outcome.rejected?.count) || 0)));
      this.#finish(batch);
      c.delivered += n - malformed - rejected;
      if (malformed > 0) this.#dropped("malformed", malformed);
      c.truncated += Math.min(n - malformed, Math.max(0, Math.trunc(outcome.truncated ?? 0)));
      if (rejected > 0) this.#dropped("rejected", rejected, outcome.rejected?.error);
      c.lastSuccessAt = new Date().toISOString();
      this.#circuit.succeeded();
      return;
    }
    c.recordError(outcome.error);
    if (c.state === "disabled") return this.#drop(batch, "disabled", outcome.error);
    const reason = reasonOf(outcome);
    const alone = this.#ready.length === 0 && this.#sending.size === 0 && this.#batcher.length === 0;
    const evidence = this.#circuit.evidence(batch.mark, alone);
    this.#circuit.failed();
    const disable = outcome.status === "failure" && outcome.disable === true;
    const decision = decide(batch, outcome.status, reason, disable, evidence, this.#opts);
    if ((outcome.status === "failure" && reason !== "serialize") || outcome.status === "too_large") this.#circuit.answered();
    switch (decision.kind) {
      case "retry":
        return this.#retry(batch, outcome, reason, decision.sinkWide);
      case "split":
        return this.#split(batch, outcome.error, reason);
      case "drop":
        return this.#drop(batch, decision.reason, outcome.error);
      case "disable":
        this.#drop(batch, "rejected", outcome.error);
        return this.#disable(outcome.error);
    }
  }

  #retry(batch: Batch, outcome: Exclude<AttemptOutcome, { status: "success" }>, reason: FailureReason, sinkWide: boolean): void {
    const error = outcome.error;
    batch.failures++;
    this.#counters.retried++;
    if (sinkWide) {
      const retryAfterMs = outcome.status === "retryable" ? outcome.retryAfterMs : undefined;
      const delay = this.#circuit.backOff(reason, error, retryAfterMs);
      this.#diag.report("retry", "warn", () => [
        `delivery failed, retrying in ${delay} ms: ${error.message}`,
        {
          attempt: batch.attempt,
          events: batch.events.length,
          code: (error as { code?: unknown }).code,
          queued: this.#batcher.length,
          dropped: this.#counters.droppedTotal,
        },
      ]);
    } else {
      batch.refusals++;
      const delay = backoffDelay({
        attempt: batch.refusals,
        initialMs: this.#opts.retryInitialMs,
        maxMs: this.#opts.retryMaxMs,
        random: (this.#deps.random ?? Math.random)(),
      });
      batch.dueAt = Date.now() + delay;
      const id = batch.events[0]?.event_id ?? "?";
      this.#diag.report("refused", "info", () => [
        `the collector refused event ${id} while other events got through (${batch.refusals} of ${this.#opts.maxRefusals} tries): ${error.message}`,
      ]);
    }
    batch.mark = this.#circuit.mark();
    this.#ready.insert(batch);
  }

  /** Narrows a batch down: each half is prepared and sent on its own (new ids). */
  #split(batch: Batch, error: Error, reason: string): void {
    const halves = splitBatch(batch, [uuidv7(), uuidv7()], this.#circuit.mark());
    for (const half of halves) this.#ready.insert(half);
    const n = batch.events.length;
    const why = reason === "too_large" ? "as too large" : reason === "serialize" ? "as unencodable" : `(${error.message})`;
    this.#diag.report(`split:${reason}`, "info", () => [
      `a batch of ${n} events was refused ${why}; splitting it to find the events at fault`,
    ]);
  }

  /** The batch left flight: delivered or dropped (its spool records released), or kept in the spool (`ack` false). */
  #finish(batch: Batch, ack = true): void {
    const bytes = batchBytes(batch);
    this.#batcher.budget.release(bytes.audit, true);
    this.#batcher.budget.release(bytes.scan, false);
    this.#counters.inFlight -= batch.events.length;
    if (ack && batch.seqs !== undefined) this.#tier?.ack(batch.seqs);
  }

  #drop(batch: Batch, reason: DropReason, error?: unknown): void {
    this.#finish(batch);
    this.#drops.batch(batch.events, reason, error);
  }

  #dropped(reason: DropReason, n: number, error?: unknown, lane?: "audit" | "scan"): void {
    this.#drops.count(reason, n, error, lane);
  }

  #disable(error: Error): void {
    if (this.#counters.state === "disabled") return;
    this.#circuit.setState("disabled", error);
    this.#counters.recordError(error);
    this.#diag.always("error", `sink disabled, every further event is dropped: ${error.message}`);
    this.#abandon("disabled", undefined, false);
  }

  /** Opens the disk tier: an earlier run's backlog is read back before anything new. */
  #startSpool(spool: QueueSpool): void {
    const tier = new SpoolTier(spool);
    this.#tier = tier;
    this.#batcher.tagged = true;
    spool.onFailure?.(() => {
      if (this.#tier === tier) this.#spoolFailed();
    });
    const backlog = tier.start();
    if (backlog === 0) return;
    this.#counters.emitted += backlog;
    this.#diag.always("info", `replaying ${backlog} event${backlog === 1 ? "" : "s"} left in the spool by an earlier run`, {
      replaying: backlog,
    });
    this.#schedulePump();
  }

  /** Reads spilled events back into memory, oldest first, as far as the budget allows. */
  async #refill(tier: SpoolTier): Promise<void> {
    const room = Math.max(64 * 1024, this.#opts.maxQueueBytes - this.#batcher.budget.held);
    const done = await readBack(tier, Math.min(room, 4 * 1024 * 1024), (event, size, audit, seq) =>
      this.#batcher.push(event, size, audit, seq),
    );
    if (this.#tier !== tier) return; // failed or closed meanwhile
    if (tier.spool.failed !== undefined) return this.#spoolFailed();
    if (done.malformed > 0) this.#dropped("malformed", done.malformed);
    if (done.missing > 0) this.#dropped("spool_failed", done.missing);
    if (done.moved > 0) this.#pushed();
    this.#schedulePump();
  }

  /** The spool failed (disk error): events held only on disk are lost; memory carries on alone. */
  #spoolFailed(): void {
    const tier = this.#tier;
    if (tier === undefined) return;
    this.#tier = undefined;
    const lost = tier.spilled;
    tier.spilled = 0;
    if (lost > 0) this.#dropped("spool_failed", lost, tier.spool.failed);
    this.#diag.always("error", `the spool failed, delivery goes on from memory only: ${tier.spool.failed?.message ?? "unknown error"}`);
    this.#checkIdle();
  }

  /**
   * Drops everything queued or waiting for a retry; with `abort` set, also in-flight requests.
   * Returns how many events were dropped.
   */
  #abandon(reason: DropReason, abortReason?: Error, abort = true): number {
    // Closing a spooling sink keeps what is left on disk for the next start: not dropped, not
    // acknowledged, counted as spooled. Anything else drops it, and releases it from the spool.
    const keep = reason === "closed" && this.#tier !== undefined && this.#tier.spool.failed === undefined;
    const tier = this.#tier;
    if (!keep && tier !== undefined) {
      this.#batcher.forEachSeq((seq) => {
        if (seq > 0) tier.spool.ack(seq);
      });
    }
    let n = this.#batcher.clear();
    if (n > 0 && !keep) this.#counters.drop(reason, n);
    this.#timers.clear();
    const batches = this.#ready.takeAll();
    if (abort) batches.push(...this.#sending);
    for (const batch of batches) {
      batch.running?.abort(abortReason ?? new IwError("IW_SEND_ABORTED", `${this.name}: ${reason}`));
      this.#sending.delete(batch);
      n += batch.events.length;
      this.#finish(batch, !keep);
      if (!keep) this.#counters.drop(reason, batch.events.length);
    }
    if (tier !== undefined) {
      if (keep) {
        // Everything this sink still holds is on disk now: what was only there, and what memory had.
        const onDiskOnly = tier.spilled;
        tier.spilled += n;
        n += onDiskOnly;
      } else {
        const spilled = tier.ackSpilled();
        if (spilled > 0) this.#counters.drop(reason, spilled);
        n += spilled;
      }
    }
    // close() gave up on these events: a flush still waiting did not drain.
    if (abort) this.#waiters.settle(n === 0);
    else this.#checkIdle();
    return n;
  }
}
