/*
 * The configured secret values of this process: what every masking step (the default logger,
 * `stats().lastError`, lifecycle events, activation errors) replaces, besides the patterns.
 * Patterns alone miss a password holding a space, a token in an unusual place, or a collector
 * echoing the credentials back. No dependencies beyond env-mask: loaded by `import "@iw/core"`.
 */
import { HOST_PORT, isSecretName, maskSecrets } from "./env-mask.js";

type Env = Readonly<Record<string, string | undefined>>;

const SCHEME = /[a-z][a-z0-9+.-]*:\/\//gi;
// Shorter values are not masked (they would mask ordinary text); see maskValues.
const MIN_LENGTH = 4;

/**
 * Every secret value in the `IW_*` variables of `env`: the value of each variable whose name is
 * secret (`isSecretName`, `declared` names and their named-instance forms), the parts of header
 * lists and secret lists, and the credentials of every URL — user info, password, query string,
 * query values, fragment and token-like path segments — as written, decoded and re-encoded (JSON
 * string, percent-encoding, the WHATWG URL serialisation), so each is found however it is printed.
 *
 * @param declared names a plugin declares secret (`SinkPlugin.secrets`), base names
 *   (`IW_WEBHOOK_SECRET` also covers `IW_WEBHOOK_SOC_SECRET`).
 */
export function secretValuesOf(env: Env, declared: readonly string[] = []): string[] {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("IW_") || value === undefined || value.trim() === "") continue;
    if (isSecretName(name, declared) || declared.some((d) => isInstanceOf(name, d))) {
      add(out, value);
      for (const part of value.split(/[\s,;]+/)) {
        add(out, part);
        const sep = part.search(/[:=]/);
        if (sep !== -1) add(out, part.slice(sep + 1));
      }
      // Header lists: `Authorization: Bearer abc, X-Key: def`.
      for (const header of value.split(/[,\n]/)) {
        const colon = header.indexOf(":");
        if (colon !== -1)
          add(
            out,
            header
              .slice(colon + 1)
              .trim()
              .replace(/^(?:Bearer|Basic|Token)\s+/i, ""),
          );
      }
    }
    if (value.includes("://")) for (const part of urlSecrets(value)) add(out, part);
  }
  return [...out];
}

/** `IW_WEBHOOK_SOC_SECRET` is the instance `SOC` form of the declared `IW_WEBHOOK_SECRET`. */
function isInstanceOf(name: string, declared: string): boolean {
  // The base prefix may itself hold underscores (`IW_MY_SINK_TOKEN`): try every split.
  for (let j = declared.indexOf("_", 3); j !== -1; j = declared.indexOf("_", j + 1)) {
    const head = declared.slice(0, j + 1);
    const tail = declared.slice(j);
    if (
      name.length > head.length + tail.length &&
      name.startsWith(head) &&
      name.endsWith(tail) &&
      /^[A-Z0-9]+$/.test(name.slice(head.length, -tail.length))
    )
      return true;
  }
  return false;
}

// A path segment that looks like a credential (Slack, Teams, Discord webhook URLs).
const TOKEN_SEGMENT = /^(?=[^/]*\d)(?=[^/]*[A-Za-z])[A-Za-z0-9_.~-]{16,}$/;

/** The credentials of each `scheme://…` in a raw value, which may not even parse. */
function urlSecrets(value: string): string[] {
  const out: string[] = [];
  const starts = [...value.matchAll(SCHEME)].map((m) => ({ at: m.index, end: m.index + m[0].length }));
  starts.forEach((s, k) => {
    const rest = value.slice(s.end, starts[k + 1]?.at ?? value.length);
    // User info: up to the last `@` of the authority; when the authority is no host[:port]
    // (a raw `/`, `?` or `#` in the password), up to the last `@` at all.
    const cut = rest.search(/[/?#\\]/);
    const authority = cut === -1 ? rest : rest.slice(0, cut);
    let at = authority.lastIndexOf("@");
    if (at === -1 && !HOST_PORT.test(authority)) at = rest.lastIndexOf("@");
    let tail = rest;
    if (at !== -1) {
      const userinfo = rest.slice(0, at);
      out.push(userinfo);
      const colon = userinfo.indexOf(":");
      if (colon !== -1) out.push(userinfo.slice(colon + 1));
      const first = rest.indexOf("@");
      if (first !== -1 && first < at && colon !== -1 && colon < first) out.push(rest.slice(colon + 1, first));
      tail = rest.slice(at + 1);
    }
    const q = tail.indexOf("?");
    const h = tail.indexOf("#");
    if (h !== -1) out.push(tail.slice(h + 1).replace(/,$/, ""));
    if (q !== -1 && (h === -1 || q < h)) {
      const query = tail.slice(q + 1, h === -1 || h < q ? undefined : h).replace(/,$/, "");
      out.push(query);
      for (const p of query.split("&")) out.push(p.includes("=") ? p.slice(p.indexOf("=") + 1) : p);
    }
    const path = tail.slice(
      0,
      [q, h].filter((x) => x !== -1).reduce((a, b) => Math.min(a, b), tail.length),
    );
    for (const seg of path.split("/")) if (TOKEN_SEGMENT.test(seg)) out.push(seg);
  });
  // As the WHATWG URL parser serialises them (a sink may print `url.href`).
  for (const piece of value.split(",")) {
    let url: URL;
    try {
      url = new URL(piece.trim());
    } catch {
      continue;
    }
    out.push(url.password, url.search.slice(1), url.hash.slice(1));
    if (url.password !== "") out.push(`${url.username}:${url.password}`);
    for (const [, v] of url.searchParams) out.push(v);
  }
  return out;
}

/** Adds a value and the forms it takes when printed (JSON string, percent-encoded, decoded). */
function add(out: Set<string>, value: string): void {
  if (value.length < MIN_LENGTH) return;
  const forms = [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)];
  try {
    forms.push(decodeURIComponent(value));
  } catch {
    // Not percent-encoded.
  }
  for (const f of forms) if (f.length >= MIN_LENGTH) out.add(f);
}

// Values registered by live activations, with a count each (two dispatchers may share one).
const registered = new Map<string, number>();
let snapshot: readonly string[] = [];

/**
 * Makes `values` known to every masking step of the process (the default logger, queue stats,
 * lifecycle events) until the returned release function is called (by `close()`).
 */
export function registerSecretValues(values: readonly string[]): () => void {
  const mine = [...new Set(values.filter((v) => v.length >= MIN_LENGTH))];
  if (mine.length === 0) return () => undefined;
  for (const v of mine) registered.set(v, (registered.get(v) ?? 0) + 1);
  refresh();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const v of mine) {
      const n = (registered.get(v) ?? 1) - 1;
      if (n <= 0) registered.delete(v);
      else registered.set(v, n);
    }
    refresh();
  };
}

function refresh(): void {
  snapshot = [...registered.keys()].sort((a, b) => b.length - a.length);
}

/** The secret values registered by live activations, longest first. */
export function registeredSecretValues(): readonly string[] {
  return snapshot;
}

/** {@link maskSecrets} with every registered secret value (and `extra`). */
export function maskKnownSecrets(text: string, extra: readonly string[] = []): string {
  return maskSecrets(text, extra.length === 0 ? snapshot : [...extra, ...snapshot]);
}
