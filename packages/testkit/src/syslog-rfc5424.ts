/*
 * A strict RFC 5424 parser (section 6, the ABNF), byte by byte: every length limit, character
 * class, timestamp range, SD-ID rule and PARAM-VALUE escape is checked, so a message a
 * lenient receiver would mangle is refused here with the reason and the offset.
 */

/** A message that breaks the grammar, with the byte offset where it does. */
export class SyslogParseError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} (at byte ${offset})`);
    this.name = "SyslogParseError";
    this.offset = offset;
  }
}

/** One SD-ELEMENT: its SD-ID and its parameters in order (a PARAM-NAME may repeat). */
export interface SdElement {
  readonly id: string;
  readonly params: readonly (readonly [name: string, value: string])[];
}

/** A parsed RFC 5424 message. NILVALUE fields are `null`. */
export interface Rfc5424Message {
  readonly pri: number;
  readonly facility: number;
  readonly severity: number;
  readonly version: number;
  readonly timestamp: string | null;
  readonly hostname: string | null;
  readonly appName: string | null;
  readonly procId: string | null;
  readonly msgId: string | null;
  readonly sd: readonly SdElement[];
  /** SD-ID → PARAM-NAME → value (the last one when a name repeats). */
  readonly structuredData: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** MSG decoded as UTF-8, BOM removed; `undefined` when absent. */
  readonly msg: string | undefined;
  /** MSG started with the UTF-8 byte order mark (and is then valid UTF-8). */
  readonly bom: boolean;
}

/** SD-IDs without `@` are reserved for IANA registration (RFC 5424 §7, §9.2). */
export const REGISTERED_SD_IDS = new Set(["timeQuality", "origin", "meta"]);

const SP = 0x20;
const utf8 = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder("utf-8");

const isPrintUsAscii = (b: number) => b >= 33 && b <= 126;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  fail(message: string, at = this.pos): never {
    throw new SyslogParseError(message, at);
  }
  peek(): number | undefined {
    return this.buf[this.pos];
  }
  expect(byte: number, what: string): void {
    if (this.buf[this.pos] !== byte) this.fail(`expected ${what}`);
    this.pos++;
  }
  /** A run of PRINTUSASCII up to SP or the end. */
  token(): string {
    const start = this.pos;
    while (this.pos < this.buf.length && this.buf[this.pos] !== SP) {
      if (!isPrintUsAscii(this.buf[this.pos]!)) this.fail("a header field holds a byte outside printable US-ASCII");
      this.pos++;
    }
    return this.buf.toString("latin1", start, this.pos);
  }
}

/** `<PRI>`: 1–3 digits, no leading zero, at most 191. Shared with the RFC 3164 parser. */
export function readPri(buf: Buffer): { pri: number; end: number } {
  if (buf[0] !== 0x3c) throw new SyslogParseError("a message starts with <PRI>", 0);
  let i = 1;
  while (i < buf.length && isDigit(buf[i]!) && i <= 4) i++;
  const digits = buf.toString("latin1", 1, i);
  if (digits.length === 0 || digits.length > 3) throw new SyslogParseError("PRIVAL has 1 to 3 digits", 1);
  if (digits.length > 1 && digits.startsWith("0")) throw new SyslogParseError("PRIVAL has no leading zero", 1);
  const pri = Number(digits);
  if (pri > 191) throw new SyslogParseError(`PRIVAL ${pri} is above 191`, 1);
  if (buf[i] !== 0x3e) throw new SyslogParseError("expected > after PRIVAL", i);
  return { pri, end: i + 1 };
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-](\d{2}):(\d{2}))$/;

/** TIMESTAMP (RFC 5424 §6.2.3): RFC 3339 with upper-case T and Z, at most 6 fraction digits, real dates. */
export function checkTimestamp(s: string): string | undefined {
  const m = TIMESTAMP.exec(s);
  if (m === null) return 'TIMESTAMP is not FULL-DATE "T" FULL-TIME (upper-case T and Z, at most 6 fraction digits)';
  const [y, mo, d, h, mi, se] = [1, 2, 3, 4, 5, 6].map((k) => Number(m[k]));
  const leap = y! % 4 === 0 && (y! % 100 !== 0 || y! % 400 === 0);
  if (mo! < 1 || mo! > 12) return "DATE-MONTH is not 01-12";
  if (d! < 1 || d! > (mo === 2 && !leap ? 28 : DAYS[mo! - 1]!)) return "DATE-MDAY is not a day of that month";
  if (h! > 23 || mi! > 59 || se! > 59) return "TIME-HOUR, TIME-MINUTE or TIME-SECOND out of range (no leap second)";
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return "TIME-NUMOFFSET out of range";
  return undefined;
}

/** SD-NAME: 1–32 PRINTUSASCII except `=`, SP, `]`, `"`. */
function readSdName(r: Reader, what: string): string {
  const start = r.pos;
  for (;;) {
    const b = r.peek();
    if (b === undefined || b === SP || b === 0x3d || b === 0x5d || b === 0x22) break;
    if (!isPrintUsAscii(b)) r.fail(`${what} holds a byte outside printable US-ASCII`);
    r.pos++;
  }
  const len = r.pos - start;
  if (len === 0 || len > 32) r.fail(`${what} has 1 to 32 characters`, start);
  return r.buf.toString("latin1", start, r.pos);
}

