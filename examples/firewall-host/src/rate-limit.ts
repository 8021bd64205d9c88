/**
 * A token bucket per API key: `ratePerSec` tokens a second, bursts up to one second's worth.
 * `ratePerSec <= 0` disables limiting. The clock is injectable so tests need no timers.
 */
export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #reports = new Map<string, { at: number; unreported: number }>();

  /**
   * @param ratePerSec Requests per second per key. `IW_DEMO_RATE_LIMIT`; 0 disables.
   * @param now Millisecond clock. @default performance.now
   */
  constructor(ratePerSec: number, now: () => number = () => performance.now()) {
    this.#rate = ratePerSec;
    this.#burst = Math.max(1, ratePerSec);
    this.#now = now;
  }

  /** Requests per second per key; 0 when disabled. */
  get ratePerSec(): number {
    return this.#rate > 0 ? this.#rate : 0;
  }

  /** Takes one token for `key`; false when the bucket is empty (answer 429). */
  take(key: string): boolean {
    if (this.#rate <= 0) return true;
    const now = this.#now();
    const bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      this.#buckets.set(key, { tokens: this.#burst - 1, at: now });
      return true;
    }
    bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#rate);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /**
   * Called on each rejection of `key`. Returns how many rejections an audit event should report
   * now (this one and those held back), or `undefined` while one was reported less than a second
   * ago: a flood of 429s must not flood the audit lane too.
   */
  reportRejection(key: string): number | undefined {
    const now = this.#now();
    const report = this.#reports.get(key);
    if (report === undefined) {
      this.#reports.set(key, { at: now, unreported: 0 });
      return 1;
    }
    report.unreported += 1;
    if (now - report.at < 1000) return undefined;
    const count = report.unreported;
    report.at = now;
    report.unreported = 0;
    return count;
  }

  /** Seconds until `key` has a token again (for `Retry-After`), at least 1. */
  retryAfterSec(key: string): number {
    const bucket = this.#buckets.get(key);
    if (bucket === undefined || this.#rate <= 0) return 1;
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#rate));
  }
}
