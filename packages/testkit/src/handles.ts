import { createHook } from "node:async_hooks";

/** Resource types that mean "something is still open": sockets, servers, timers, processes. */
const WATCHED = new Set([
  "TCPWRAP",
  "TCPSERVERWRAP",
  "TLSWRAP",
  "PIPEWRAP",
  "PIPESERVERWRAP",
  "UDPWRAP",
  "PROCESSWRAP",
  "Timeout",
  "FSEVENTWRAP",
  "STATWATCHER",
]);

/** Live resources created since {@link trackHandles} started. */
export interface HandleTracker {
  /** Types of the watched resources created meanwhile and still open, as `"Type (+n)"`. */
  open(): string[];
  /** Calls `fn` without tracking what it creates synchronously (the caller's own wait timer). */
  untracked<T>(fn: () => T): T;
  /** Stops tracking. Idempotent. */
  stop(): void;
}

/**
 * Records every socket, server, timer and child process created from now on, and forgets
 * each once it is destroyed: what is left after a sink's `close()` is what it leaked. Timers
 * that are `unref()`ed do not count (they keep nothing alive). Resources created by unrelated
 * code meanwhile would count too, so callers poll `open()` for a little while.
 */
export function trackHandles(): HandleTracker {
  const live = new Map<number, { type: string; resource: object }>();
  let paused = false;
  const hook = createHook({
    init(asyncId, type, _trigger, resource: object) {
      if (!paused && WATCHED.has(type)) live.set(asyncId, { type, resource });
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  });
  hook.enable();
  return {
    open() {
      const counts = new Map<string, number>();
      for (const { type, resource } of live.values()) {
        const ref = (resource as { hasRef?: () => boolean }).hasRef;
        if (type === "Timeout" && typeof ref === "function" && !ref.call(resource)) continue;
        if (type === "TLSWRAP" && ownerDestroyed(resource)) continue;
        counts.set(type, (counts.get(type) ?? 0) + 1);
      }
      return [...counts].map(([type, n]) => `${type} (+${n})`);
    },
    untracked(fn) {
      paused = true;
      try {
        return fn();
      } finally {
        paused = false;
      }
    },
    stop() {
      hook.disable();
    },
  };
}

/**
 * Node destroys a TLS wrap (for async_hooks) only when it is garbage-collected, long after its
 * socket was destroyed: a TLS wrap whose socket is destroyed is closed.
 */
function ownerDestroyed(resource: object): boolean {
  const owner = Object.getOwnPropertySymbols(resource).find((s) => s.description === "owner_symbol");
  const socket = owner === undefined ? undefined : (resource as Record<symbol, unknown>)[owner];
  return (socket as { destroyed?: unknown } | undefined)?.destroyed === true;
}
