/** What the exit guard needs of a dispatcher. */
export interface ExitParticipant {
  /** Events held now (queued, waiting for a retry, in flight). */
  pending(): number;
  /** Sends what is held; resolves to whether everything drained within `timeoutMs`. */
  flush(timeoutMs: number): Promise<boolean>;
  /** How long the exit flush may keep the process up. */
  readonly exitFlushMs: number;
  /** Writes the one line said at exit when events are left (synchronously). */
  report(undelivered: number): void;
}

interface Entry {
  flushing: boolean;
  gaveUp: boolean;
}

const live = new Map<ExitParticipant, Entry>();
let installed = false;

/**
 * The event loop emptied with events still held: a host that never called `close()` is about
 * to exit. Flush each dispatcher once, bounded by its `exitFlushMs` (the flush's own deadline
 * timer keeps the process up that long and no longer); when the loop empties again the process
 * exits. Like pino's exit flush (on-exit-leak-free), nothing is installed on signals.
 */
function onBeforeExit(): void {
  for (const [p, entry] of live) {
    if (entry.flushing || entry.gaveUp || p.exitFlushMs <= 0 || safePending(p) === 0) continue;
    entry.flushing = true;
    p.flush(p.exitFlushMs).then(
      (drained) => {
        entry.flushing = false;
        if (!drained) entry.gaveUp = true;
      },
      () => {
        entry.flushing = false;
        entry.gaveUp = true;
      },
    );
  }
}

/** The process is exiting (`process.exit()`, or the loop emptied): say what is lost. */
function onExit(): void {
  for (const p of live.keys()) {
    const n = safePending(p);
    if (n > 0) {
      try {
        p.report(n);
      } catch {
        // Nothing more can be done at exit.
      }
    }
  }
}

function safePending(p: ExitParticipant): number {
  try {
    return p.pending();
  } catch {
    return 0;
  }
}

/** Watches `p` until {@link unwatchExit}: flushed when the loop empties, reported at exit. */
export function watchExit(p: ExitParticipant): void {
  live.set(p, { flushing: false, gaveUp: false });
  if (installed) return;
  installed = true;
  process.on("beforeExit", onBeforeExit);
  process.on("exit", onExit);
}

/** Stops watching `p` (it was closed); the process hooks go when nothing is watched. */
export function unwatchExit(p: ExitParticipant): void {
  live.delete(p);
  if (live.size > 0 || !installed) return;
  installed = false;
  process.off("beforeExit", onBeforeExit);
  process.off("exit", onExit);
}