function checkSdId(id: string, at: number): void {
  const i = id.indexOf("@");
  if (i < 0) {
    if (!REGISTERED_SD_IDS.has(id)) throw new SyslogParseError(`SD-ID "${id}" has no @ and is not IANA-registered`, at);
    return;
  }
  if (i === 0 || !/^[1-9]\d*(\.\d+)*$/.test(id.slice(i + 1)))
    throw new SyslogParseError(`SD-ID "${id}" is not name@<private enterprise number>`, at);
}

/** PARAM-VALUE up to the closing quote: only `\"`, `\\` and `\]` escapes; `]` must be escaped; valid UTF-8. */
function readParamValue(r: Reader): string {
  const parts: Buffer[] = [];
  let start = r.pos;
  for (;;) {
    const b = r.peek();
    if (b === undefined) r.fail("PARAM-VALUE is not closed by a quote");
    if (b === 0x22) break;
    if (b === 0x5d) r.fail("] inside PARAM-VALUE must be escaped as \\]");
    if (b === 0x5c) {
      const next = r.buf[r.pos + 1];
      if (next !== 0x22 && next !== 0x5c && next !== 0x5d)
        r.fail('a backslash in PARAM-VALUE must itself be escaped (only \\", \\\\ and \\] are escapes)');
      parts.push(r.buf.subarray(start, r.pos));
      start = r.pos + 1; // keep the escaped character itself
      r.pos += 2;
      continue;
    }
    r.pos++;
  }
  parts.push(r.buf.subarray(start, r.pos));
  const valueStart = r.pos;
  r.pos++; // the closing quote
  try {
    return utf8.decode(Buffer.concat(parts));
  } catch {
    return r.fail("PARAM-VALUE is not valid UTF-8", valueStart);
  }
}

function readStructuredData(r: Reader): SdElement[] {
  if (r.peek() === 0x2d && (r.buf[r.pos + 1] === undefined || r.buf[r.pos + 1] === SP)) {
    r.pos++;
    return [];
  }
  const elements: SdElement[] = [];
  const seen = new Set<string>();
  while (r.peek() === 0x5b) {
    r.pos++;
    const at = r.pos;
    const id = readSdName(r, "SD-ID");
    checkSdId(id, at);
    if (seen.has(id)) r.fail(`SD-ID "${id}" appears twice`, at);
    seen.add(id);
    const params: [string, string][] = [];
    while (r.peek() === SP) {
      r.pos++;
      const name = readSdName(r, "PARAM-NAME");
      r.expect(0x3d, "= after PARAM-NAME");
      r.expect(0x22, '" opening PARAM-VALUE');
      params.push([name, readParamValue(r)]);
    }
    r.expect(0x5d, "] or SP after an SD-PARAM");
    elements.push({ id, params });
  }
  if (elements.length === 0) r.fail("STRUCTURED-DATA is - or [SD-ELEMENT]…");
  return elements;
}

/** Parses one SYSLOG-MSG (no framing). Throws {@link SyslogParseError}. */
export function parseRfc5424(input: Buffer | string): Rfc5424Message {
  const buf = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  const { pri, end } = readPri(buf);
  const r = new Reader(buf);
  r.pos = end;
  if (r.peek() !== 0x31 || r.buf[r.pos + 1] !== SP) r.fail("VERSION must be 1, followed by SP");
  r.pos += 2;
  const field = (name: string, max: number): string | null => {
    const at = r.pos;
    const s = r.token();
    if (s.length === 0 || s.length > max) r.fail(`${name} has 1 to ${max} characters or is -`, at);
    r.expect(SP, `SP after ${name}`);
    return s === "-" ? null : s;
  };
  const tsAt = r.pos;
  const timestamp = field("TIMESTAMP", 32);
  if (timestamp !== null) {
    const problem = checkTimestamp(timestamp);
    if (problem !== undefined) r.fail(problem, tsAt);
  }
  const hostname = field("HOSTNAME", 255);
  const appName = field("APP-NAME", 48);
  const procId = field("PROCID", 128);
  const msgIdAt = r.pos;
  const msgId = r.token();
  if (msgId.length === 0 || msgId.length > 32) r.fail("MSGID has 1 to 32 characters or is -", msgIdAt);
  r.expect(SP, "SP before STRUCTURED-DATA");
  const sd = readStructuredData(r);
  let msg: string | undefined;
  let bom = false;
  if (r.pos < buf.length) {
    r.expect(SP, "SP between STRUCTURED-DATA and MSG");
    const rest = buf.subarray(r.pos);
    bom = rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf;
    if (bom) {
      try {
        msg = utf8.decode(rest.subarray(3));
      } catch {
        r.fail("MSG starts with a BOM but is not valid UTF-8", r.pos + 3);
      }
    } else {
      msg = lenient.decode(rest);
    }
  }
  const structuredData: Record<string, Record<string, string>> = {};
  for (const e of sd) structuredData[e.id] = Object.fromEntries(e.params);
  return {
    pri,
    facility: pri >> 3,
    severity: pri & 7,
    version: 1,
    timestamp,
    hostname,
    appName,
    procId,
    msgId: msgId === "-" ? null : msgId,
    sd,
    structuredData,
    msg,
    bom,
  };
}
