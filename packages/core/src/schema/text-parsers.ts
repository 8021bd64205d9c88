/*
 * How a variable's text becomes a value, and the words that describe the expected form: shared
 * by the env field builders (`envBool`, …) and the option builders (`option.bool`, …), so a
 * variable reads and is documented the same whichever a sink uses. Parsers throw `Error(reason)`.
 */

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off"]);

/** Unset, or only spaces: the default applies. */
export function isBlank(text: string | undefined): text is undefined {
  return text === undefined || text.trim() === "";
}

/** `true/false`, `1/0`, `yes/no`, `on/off` (any case). */
export function parseBoolText(text: string): boolean {
  const s = text.trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  throw new Error("not a boolean");
}

export function boolForm(defaultValue: boolean | undefined, what = ""): string {
  const def = defaultValue === undefined ? "unset by default" : `default ${defaultValue}`;
  return `true or false${what ? ` (${what})` : ""}; ${def}`;
}

/** A whole number in `[min, max]`. */
export function parseIntText(text: string, min: number, max: number): number {
  const s = text.trim();
  const n = /^-?\d+$/.test(s) ? Number(s) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error("out of range or not a whole number");
  return n;
}

export function intForm(defaultValue: number, min: number, max: number, unit = ""): string {
  const u = unit ? ` ${unit}` : "";
  return `a whole number from ${min} to ${max}${u}; default ${defaultValue}${u}`;
}

const BYTE_UNITS: Readonly<Record<string, number>> = { "": 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** A size in bytes: a whole number, optionally in KiB, MiB or GiB (`64MiB`), in `[min, max]`. */
export function parseBytesText(text: string, min: number, max: number): number {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m === null ? undefined : BYTE_UNITS[m[2]!.toLowerCase()];
  const n = m === null || unit === undefined ? Number.NaN : Number(m[1]) * unit;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error("out of range, or not a whole number of bytes, KiB, MiB or GiB");
  return n;
}

function showBytes(n: number): string {
  return n % 1024 ** 2 === 0 ? `${n / 1024 ** 2}MiB` : n % 1024 === 0 ? `${n / 1024}KiB` : `${n}`;
}

export function bytesForm(defaultValue: number, min: number, max: number): string {
  return `a size from ${showBytes(min)} to ${showBytes(max)}: bytes, or a whole number of KiB, MiB or GiB (e.g. 64MiB); default ${showBytes(defaultValue)}`;
}

/** One of `values`, any case; returns the value as written in `values`. */
export function parseEnumText<T extends string>(text: string, values: readonly T[]): T {
  const s = text.trim().toLowerCase();
  const hit = values.find((x) => x.toLowerCase() === s);
  if (hit === undefined) throw new Error("not one of the allowed values");
  return hit;
}

export function enumForm(values: readonly string[], defaultValue: string | undefined): string {
  return `one of ${values.join(", ")}; ${defaultValue === undefined ? "unset by default" : `default ${defaultValue}`}`;
}

/** Free text without CR, LF or NUL (they would split a header, a log line or a syslog frame). */
export function checkLine(text: string): string {
  if (/[\r\n\0]/.test(text)) throw new Error("contains CR, LF or NUL");
  return text;
}
