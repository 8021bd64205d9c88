import type { FailureReason } from "../sink/index.js";
import type { Mark } from "./batch.js";
import { backoffDelay } from "./backoff.js";
import type { QueueCounters, QueueState } from "./counters.js";
import type { QueueDiagnostics } from "./diagnostics.js";
import type { Evidence } from "./decide.js";
import type { QueueOptions, QueueStateChange } from "./queue-options.js";

/** The longest pause between probes of a destination that refuses connections. */
export const NETWORK_PROBE_MAX_MS = 1000;

/**
 * The sink-wide half of retry policy: whether the destination looks sick, and until when the
 * sink holds back. A failure that says "the destination is unavailable" opens the circuit for a
 * capped, jittered backoff (at least the server's `Retry-After`; `authPauseMs` when credentials
 * or TLS were refused); then one probe at a time goes out until one succeeds. The first success
 * closes it, and every batch kept for a retry is due at once.
 */
export class Circuit {
  readonly #opts: QueueOptions;
  readonly #counters: QueueCounters;
  readonly #diag: QueueDiagnostics;
  readonly #random: () => number;
  readonly #onChange: ((change: QueueStateChange) => void) | undefined;
  readonly #sink: string;
  /** Attempts that succeeded / failed so far: what batches compare their marks against. */
  #ok = 0;
  #fail = 0;
  /** Sink-wide failures since the last success. */
  #streak = 0;
  /** No attempt before this time (ms epoch). */
  #resumeAt = 0;
  /** A server's `Retry-After` holds until then, even across a recovery. */
  #notBefore = 0;
  /** The current outage has seen its credentials refused; reset on recovery. */
  #authRefused = false;

  constructor(
    sink: string,
    opts: QueueOptions,
    counters: QueueCounters,
    diag: QueueDiagnostics,
    random: () => number,
    onChange?: (change: QueueStateChange) => void,
  ) {
    this.#sink = sink;
    this.#opts = opts;
    this.#counters = counters;
    this.#diag = diag;
    this.#random = random;
    this.#onChange = onChange;
  }

  /** True while the destination looks sick: one probe at a time. */
  get open(): boolean {
    return this.#counters.state === "backoff";
  }

  /** When the sink may send again (ms epoch; in the past when it may now). */
  get resumeAt(): number {
    return this.#resumeAt;
  }

  /** Lifts the pause (not a server's `Retry-After`): `flush()` and `close()` send at once. */
  hurry(): void {
    this.#resumeAt = this.#notBefore;
  }

  mark(): Mark {
    return { ok: this.#ok, fail: this.#fail };
  }

  evidence(mark: Mark | undefined, alone: boolean): Evidence {
    if (mark === undefined) return { othersGotThrough: false, othersFailed: false, alone };
    return { othersGotThrough: this.#ok > mark.ok, othersFailed: this.#fail > mark.fail, alone };
  }

  /** An attempt succeeded. Returns true when that ends an outage. */
  succeeded(): boolean {
    this.#ok++;
    this.#streak = 0;
    this.#resumeAt = this.#notBefore;
    if (this.#counters.state !== "backoff") return false;
    this.setState("active");
    return true;
  }

  /**
   * The collector answered, but refused this payload (a 4xx, 413): it is up, so an outage is
   * over even though nothing was delivered.
   */
  answered(): void {
    this.#streak = 0;
    this.#resumeAt = this.#notBefore;
    if (this.#counters.state === "backoff") this.setState("active");
  }

  /** Counts a failed attempt (call before deciding, after reading the evidence). */
  failed(): void {
    this.#fail++;
  }

  /** The destination looks sick: pause the sink. */
  backOff(reason: FailureReason, error: Error, retryAfterMs: number | undefined): number {
    this.#streak++;
    const now = Date.now();
    let delay = backoffDelay({
      attempt: this.#streak,
      initialMs: this.#opts.retryInitialMs,
      maxMs: this.#opts.retryMaxMs,
      random: this.#random(),
      retryAfterMs,
    });
    // Nobody listening (refused, reset) costs a probe almost nothing, and probing often is what
    // lets delivery resume within a second of the collector's return.
    if (reason === "network") delay = Math.min(delay, Math.max(NETWORK_PROBE_MAX_MS, retryAfterMs ?? 0));
    // retryMaxMs caps every pause, this one too: an operator who set it means it.
    if (reason === "auth" || reason === "tls") delay = Math.max(delay, Math.min(this.#opts.authPauseMs, this.#opts.retryMaxMs));
    if (retryAfterMs !== undefined && retryAfterMs > 0)
      this.#notBefore = Math.max(this.#notBefore, now + Math.min(retryAfterMs, this.#opts.retryMaxMs));
    this.#resumeAt = Math.max(this.#resumeAt, now + delay);
    this.setState("backoff", error);
    return this.#resumeAt - now;
  }

  setState(to: QueueState, error?: Error): void {
    const from = this.#counters.state;
    // Within one outage, the first refusal of the credentials is news of its own (it becomes a
    // `sink_disabled` lifecycle event, retrying), even though the state stays `backoff`.
    const authRefused = to === "backoff" && (error as { code?: unknown } | undefined)?.code === "IW_AUTH";
    const authNews = authRefused && !this.#authRefused;
    this.#authRefused = to === "backoff" ? this.#authRefused || authRefused : false;
    if (from === to && !authNews) return;
    this.#counters.state = to;
    if (to === "backoff" && from !== to)
      this.#diag.report("state:backoff", "warn", () => ["collector failing: pausing and backing off", { from }]);
    if (to === "active") this.#diag.report("state:active", "info", () => ["collector answering again: delivery resumed", { from }]);
    try {
      this.#onChange?.({ sink: this.#sink, from, to, ...(error ? { error } : {}) });
    } catch {
      // A listener's bug must not break delivery.
    }
  }
}
