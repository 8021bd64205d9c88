import type { EventView, Field } from "./attributes.js";
import { KEEP } from "./attributes.js";
import type { Out } from "./fit.js";
import type { HeaderFields } from "./header.js";
import { rfc5424Header } from "./header.js";
import type { Classification } from "./mapping.js";
import { cutEscaped, cutUtf8, oneLine } from "./text.js";

/** At most this many `iwMatch<n>@<PEN>` elements; `signatureIds` still lists every match. */
export const MAX_MATCH_ELEMENTS = 32;
/** RFC 5424 §6.4: a UTF-8 MSG starts with the byte order mark. */
const BOM = "\ufeff";
const PARAM_ESCAPES = /["\\\]]/g;
const HAS_PARAM_ESCAPE = /["\\\]]/;
const NOT_SD_NAME = /[^\x21-\x7e]|[="\]]/g;

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): `"`, `\` and `]` get a backslash. */
export function escapeParam(value: string): string {
  return HAS_PARAM_ESCAPE.test(value) ? value.replace(PARAM_ESCAPES, "\\$&") : value;
}

/** An SD-NAME (PARAM-NAME) from any key: printable ASCII without `=`, space, `]`, `"`; 1–32 characters. */
export function sdName(key: string): string {
  const s = key.replace(NOT_SD_NAME, "_").slice(0, 32);
  return s === "" ? "_" : s;
}

/** Options of {@link rfc5424Pieces}. */
export interface Rfc5424Options {
  readonly enterpriseId: string;
  /** Replace CR and LF in values by spaces (non-transparent framing). */
  readonly oneLine: boolean;
}

/**
 * `HEADER SP [iw@PEN …][iwMatch1@PEN …]…[iwDetails@PEN …] SP MSG`: the event's fields in the
 * `iw` element, each match in an element of its own (most severe first), an audit event's
 * `details` flattened into `iwDetails`, and the one-line summary as MSG.
 */
export function writeRfc5424(out: Out, view: EventView, c: Classification, h: HeaderFields, o: Rfc5424Options): void {
  const value = o.oneLine ? escapeOneLine : escapeParam;
  const pen = o.enterpriseId;
  out.push(`${rfc5424Header(h)} [iw@${pen}`);
  const { fields, values } = view;
  for (let i = 0; i < fields.length; i++) {
    const sd = fields[i]!.sd;
    if (sd !== undefined) param(out, fields[i]!, sd, values[i]!, value);
  }
  out.push("]");
  const matches = view.matches;
  for (let i = 0; i < matches.length && i < MAX_MATCH_ELEMENTS; i++) {
    const m = matches[i]!;
    const head = `[iwMatch${i + 1}@${pen} signatureId="${value(m.signature_id)}" severity="${m.severity}" score="${m.score}" confidence="${m.confidence}"`;
    out.push(
      `${head} matchedText="${value(m.matched_text)}"]`,
      KEEP.matches,
      out.slow
        ? (room) => {
            const left = room - Buffer.byteLength(head) - ' matchedText=""]'.length;
            return left < 0
              ? room >= Buffer.byteLength(head) + 1
                ? `${head}]`
                : undefined
              : `${head} matchedText="${cutEscaped(m.matched_text, left, value)}"]`;
          }
        : undefined,
    );
  }
  if (view.details !== undefined) {
    let text = "";
    for (const k in view.details) {
      const v = view.details[k];
      text += ` ${sdName(k)}="${value(typeof v === "string" ? v : (JSON.stringify(v) ?? String(v)))}"`;
    }
    if (text !== "") out.push(`[iwDetails@${pen}${text}]`, KEEP.details);
  }
  const msg = o.oneLine ? oneLine(c.summary) : c.summary;
  // ASCII is valid UTF-8 and needs no BOM; a receiver shows a BOM it does not expect as "ï»¿".
  const bom = NOT_PLAIN_ASCII.test(msg) ? BOM : "";
  out.push(
    ` ${bom}${msg}`,
    KEEP.summary,
    out.slow
      ? (room) => {
          const cut = cutUtf8(msg, room - 1 - Buffer.byteLength(bom));
          return cut === "" ? undefined : ` ${bom}${cut}`;
        }
      : undefined,
  );
}

const NOT_PLAIN_ASCII = /[^\x20-\x7e]/;
const escapeOneLine = (s: string): string => escapeParam(oneLine(s));

function param(out: Out, f: Field, name: string, raw: string, value: (s: string) => string): void {
  const text = ` ${name}="${value(raw)}"`;
  if (!out.slow || !f.free) return out.push(text, f.keep);
  out.push(text, f.keep, (room) => {
    const left = room - name.length - 4;
    return left <= 0 ? undefined : ` ${name}="${cutEscaped(raw, left, value)}"`;
  });
}
