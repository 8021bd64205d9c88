/*
 * Small text helpers shared by the formats: header fields limited to printable US-ASCII, line
 * breaks for line-based receivers, and cutting a string at a byte budget without splitting a
 * UTF-8 character.
 */

const NOT_PRINTABLE = /[^\x21-\x7e]/g;
const LINE_BREAKS = /[\r\n]/g;
const HAS_LINE_BREAK = /[\r\n]/;

/**
 * An RFC 5424 header field (HOSTNAME, APP-NAME, …): printable US-ASCII only (anything else
 * becomes `_`), at most `max` characters, `-` (NILVALUE) when empty.
 */
export function printableAscii(value: string, max: number): string {
  const s = value.replace(NOT_PRINTABLE, "_").slice(0, max);
  return s === "" ? "-" : s;
}

/** CR and LF as spaces: for non-transparent framing, where a line break ends the message. */
export function oneLine(value: string): string {
  return HAS_LINE_BREAK.test(value) ? value.replace(LINE_BREAKS, " ") : value;
}

/** UTF-8 length of `s`. */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/**
 * The longest prefix of `s` whose UTF-8 encoding takes at most `maxBytes`, cut between
 * characters (never inside a multi-byte sequence or a surrogate pair).
 */
export function cutUtf8(s: string, maxBytes: number): string {
  if (maxBytes <= 0) return "";
  if (utf8Length(s) <= maxBytes) return s;
  const bytes = Buffer.from(s, "utf8");
  let end = maxBytes;
  // Back up to the start of a character: continuation bytes are 10xxxxxx.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8");
}

/**
 * The longest prefix of `value`, escaped by `escape`, that fits in `maxBytes`: for shortening a
 * value whose escapes must stay whole (`\"`, `\=`, `\n`). Characters are added one at a time, so
 * only call it on the slow path (a message over its limit).
 */
export function cutEscaped(value: string, maxBytes: number, escape: (s: string) => string): string {
  let out = "";
  let used = 0;
  for (const ch of value) {
    const piece = escape(ch);
    const n = utf8Length(piece);
    if (used + n > maxBytes) break;
    out += piece;
    used += n;
  }
  return out;
}
