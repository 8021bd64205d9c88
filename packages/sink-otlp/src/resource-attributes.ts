/** The expected form of `IW_OTLP_RESOURCE_ATTRIBUTES` (and `OTEL_RESOURCE_ATTRIBUTES`). */
export const RESOURCE_ATTRIBUTES_FORM =
  'comma-separated key=value pairs, values percent-encoded (as OTEL_RESOURCE_ATTRIBUTES), e.g. "deployment.environment.name=prod,service.namespace=gateway"';

const BAD_KEY = /[\s"\\]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * Parses a resource attribute list as `OTEL_RESOURCE_ATTRIBUTES` has it (W3C Baggage-like:
 * `key=value,key2=value2`, values percent-decoded). Throws `Error(reason)`.
 */
export function parseResourceAttributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (const part of text.split(",")) {
    if (part.trim() === "") continue;
    n++;
    const eq = part.indexOf("=");
    const key = eq === -1 ? "" : part.slice(0, eq).trim();
    if (key === "" || BAD_KEY.test(key)) throw new Error(`entry ${n} is not key=value with a key of letters, digits, dots or underscores`);
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      throw new Error(`entry ${n} (${key}) has a badly percent-encoded value`);
    }
    if (CONTROL.test(value)) throw new Error(`entry ${n} (${key}) holds a control character`);
    out[key] = value;
  }
  return out;
}

/**
 * Checks resource attributes given in code as the list's parser checks the variable's: keys
 * without spaces, quotes or backslashes, string values without control characters. Throws
 * `Error(reason)`; returns the attributes.
 */
export function checkResourceAttributes(value: unknown): Readonly<Record<string, string>> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("not an object of attribute names to values");
  let n = 0;
  for (const [key, v] of Object.entries(value)) {
    n++;
    if (key === "") throw new Error(`entry ${n} has an empty key`);
    if (BAD_KEY.test(key)) throw new Error(`entry ${n} has a space, a quote or a backslash in its key`);
    if (typeof v !== "string") throw new Error(`entry ${n} (${key}) has no string value`);
    if (CONTROL.test(v)) throw new Error(`entry ${n} (${key}) holds a control character`);
  }
  return value as Readonly<Record<string, string>>;
}
