/*
 * Strict CEF and LEEF parsers for the syslog receiver. CEF ("Implementing ArcSight CEF"): in
 * the header only `\|` and `\\` are escapes; in extension values `\=`, `\\`, `\n`, `\r`, and an
 * `=` or a line break that is not escaped is an error (a lenient parser would split the value
 * or the event there). LEEF 1.0/2.0 (IBM QRadar): tab-delimited `key=value` attributes, or the
 * delimiter the 2.0 header declares; LEEF has no escapes, so a line break is an error.
 */

/** A CEF or LEEF payload that breaks its format. */
export class SiemFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SiemFormatError";
  }
}

/** A parsed CEF event. */
export interface CefEvent {
  readonly version: number;
  readonly vendor: string;
  readonly product: string;
  readonly productVersion: string;
  readonly signatureId: string;
  readonly name: string;
  /** 0–10 (the words Low, Medium, High, Very-High are read as 3, 6, 8, 10). */
  readonly severity: number;
  /** Extension keys → unescaped values, in order. */
  readonly extension: Readonly<Record<string, string>>;
  /** Custom fields by label: `cs1Label=policy cs1=default` → `{ policy: "default" }`. */
  readonly labeled: Readonly<Record<string, string>>;
}

const SEVERITY_WORDS: Readonly<Record<string, number>> = { Low: 3, Medium: 6, High: 8, "Very-High": 10 };
const KEY = /[A-Za-z0-9_]/;

/** Parses `CEF:0|…` (the syslog MSG, or CONTENT after an RFC 3164 tag). */
export function parseCef(text: string): CefEvent {
  if (!text.startsWith("CEF:")) throw new SiemFormatError("does not start with CEF:");
  if (/[\r\n]/.test(text)) throw new SiemFormatError("a raw line break (CR or LF) in a CEF event; values escape them as \\r and \\n");
  const fields: string[] = [];
  let cur = "";
  let i = 4;
  for (; i < text.length && fields.length < 7; i++) {
    const ch = text[i]!;
    if (ch === "\\") {
      const next = text[i + 1];
      if (next !== "|" && next !== "\\")
        throw new SiemFormatError(
          `header field ${fields.length + 1}: only \\| and \\\\ are escapes in the CEF header, found \\${next ?? ""}`,
        );
      cur += next;
      i++;
    } else if (ch === "|") {
      fields.push(cur);
      cur = "";
    } else {
      cur += ch;
    }
  }
  if (fields.length < 7) throw new SiemFormatError("a CEF header has 7 |-separated fields before the extension");
  const [version, vendor, product, productVersion, signatureId, name, sev] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!/^\d+$/.test(version)) throw new SiemFormatError(`CEF version "${version}" is not a number`);
  const severity = /^(10|\d)$/.test(sev) ? Number(sev) : SEVERITY_WORDS[sev];
  if (severity === undefined) throw new SiemFormatError(`Severity "${sev}" is neither 0-10 nor Low/Medium/High/Very-High`);
  const extension = parseExtension(text.slice(i));
  const labeled: Record<string, string> = {};
  for (const [key, value] of Object.entries(extension)) {
    const label = extension[`${key}Label`];
    if (label !== undefined && !key.endsWith("Label")) labeled[label] = value;
  }
  return { version: Number(version), vendor, product, productVersion, signatureId, name, severity, extension, labeled };
}

/** `key=value key2=value two`: keys are [A-Za-z0-9_]+ after a space; every other `=` must be escaped. */
function parseExtension(ext: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (ext.trim() === "") return out;
  // Every unescaped `=`, and where its key starts.
  const seps: { key: string; keyStart: number; eq: number }[] = [];
  for (let i = 0; i < ext.length; i++) {
    const ch = ext[i]!;
    if (ch === "\\") {
      i++;
      continue;
    }
    if (ch !== "=") continue;
    let k = i;
    while (k > 0 && KEY.test(ext[k - 1]!)) k--;
    if (k === i || (k > 0 && ext[k - 1] !== " "))
      throw new SiemFormatError(`an unescaped = at offset ${i} of the extension is not after a key; values escape = as \\=`);
    seps.push({ key: ext.slice(k, i), keyStart: k, eq: i });
  }
  if (seps.length === 0 || seps[0]!.keyStart !== 0) throw new SiemFormatError("the extension does not start with key=value");
  seps.forEach((s, n) => {
    const next = seps[n + 1];
    const raw = ext.slice(s.eq + 1, next === undefined ? ext.length : next.keyStart - 1);
    if (s.key in out) throw new SiemFormatError(`extension key ${s.key} appears twice`);
    out[s.key] = unescapeValue(raw, s.key);
  });
  return out;
}

function unescapeValue(raw: string, key: string): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const next = raw[++i];
    if (next === "\\" || next === "=") out += next;
    else if (next === "n") out += "\n";
    else if (next === "r") out += "\r";
    else throw new SiemFormatError(`value of ${key}: \\${next ?? ""} is not a CEF escape (\\\\, \\=, \\n, \\r)`);
  }
  return out;
}

/** A parsed LEEF event. */
export interface LeefEvent {
  readonly version: "1.0" | "2.0";
  readonly vendor: string;
  readonly product: string;
  readonly productVersion: string;
  readonly eventId: string;
  /** The attribute delimiter (a tab in 1.0). */
  readonly delimiter: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** Parses `LEEF:1.0|…` or `LEEF:2.0|…|<delimiter>|…`. */
export function parseLeef(text: string): LeefEvent {
  const m = /^LEEF:(1\.0|2\.0)\|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|/.exec(text);
  if (m === null) throw new SiemFormatError("not LEEF:1.0|Vendor|Product|Version|EventID| or LEEF:2.0|…");
  if (/[\r\n]/.test(text)) throw new SiemFormatError("a raw line break in a LEEF event");
  let rest = text.slice(m[0].length);
  let delimiter = "\t";
  if (m[1] === "2.0") {
    const d = /^([^|]*)\|/.exec(rest);
    if (d === null) throw new SiemFormatError("LEEF 2.0 declares its delimiter after the EventID");
    const spec = d[1]!;
    const hex = /^(?:0x|x)([0-9a-fA-F]{1,4})$/.exec(spec);
    if (hex !== null) delimiter = String.fromCharCode(parseInt(hex[1]!, 16));
    else if (spec.length === 1) delimiter = spec;
    else if (spec !== "") throw new SiemFormatError(`LEEF 2.0 delimiter "${spec}" is neither one character nor 0xHH / xHH`);
    rest = rest.slice(d[0].length);
  }
  const attributes: Record<string, string> = {};
  for (const part of rest.split(delimiter)) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = eq < 0 ? "" : part.slice(0, eq);
    if (!/^[A-Za-z0-9_]+$/.test(key)) throw new SiemFormatError(`attribute "${part.slice(0, 40)}" is not key=value`);
    if (key in attributes) throw new SiemFormatError(`attribute ${key} appears twice`);
    attributes[key] = part.slice(eq + 1);
  }
  return { version: m[1] as "1.0" | "2.0", vendor: m[2]!, product: m[3]!, productVersion: m[4]!, eventId: m[5]!, delimiter, attributes };
}
