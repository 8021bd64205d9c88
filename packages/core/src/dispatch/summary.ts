import type { IwEvent, SummaryEvent } from "../events/index.js";
import { uuidv7 } from "../events/index.js";

/** Signatures listed in a summary, most frequent first. @default 10 */
export const DEFAULT_TOP_SIGNATURES = 10;

/**
 * Distinct signature ids counted per interval. Past it the least frequent half is forgotten, so a
 * flood of distinct ids (hostile input, a buggy host) costs bounded memory and O(log n) per id
 * amortized; a signature that really is among the top ones keeps its place.
 */
export const MAX_TRACKED_SIGNATURES = 1000;
/** Longer ids are counted as scans but not by name: the map would keep each such string alive. */
const MAX_SIGNATURE_ID_LENGTH = 128;

const DECISION_INDEX: Readonly<Record<string, number>> = { allow: 0, flag: 1, block: 2 };

/**
 * Counts the scan logs of one interval, by direction and decision, and how often each
 * signature matched. `observe` is on the emit path: a few integer increments and one map
 * update per match, no allocation for a scan without matches.
 */
export class TrafficSummary {
  // [input allow, flag, block, output allow, flag, block]
  readonly #counts = new Float64Array(6);
  #signatures = new Map<string, number>();
  #start: number;
  readonly #top: number;

  readonly #maxTracked: number;

  constructor(now: number = Date.now(), top: number = DEFAULT_TOP_SIGNATURES, maxTracked: number = MAX_TRACKED_SIGNATURES) {
    this.#start = now;
    this.#top = top;
    this.#maxTracked = Math.max(maxTracked, top);
  }

  /** Counts one event if it is a (non-test) scan log; anything else is ignored. */
  observe(event: IwEvent): void {
    if (event.log_type !== "scan" || event.test === true) return;
    const d = event.direction === "output" ? 3 : event.direction === "input" ? 0 : -1;
    const c = DECISION_INDEX[event.decision];
    if (d < 0 || c === undefined) return;
    this.#counts[d + c]! += 1;
    const matches = event.matches;
    if (!Array.isArray(matches)) return;
    for (let i = 0; i < matches.length; i++) {
      const id = matches[i]?.signature_id;
      if (typeof id === "string" && id.length <= MAX_SIGNATURE_ID_LENGTH) this.#count(id);
    }
  }

  /** How many distinct ids are held now (at most the bound). */
  get tracked(): number {
    return this.#signatures.size;
  }

  #count(id: string): void {
    const known = this.#signatures.get(id);
    if (known !== undefined) {
      this.#signatures.set(id, known + 1);
      return;
    }
    if (this.#signatures.size >= this.#maxTracked) this.#forgetRarest();
    this.#signatures.set(id, 1);
  }

  #forgetRarest(): void {
    const keep = [...this.#signatures].sort((a, b) => b[1] - a[1]).slice(0, Math.max(this.#top, this.#maxTracked >> 1));
    this.#signatures = new Map(keep);
  }

  /** Whether the current interval has seen any scan. */
  pending(): boolean {
    return this.#counts.some((n) => n > 0);
  }

  /** Builds the summary of the interval that ends `now` and starts the next one. */
  take(now: number = Date.now(), fields: { service?: string; host?: string } = {}): SummaryEvent {
    const c = this.#counts;
    const top = [...this.#signatures]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, this.#top)
      .map(([signature_id, count]) => ({ signature_id, count }));
    const event: SummaryEvent = {
      log_type: "summary",
      event_id: uuidv7(now),
      timestamp: new Date(now).toISOString(),
      ...(fields.service === undefined ? {} : { service: fields.service }),
      ...(fields.host === undefined ? {} : { host: fields.host }),
      interval_start: new Date(this.#start).toISOString(),
      interval_end: new Date(now).toISOString(),
      scans: {
        total: c[0]! + c[1]! + c[2]! + c[3]! + c[4]! + c[5]!,
        input: { allow: c[0]!, flag: c[1]!, block: c[2]! },
        output: { allow: c[3]!, flag: c[4]!, block: c[5]! },
      },
      top_signatures: top,
    };
    c.fill(0);
    this.#signatures = new Map();
    this.#start = now;
    return event;
  }
}
