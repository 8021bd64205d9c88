/** The expected form of `IW_OTLP_RESOURCE_ATTRIBUTES` (and `OTEL_RESOURCE_ATTRIBUTES`). */
export const RESOURCE_ATTRIBUTES_FORM =
  'comma-separated key=value pairs, values percent-encoded (as OTEL_RESOURCE_ATTRIBUTES), e.g. "deployment.environment.name=prod,service.namespace=gateway"';

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
    if (key === "" || /[\s"\\]/.test(key))
      throw new Error(`entry ${n} is not key=value with a key of letters, digits, dots or underscores`);
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      throw new Error(`entry ${n} (${key}) has a badly percent-encoded value`);
    }
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1f\x7f]/.test(value)) throw new Error(`entry ${n} (${key}) holds a control character`);
    out[key] = value;
  }
  return out;
}
