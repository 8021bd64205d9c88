/** Resource types that mean "something is still open": sockets, servers, timers, processes. */
const WATCHED = new Set(["TCPSocketWrap", "TCPServerWrap", "TCPWRAP", "TLSWrap", "PipeWrap", "PipeServerWrap", "Timeout", "UDPWrap", "ProcessWrap", "FSEventWrap", "StatWatcher"]);

/** Counts the process's active resources by type (only the watched types). */
export function countHandles(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    if (WATCHED.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

/** Types that have more resources now than in `before`, as `"Type (+n)"`. */
export function leakedHandles(before: ReadonlyMap<string, number>, now: ReadonlyMap<string, number>): string[] {
  const leaked: string[] = [];
  for (const [type, count] of now) {
    const extra = count - (before.get(type) ?? 0);
    if (extra > 0) leaked.push(`${type} (+${extra})`);
  }
  return leaked;
}
