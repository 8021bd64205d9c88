import type { Logger } from "@iw/core";

/** What {@link NodeSet} needs to know about one node. */
export interface NodeHealth {
  readonly label: string;
  /** Requests in progress on this node. */
  inFlight: number;
  /** Consecutive failed attempts. */
  failures: number;
  /** 0 while healthy; otherwise when the node may be probed again (epoch ms). */
  downUntil: number;
  /** A probe request is in progress on this down node. */
  probing: boolean;
}

/** A node's state as reported by `LogstashSink.nodes()`. */
export interface NodeStatus {
  readonly url: string;
  readonly state: "up" | "down";
  readonly inFlight: number;
  readonly failures: number;
  /** When a down node is next tried (ISO 8601), or null while up. */
  readonly retryAt: string | null;
}

/**
 * Health and selection of several Logstash nodes, the way Beats' `loadbalance` does it: batches go
 * to the healthy node with the fewest requests in flight (round-robin among equals); a node that
 * fails is taken out for a doubling pause, then probed with one real batch and put back when that
 * batch is delivered. When every node is out, they are still tried, the one due back first
 * first, so a send always makes a real attempt, finds a node that recovered early, and the
 * queue's own backoff paces a total outage.
 */
export class NodeSet<N extends NodeHealth> {
  readonly #nodes: readonly N[];
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #logger: Logger;
  readonly #now: () => number;
  #next = 0;

  constructor(nodes: readonly N[], opts: { initialMs: number; maxMs: number; logger: Logger; now?: () => number }) {
    this.#nodes = nodes;
    this.#initialMs = opts.initialMs;
    this.#maxMs = opts.maxMs;
    this.#logger = opts.logger;
    this.#now = opts.now ?? Date.now;
  }

  get all(): readonly N[] {
    return this.#nodes;
  }

  /**
   * The node for the next attempt, skipping `tried`: a paused node that is due for a probe, else
   * the healthy node with the fewest requests in flight, else the paused node due back first.
   * Undefined once every node was tried.
   */
  pick(tried: ReadonlySet<N>): N | undefined {
    const now = this.#now();
    const count = this.#nodes.length;
    let best: N | undefined;
    for (let i = 0; i < count; i++) {
      const node = this.#nodes[(this.#next + i) % count]!;
      if (tried.has(node)) continue;
      if (node.downUntil !== 0) {
        if (node.downUntil <= now && !node.probing) {
          node.probing = true;
          this.#next = (this.#next + i + 1) % count;
          return node;
        }
        continue;
      }
      if (best === undefined || node.inFlight < best.inFlight) best = node;
    }
    if (best !== undefined) {
      this.#next = (this.#nodes.indexOf(best) + 1) % count;
      return best;
    }
    let soonest: N | undefined;
    for (const node of this.#nodes) {
      if (!tried.has(node) && (soonest === undefined || node.downUntil < soonest.downUntil)) soonest = node;
    }
    return soonest;
  }

  /** The node delivered a batch: it is (back) in rotation. */
  up(node: N): void {
    const wasDown = node.downUntil !== 0;
    node.failures = 0;
    node.downUntil = 0;
    node.probing = false;
    if (wasDown) this.#logger.info(`Logstash node ${node.label} is back; batches go to it again`);
  }

  /**
   * The node failed an attempt: pause it, for at least `retryAfterMs` if the node asked, for the
   * longest pause if `hold` (credentials it refused are not fixed within seconds; probing it
   * sooner would only fill its logs). Logs one warning when the node goes from up to down, unless
   * `quiet` (the caller reports it itself).
   */
  down(
    node: N,
    reason: string,
    how: { readonly retryAfterMs?: number | undefined; readonly hold?: boolean; readonly quiet?: boolean } = {},
  ): void {
    const wasUp = node.downUntil === 0;
    node.failures += 1;
    const backoff = Math.min(this.#maxMs, this.#initialMs * 2 ** Math.min(node.failures - 1, 30));
    const asked = how.retryAfterMs === undefined ? backoff : Math.min(this.#maxMs, Math.max(how.retryAfterMs, 1));
    node.downUntil = this.#now() + (how.hold === true ? this.#maxMs : asked);
    node.probing = false;
    if (wasUp && how.quiet !== true) {
      const others = this.#nodes.length > 1 ? "batches go to the other nodes" : "batches wait and are retried";
      this.#logger.warn(`Logstash node ${node.label} is unavailable (${reason}); ${others}`);
    }
  }

  /** The attempt ended without saying anything about the node (aborted by close, 4xx). */
  release(node: N): void {
    node.probing = false;
  }

  status(): NodeStatus[] {
    return this.#nodes.map((n) => ({
      url: n.label,
      state: n.downUntil === 0 ? "up" : "down",
      inFlight: n.inFlight,
      failures: n.failures,
      retryAt: n.downUntil === 0 ? null : new Date(n.downUntil).toISOString(),
    }));
  }
}
