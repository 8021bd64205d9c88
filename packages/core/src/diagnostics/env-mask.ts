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
/** What may sit between `//` and the first `/` when that part holds no `@`: a host and a port. */
export const HOST_PORT = /^(?:\[[0-9a-f:.]*\]|[^:@[\]]*)(?::\d+)?$/i;

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
  if (at === -1 && !HOST_PORT.test(authority)) {
    // A raw `/`, `?` or `#` in the password cut the authority short: the credentials end at an
    // `@` further on, but that `@` may as well be in the query. Keep the host only when nothing
    // after it could be a secret; otherwise mask the rest whole.
    at = rest.lastIndexOf("@");
    if (at !== -1 && /[?#]/.test(rest.slice(at))) return "***";
  }
  return at === -1 ? rest : `***${rest.slice(at)}`;
}
// `password=abc`, `token: abc`, `"secret":"abc"`, `Authorization: Bearer abc`, `x-api-key=abc`,
// `sig=abc`: a name that ends in a secret-looking word, then `:` or `=`, then the value.
const SECRET_ASSIGNMENT =
  /((?<![\w.-])(?:"|')?[\w.-]*(?:password|passwd|pwd|secret|token|key|auth|authorization|credentials?|sig|signature|cookie|session)(?:"|')?\s*[:=]\s*)(?:"(?:[^"\\]|\\.)+"|'[^']+'|(?:Bearer|Basic|Digest|Token)\s+[^\s,;"']+|[^\s,;&"']+)/gi;
// A credential after an authentication scheme, wherever it stands (a collector echoing the request
// headers in its 401 body). `Bearer realm="x"` (a challenge) and `Basic authentication` are no
// credentials: a Basic credential is base64 with a digit, `+`, `/` or an inner capital.
const SCHEME_CREDENTIAL =
  /(?<![\w-])(Bearer\s+(?!realm\b)[A-Za-z0-9._~+/-]{4,}=*|Basic\s+(?=.[A-Za-z]*[0-9+/A-Z])[A-Za-z0-9+/]{8,}={0,2})(?![\w="])/g;

/**
 * Masks secrets inside a free text (an error message, a log line, a response excerpt):
 * credentials in URLs (`https://***@host`, query values, fragments, token-like path segments as
 * in Slack or Teams webhook URLs), `name=value` / `name: value` / `"name":"value"` pairs whose
 * name looks secret, credentials after `Bearer`/`Basic`, and every literal value in `values` (the
 * configured passwords and tokens; see {@link maskValues}).
 */
export function maskSecrets(text: string, values: readonly string[] = []): string {
  const out = maskValues(text, values);
  return maskUrls(out)
    .replace(SECRET_ASSIGNMENT, `$1${MASK}`)
    .replace(SCHEME_CREDENTIAL, (m: string) => `${m.startsWith("Bearer") ? "Bearer" : "Basic"} ${MASK}`);
}

const WORD = /[A-Za-z0-9]/;
// A value this long glued inside a longer word is still a leak (`Bearer<token>`); a shorter
// one there is most likely a coincidence with ordinary text, and masking it would show where
// the secret sits (`is ****er than 16 bytes` for the key `short`).
const GLUED_MIN = 8;

/**
 * Replaces every occurrence of each value (of 4 characters or more, longest first) with `****`.
 * An occurrence inside a longer word is masked with that whole word when the value has at least
 * 8 characters, and left alone otherwise, so masking never reveals part of a secret.
 */
export function maskValues(text: string, values: readonly string[]): string {
  if (values.length === 0 || text === "") return text;
  let out = text;
  const sorted = values.length === 1 ? values : [...values].sort((a, b) => b.length - a.length);
  for (const v of sorted) {
    if (v.length < 4) continue;
    let i = out.indexOf(v);
    while (i !== -1) {
      let start = i;
      let end = i + v.length;
      const gluedBefore = WORD.test(v[0]!) && start > 0 && WORD.test(out[start - 1]!);
      const gluedAfter = WORD.test(v[v.length - 1]!) && end < out.length && WORD.test(out[end]!);
      if ((gluedBefore || gluedAfter) && v.length < GLUED_MIN) {
        i = out.indexOf(v, i + 1);
        continue;
      }
      if (gluedBefore) while (start > 0 && WORD.test(out[start - 1]!)) start--;
      if (gluedAfter) while (end < out.length && WORD.test(out[end]!)) end++;
      out = out.slice(0, start) + MASK + out.slice(end);
      i = out.indexOf(v, start + MASK.length);
    }
  }
  return out;
}

// How far past a URL token a password pasted with a raw space, quote or comma is looked for.
const USERINFO_LOOKAHEAD = 256;
const HOST_AFTER_AT = /^[A-Za-z0-9[][A-Za-z0-9.:[\]-]*/;

/** Every `scheme://…` token of a text with its credentials masked. Linear: one pass over the tokens. */
function maskUrls(text: string): string {
  if (!text.includes("://")) return text;
  let out = "";
  let last = 0;
  URL_TOKEN.lastIndex = 0;
  for (let m = URL_TOKEN.exec(text); m !== null; m = URL_TOKEN.exec(text)) {
    const scheme = m[1]!;
    const rest = m[2]!;
    const tokenEnd = m.index + m[0].length;
    out += text.slice(last, m.index) + scheme;
    last = tokenEnd;
    const broken = brokenUserinfoEnd(text, rest, tokenEnd);
    if (broken !== undefined) {
      // `http://u:p,w"x y@h`: the password holds a character that ends a URL token.
      out += "***";
      last = broken;
      URL_TOKEN.lastIndex = broken;
      continue;
    }
    out += maskUrlParts(maskUserinfo(rest));
  }
  return out + text.slice(last);
}

/**
 * When a token's authority is `user:something` with no `@` and no port (`http://u:p` cut at a
 * raw comma, quote or space of the password), the index of the `@` that ends the credentials
 * further on the same line, if there is one; `undefined` otherwise.
 */
function brokenUserinfoEnd(text: string, rest: string, tokenEnd: number): number | undefined {
  const end = rest.search(/[/?#\\]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  if (end !== -1 || authority.includes("@") || !authority.includes(":") || HOST_PORT.test(authority)) return undefined;
  const windowEnd = Math.min(text.length, tokenEnd + USERINFO_LOOKAHEAD);
  let at: number | undefined;
  for (let i = tokenEnd; i < windowEnd; i++) {
    const c = text[i]!;
    if (c === "\n" || c === "\r" || text.startsWith("://", i)) break;
    if (c === "@" && HOST_AFTER_AT.test(text.slice(i + 1, i + 64))) at = i;
  }
  return at;
}

// A path segment that looks like a credential: long, letters and digits mixed (Slack's
// `/services/T…/B…/<token>`, Teams' `/IncomingWebhook/<hex>/…`, Discord's `/webhooks/<id>/<token>`).
const TOKEN_SEGMENT = /^(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{16,}$/;

/** A URL's path with token-like segments masked, every query value masked and the fragment masked. */
function maskUrlParts(rest: string): string {
  const q = rest.search(/[?#]/);
  const path = q === -1 ? rest : rest.slice(0, q);
  const maskedPath = path.includes("/")
    ? path
        .split("/")
        .map((seg, i) => (i > 0 && TOKEN_SEGMENT.test(seg) ? MASK : seg))
        .join("/")
    : path;
  if (q === -1) return maskedPath;
  let tail = rest.slice(q);
  let fragment = "";
  const hash = tail.indexOf("#");
  if (hash !== -1) {
    fragment = hash === tail.length - 1 ? "#" : `#${MASK}`;
    tail = tail.slice(0, hash);
  }
  if (tail.startsWith("?")) {
    const params = tail
      .slice(1)
      .split("&")
      .map((p) => {
        const eq = p.indexOf("=");
        if (eq === -1) return p.length >= 8 ? MASK : p;
        return eq === p.length - 1 ? p : `${p.slice(0, eq + 1)}${MASK}`;
      });
    tail = `?${params.join("&")}`;
  }
  return maskedPath + tail + fragment;
}

const MAX_SHOWN = 120;

/**
 * How a variable's value may be shown in an error message: `****` for secrets, otherwise the
 * value with URL credentials and the given secret `values` masked, control characters escaped
 * and long values shortened, in double quotes.
 */
export function showValue(
  name: string,
  value: string | undefined,
  secrets: readonly string[] = [],
  values: readonly string[] = [],
): string {
  if (value === undefined) return "(unset)";
  if (isSecretName(name, secrets)) return value === "" ? '""' : MASK;
  let shown = maskSecrets(value, values);
  if (shown.length > MAX_SHOWN) shown = `${shown.slice(0, MAX_SHOWN)}…`;
  return JSON.stringify(shown);
}

/**
 * A copy of log fields with secret-looking keys masked and strings passed through
 * {@link maskSecrets} (with the literal secret `values`). Errors become `{ message, code }`.
 * Depth-limited.
 */
export function maskFields(fields: Record<string, unknown>, values: readonly string[] = [], depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = isSecretName(key) && value != null && value !== "" ? MASK : maskValue(value, values, depth);
  }
  return out;
}

function maskValue(value: unknown, values: readonly string[], depth: number): unknown {
  if (typeof value === "string") return maskSecrets(value, values);
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    const message = maskSecrets(value.message, values);
    return typeof code === "string" ? { message, code } : { message };
  }
  if (value instanceof URL) return maskSecrets(value.href, values);
  if (value === null || typeof value !== "object") return value;
  if (depth >= 3) return "[object]";
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => maskValue(v, values, depth + 1));
  return maskFields(value as Record<string, unknown>, values, depth + 1);
}
