import type { EventView, Field } from "./attributes.js";
import type { Out } from "./fit.js";
import type { Classification } from "./mapping.js";
import { cutEscaped } from "./text.js";

/** The device identity in CEF and LEEF headers. */
export interface DeviceIdentity {
  readonly vendor: string;
  readonly product: string;
  readonly version: string;
  /** `CEF:0|Vendor|Product|Version|`, escaped, built once (see {@link deviceIdentity}). */
  readonly cefPrefix: string;
}

/** The device identity with its CEF header prefix. */
export function deviceIdentity(vendor: string, product: string, version: string): DeviceIdentity {
  return {
    vendor,
    product,
    version,
    cefPrefix: `CEF:0|${escapeCefHeader(vendor)}|${escapeCefHeader(product)}|${escapeCefHeader(version)}|`,
  };
}

const HEADER_ESCAPES = /[\\|]/g;
const HAS_HEADER_ESCAPE = /[\\|\r\n]/;
const LINE_BREAKS = /\r\n|[\r\n]/g;
const VALUE_ESCAPES = /[\\=\r\n]/g;
const HAS_VALUE_ESCAPE = /[\\=\r\n]/;

/**
 * A CEF header field: `\` and `|` get a backslash; a line break, which the header cannot carry,
 * becomes a space ("Implementing ArcSight CEF", character encoding).
 */
export function escapeCefHeader(value: string): string {
  return HAS_HEADER_ESCAPE.test(value) ? value.replace(HEADER_ESCAPES, "\\$&").replace(LINE_BREAKS, " ") : value;
}

/** A CEF extension value: `\` and `=` get a backslash, CR and LF become `\r` and `\n`. */
export function escapeCefValue(value: string): string {
  if (!HAS_VALUE_ESCAPE.test(value)) return value;
  return value.replace(VALUE_ESCAPES, (ch) => (ch === "\r" ? "\\r" : ch === "\n" ? "\\n" : `\\${ch}`));
}

/**
 * `CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|ext…` after `prefix` (the syslog
 * header): the extension's first field is `externalId` (the event id, never given up), then
 * ` key=value` pieces; a custom field carries its label (`cs1Label=policy cs1=default`).
 */
export function writeCef(out: Out, prefix: string, view: EventView, c: Classification, device: DeviceIdentity): void {
  const head = `${prefix}${device.cefPrefix}${escapeCefHeader(c.eventClass)}|${escapeCefHeader(c.name)}|${c.score}|`;
  const { fields, values } = view;
  let first = true;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.cef === undefined) continue;
    if (first) {
      // The extension starts right after the last `|`: no leading space, and never dropped.
      out.push(`${head}${f.cef}=${escapeCefValue(values[i]!)}`);
      first = false;
    } else {
      extension(out, f, f.cef, values[i]!);
    }
  }
}

function extension(out: Out, f: Field, key: string, value: string): void {
  const lead = f.cefLabel === undefined ? ` ${key}=` : ` ${key}Label=${escapeCefValue(f.cefLabel)} ${key}=`;
  const text = lead + escapeCefValue(value);
  if (!out.slow || !f.free) return out.push(text, f.keep);
  out.push(text, f.keep, (room) => {
    const left = room - lead.length;
    return left <= 0 ? undefined : lead + cutEscaped(value, left, escapeCefValue);
  });
}
