import type { EventView, Field } from "./attributes.js";
import { KEEP } from "./attributes.js";
import type { DeviceIdentity } from "./cef.js";
import type { Out } from "./fit.js";
import type { Classification } from "./mapping.js";
import { cutUtf8 } from "./text.js";

/** The attribute delimiter: a tab, as LEEF 1.0 fixes it, declared in the LEEF 2.0 header as `x09`. */
const DELIMITER = "\t";
/** LEEF has no escapes: a tab would split the attribute, a line break the event. */
const UNSAFE = /[\t\r\n]/g;
const HAS_UNSAFE = /[\t\r\n]/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The devTimeFormat QRadar documents for millisecond times with a zone (Java SimpleDateFormat). */
export const LEEF_TIME_FORMAT = "MMM dd yyyy HH:mm:ss.SSS z";

/** A LEEF value: tabs and line breaks become spaces. */
export function leefValue(value: string): string {
  return HAS_UNSAFE.test(value) ? value.replace(UNSAFE, " ") : value;
}

/** `Apr 06 2026 12:00:00.000 GMT`: the event time in {@link LEEF_TIME_FORMAT}, UTC. */
export function leefTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${MONTHS[d.getUTCMonth()]!} ${p(d.getUTCDate())} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)} GMT`;
}

/**
 * `LEEF:2.0|Vendor|Product|Version|EventID|x09|key=value<tab>key=value…` after `prefix` (the
 * syslog header). The first attribute is `eventId`, never given up; `devTime` follows with its
 * format. Header fields are checked at configuration (no `|`) or built from safe characters.
 */
export function writeLeef(out: Out, prefix: string, view: EventView, c: Classification, device: DeviceIdentity): void {
  const head = `${prefix}LEEF:2.0|${device.vendor}|${device.product}|${device.version}|${c.eventClass}|x09|`;
  const { fields, values } = view;
  let first = true;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.leef === undefined) continue;
    if (first) {
      out.push(`${head}${f.leef}=${leefValue(values[i]!)}`);
      first = false;
      if (view.timeMs !== undefined)
        out.push(`${DELIMITER}devTime=${leefTime(view.timeMs)}${DELIMITER}devTimeFormat=${LEEF_TIME_FORMAT}`, KEEP.identity);
    } else {
      attribute(out, f, f.leef, values[i]!);
    }
  }
}

function attribute(out: Out, f: Field, key: string, value: string): void {
  const lead = `${DELIMITER}${key}=`;
  const text = lead + leefValue(value);
  if (!out.slow || !f.free) return out.push(text, f.keep);
  out.push(text, f.keep, (room) => {
    const cut = cutUtf8(leefValue(value), room - lead.length);
    return cut === "" ? undefined : lead + cut;
  });
}
