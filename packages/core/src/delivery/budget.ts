/**
 * The one bound of a sink: every event it holds (queued, waiting for a retry, in flight) is
 * charged here by its estimated size until it is delivered or dropped. Scan logs may use the
 * budget less the audit reserve; audit events may use all of it, so a scan flood can never
 * crowd them out. Nothing is ever evicted: a newcomer that does not fit is refused.
 */
export class ByteBudget {
  readonly limit: number;
  readonly auditReserve: number;
  #audit = 0;
  #scan = 0;

  constructor(limit: number, auditReserve: number) {
    this.limit = limit;
    this.auditReserve = auditReserve;
  }

  /** Bytes held now. */
  get held(): number {
    return this.#audit + this.#scan;
  }

  /** Charges `size` bytes if they fit; false (nothing charged) when they do not. */
  admit(size: number, audit: boolean): boolean {
    const held = this.#audit + this.#scan;
    if (held + size > this.limit) return false;
    if (audit) this.#audit += size;
    else if (this.#scan + size > this.limit - this.auditReserve) return false;
    else this.#scan += size;
    return true;
  }

  /** Gives back bytes charged by {@link admit}. */
  release(size: number, audit: boolean): void {
    if (audit) this.#audit = Math.max(0, this.#audit - size);
    else this.#scan = Math.max(0, this.#scan - size);
  }
}
