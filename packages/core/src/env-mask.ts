/*
 * Secret masking shared by activation errors and the console logger. No dependencies: it is
 * loaded by `import "@iw/core"`.
 */

/** What a masked secret is replaced with. */
export const MASK = "****";

// Names that hold secrets. KEY_FILE and KEY_PREFIX hold a path and a public key prefix.
const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|HEADERS|AUTHORIZATION|KEY/i;
const NOT_SECRET_NAME = /KEY_?FILE$|KEY_?PREFIX$/i;

/**
 * True when a variable or field name looks like it holds a secret: it contains PASSWORD,
 * SECRET, TOKEN, CREDENTIAL, AUTHORIZATION, HEADERS (header lists carry bearer tokens) or KEY,
 * but not when it ends in KEY_FILE or KEY_PREFIX.
 *
 * @param extra names declared secret by a plugin (`SinkPlugin.secrets`), matched exactly.
 */
export function isSecretName(name: string, extra: readonly string[] = []): boolean {
  if (extra.includes(name)) return true;
  return SECRET_NAME.test(name) && !NOT_SECRET_NAME.test(name);
}

// The lookbehinds make each pattern start only at the beginning of a token, which keeps the
// scan linear: a log line of 50,000 word characters must not take seconds to mask.
// A `scheme://…` token anywhere in a text; each match takes the whole token, so the scan stays
// linear. Its credentials are found by `maskUserinfo`.
const URL_TOKEN = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/)([^\s"',]*)/gi;
// What may sit between `//` and the first `/` when that part holds no `@`: a host and a port.
const HOST_PORT = /^(?:\[[0-9a-f:.]*\]|[^:@[\]]*)(?::\d+)?$/i;

/**
 * The part of a URL after `scheme://` with its user info replaced by `***`. A password pasted
 * without percent-encoding may hold `@` (the last `@` before the path ends the user info, as in
 * WHATWG URL parsing) or `/`, `?`, `#` (then the URL does not parse, and its text is printed in
 * the error): when what comes before the first `/` is no `host[:port]` and an `@` follows, all
 * up to that last `@` is masked. An `@` in the path of a normal URL is left alone.
 */
export function maskUserinfo(rest: string): string {
  const end = rest.search(/[/?#\\]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  let at = authority.lastIndexOf("@");
  if (at === -1 && !HOST_PORT.test(authority)) at = rest.lastIndexOf("@");
  return at === -1 ? rest : `***${rest.slice(at)}`;
}
// `password=abc`, `token: abc`, `"secret":"abc"`, `Authorization: Bearer abc`.
const SECRET_ASSIGNMENT =
  /((?<![\w.-])(?:"|')?[\w.-]*(?:password|passwd|secret|token|api[_-]?key|shared[_-]?key|authorization)(?:"|')?\s*[:=]\s*)(?:"[^"]*"|'[^']*'|(?:Bearer|Basic)\s+\S+|[^\s,;&"']+)/gi;

/**
 * Masks secrets inside a free text (an error message, a log line): credentials in URLs
 * (`https://***@host`), `name=value` / `name: value` / `"name":"value"` pairs whose name looks
 * secret, and every literal value in `values` (e.g. the configured passwords).
 */
export function maskSecrets(text: string, values: readonly string[] = []): string {
  let out = text;
  for (const v of values) if (v.length >= 4) out = out.split(v).join(MASK);
  return out.replace(URL_TOKEN, (_all, scheme: string, rest: string) => scheme + maskUserinfo(rest)).replace(SECRET_ASSIGNMENT, `$1${MASK}`);
}

const MAX_SHOWN = 120;

/**
 * How a variable's value may be shown in an error message: `****` for secrets, otherwise the
 * value with URL credentials masked, control characters escaped and long values shortened,
 * in double quotes.
 */
export function showValue(name: string, value: string | undefined, secrets: readonly string[] = []): string {
  if (value === undefined) return "(unset)";
  if (isSecretName(name, secrets)) return value === "" ? '""' : MASK;
  let shown = maskSecrets(value);
  if (shown.length > MAX_SHOWN) shown = `${shown.slice(0, MAX_SHOWN)}…`;
  return JSON.stringify(shown);
}

/**
 * A copy of log fields with secret-looking keys masked and strings passed through
 * {@link maskSecrets}. Errors become `{ message, code }`. Depth-limited.
 */
export function maskFields(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = isSecretName(key) && value != null && value !== "" ? MASK : maskValue(value, depth);
  }
  return out;
}

function maskValue(value: unknown, depth: number): unknown {
  if (typeof value === "string") return maskSecrets(value);
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return typeof code === "string" ? { message: maskSecrets(value.message), code } : { message: maskSecrets(value.message) };
  }
  if (value instanceof URL) return maskSecrets(value.href);
  if (value === null || typeof value !== "object") return value;
  if (depth >= 3) return "[object]";
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => maskValue(v, depth + 1));
  return maskFields(value as Record<string, unknown>, depth + 1);
}
