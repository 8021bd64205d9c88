// Shared by spool.mjs and spool-replay.mjs.
import { accounting } from "./common.mjs";

/**
 * common.mjs's accounting with the spool's term: with a spool the invariant is
 * `emitted == delivered + dropped.total + queued + inFlight + spooled`.
 */
export function spoolAccounting(stats) {
  const t = accounting(stats);
  t.spooled = stats.reduce((n, s) => n + (s.spooled ?? 0), 0);
  t.holds = stats.every((s) => s.emitted === s.delivered + s.dropped.total + s.queued + s.inFlight + (s.spooled ?? 0));
  return t;
}
