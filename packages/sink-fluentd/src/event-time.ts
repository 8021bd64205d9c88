/** Fluentd's EventTime: seconds and nanoseconds since the Unix epoch (msgpack ext type 0). */
export class EventTime {
  constructor(
    readonly seconds: number,
    readonly nanoseconds: number,
  ) {}
}

/** msgpack ext type of EventTime in the forward protocol. */
export const EVENT_TIME_EXT_TYPE = 0;

const FRACTION = /\.(\d{1,9})/;
const Z = 90;
const DOT = 46;
const ZERO = 48;
// Consecutive events mostly share their second: remember the last "YYYY-MM-DDTHH:MM:SS" parsed.
let lastPrefix = "";
let lastSeconds = 0;

/**
 * Converts an ISO 8601 timestamp to an EventTime, keeping every digit of the fraction (up to
 * nanoseconds) instead of the milliseconds `Date.parse` keeps. An unparsable value maps to `now`
 * rather than failing the batch: the record still carries its `timestamp` string.
 */
export function eventTimeFromIso(iso: string, now: () => number = Date.now): EventTime {
  const n = iso.length;
  // Fast path for what the builders write: "YYYY-MM-DDTHH:MM:SS[.fraction]Z".
  if (n >= 20 && n <= 30 && iso.charCodeAt(n - 1) === Z && (n === 20 || iso.charCodeAt(19) === DOT)) {
    if (!iso.startsWith(lastPrefix) || lastPrefix === "") {
      const ms = Date.parse(`${iso.slice(0, 19)}Z`);
      if (!Number.isNaN(ms)) {
        lastPrefix = iso.slice(0, 19);
        lastSeconds = Math.floor(ms / 1000);
      }
    }
    if (iso.startsWith(lastPrefix) && lastPrefix !== "") {
      let nanoseconds = 0;
      let digits = 0;
      for (let i = 20; i < n - 1; i++) {
        const d = iso.charCodeAt(i) - ZERO;
        if (d < 0 || d > 9 || digits === 9) return slowPath(iso, now);
        nanoseconds = nanoseconds * 10 + d;
        digits++;
      }
      for (; digits < 9; digits++) nanoseconds *= 10;
      return new EventTime(lastSeconds, nanoseconds);
    }
  }
  return slowPath(iso, now);
}

function slowPath(iso: string, now: () => number): EventTime {
  let ms = Date.parse(iso);
  const valid = !Number.isNaN(ms);
  if (!valid) ms = now();
  const seconds = Math.floor(ms / 1000);
  const match = valid ? FRACTION.exec(iso) : null;
  const nanoseconds = match?.[1] !== undefined ? Number(match[1].padEnd(9, "0")) : (ms - seconds * 1000) * 1_000_000;
  return new EventTime(seconds, nanoseconds);
}

/** Seconds since the epoch as a float (in_http's numeric `time`), millisecond precision. */
export function epochSecondsFromIso(iso: string, now: () => number = Date.now): number {
  const ms = Date.parse(iso);
  return (Number.isNaN(ms) ? now() : ms) / 1000;
}
