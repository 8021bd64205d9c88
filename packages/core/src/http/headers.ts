import { IwConfigError } from "../diagnostics/index.js";

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Visible ASCII, space and tab, plus obs-text; never CR, LF or NUL.
const VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** The expected form of every `IW_*_HEADERS` variable, shown in errors and README tables. */
export const HEADER_LIST_FORM =
  'comma-separated name=value pairs, values percent-encoded (as OTEL_EXPORTER_OTLP_HEADERS), e.g. "X-Tenant=acme,Authorization=Bearer%20abc", or a JSON object {"X-Tenant":"acme"}';

/**
 * Parses a header list as given in `IW_*_HEADERS`: the OpenTelemetry convention
 * (`name=value,name2=value2`, values percent-decoded) or a JSON object. Refuses names that are
 * not RFC 9110 tokens and values holding CR, LF or NUL (header injection), also after decoding.
 *
 * @param variable named in error messages; values are never printed, they may be secrets.
 */
export function parseHeaderList(text: string, variable: string): Record<string, string> {
  const out: Record<string, string> = {};
  const trimmed = text.trim();
  if (trimmed === "") return out;
  const fail = (why: string): never => {
    throw new IwConfigError(`${variable} ${why}; expected ${HEADER_LIST_FORM}`, { variable });
  };
  let pairs: [string, unknown][] = [];
  if (trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      fail("is not valid JSON");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) fail("is not a JSON object");
    pairs = Object.entries(parsed as object);
  } else {
    for (const part of trimmed.split(",")) {
      if (part.trim() === "") continue;
      const eq = part.indexOf("=");
      if (eq <= 0) fail(`has an entry without "name=value" (entry ${pairs.length + 1})`);
      let value: string;
      try {
        value = decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        value = fail(`has a badly percent-encoded value (entry ${pairs.length + 1})`);
      }
      pairs.push([part.slice(0, eq).trim(), value]);
    }
  }
  for (const [name, value] of pairs) {
    if (!TOKEN.test(name)) fail(`has "${name.replace(/[^\x20-\x7e]/g, "?")}", which is not a valid header name`);
    if (typeof value !== "string" || !VALUE.test(value)) {
      fail(`has a value for ${name} that contains CR, LF or another control character (header injection is refused)`);
    }
    out[name] = value as string;
  }
  return out;
}

/**
 * Throws when a header given in code (not through {@link parseHeaderList}) is unusable: a name
 * that is not an RFC 9110 token, or a value that would allow header injection (CR, LF, NUL…).
 */
export function assertHeaderValue(name: string, value: string, variable: string): void {
  if (!TOKEN.test(name)) {
    throw new IwConfigError(
      `${variable}: "${name.replace(/[^\x20-\x7e]/g, "?")}" is not a valid header name (letters, digits and !#$%&'*+.^_\`|~- only)`,
      { variable },
    );
  }
  if (typeof value !== "string" || !VALUE.test(value)) {
    throw new IwConfigError(
      `${variable}: the value for ${name} contains CR, LF or another control character; header injection is refused`,
      { variable },
    );
  }
}
