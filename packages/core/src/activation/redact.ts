import { createHmac, createSecretKey, randomBytes } from "node:crypto";
import type { IwEvent } from "../events/index.js";

/** How a redacted field is rewritten. */
export type RedactMode = "off" | "mask" | "mask-length" | "hash";

/** Every redaction mode, in the order shown in errors and docs. */
export const REDACT_MODES: readonly RedactMode[] = ["off", "mask", "mask-length", "hash"];

/**
 * The mode `activate()` applies when `IW_REDACT` is unset. Scan logs carry `matched_text`: the
 * user's own words, including the very secrets and personal data the firewall just detected, and
 * which signature families mean "secret" is the host's choice. So every match is masked by
 * default (fail closed); `IW_REDACT=off` ships InferenceWall's payload unchanged.
 */
export const DEFAULT_REDACT_MODE: RedactMode = "mask";

/** Fields redacted when `IW_REDACT_FIELDS` is unset: the user's prompt text. */
export const DEFAULT_REDACT_FIELDS: readonly string[] = ["matches.matched_text"];

/** The expected form of `IW_REDACT` / `IW_<PREFIX>_REDACT`. */
export const REDACT_MODE_FORM =
  "off, mask ([REDACTED]), mask-length ([REDACTED:<n> chars]) or hash (hmac-sha256:<hex>, keyed by IW_REDACT_KEY); default mask";
/** The expected form of `IW_REDACT_FIELDS` / `IW_<PREFIX>_REDACT_FIELDS`. */
export const REDACT_FIELDS_FORM =
  "comma-separated dotted field paths, arrays traversed (details.prompt,source_ip); default matches.matched_text";

/** Options of {@link createRedactor}. */
export interface RedactOptions {
  /** `activate()` default: {@link DEFAULT_REDACT_MODE} — `IW_REDACT`, per sink `IW_<PREFIX>_REDACT` */
  readonly mode: RedactMode;
  /** Dotted paths; arrays on the way are traversed. @default DEFAULT_REDACT_FIELDS — `IW_REDACT_FIELDS` */
  readonly fields?: readonly string[];
  /**
   * HMAC key for `hash` (a secret). @default a random per-process key — `IW_REDACT_KEY`. With the
   * random key, equal texts correlate within one process only.
   */
  readonly key?: string | Uint8Array;
}

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Parses a field list (`IW_REDACT_FIELDS`) into dotted paths.
 * @throws Error with a short reason when a path is malformed.
 */
export function parseRedactFields(text: string | undefined): readonly string[] {
  if (text === undefined || text.trim() === "") return DEFAULT_REDACT_FIELDS;
  const out: string[] = [];
  for (const raw of text.split(",")) {
    const path = raw.trim();
    if (path === "") continue;
    for (const seg of path.split(".")) {
      if (!SEGMENT.test(seg) || FORBIDDEN.has(seg)) throw new Error(`"${path}" is not a dotted field path`);
    }
    out.push(path);
  }
  if (out.length === 0) throw new Error("no field given");
  return out;
}

/** Parses a mode word (case-insensitive). @throws Error for an unknown word. */
export function parseRedactMode(text: string | undefined): RedactMode | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const s = text.trim().toLowerCase();
  const mode = REDACT_MODES.find((m) => m === s);
  if (mode === undefined) throw new Error(`"${text.trim()}" is not a redaction mode`);
  return mode;
}

let processKey: Buffer | undefined;

/** True when `hash` mode would fall back to the random per-process key. */
export function needsProcessKey(options: RedactOptions): boolean {
  return options.mode === "hash" && (options.key === undefined || options.key.length === 0);
}

/**
 * Builds the queue's `transform`: returns a redacted copy of an event, sharing every untouched
 * part with the original, which is never mutated (other sinks hold the same object). Returns
 * `undefined` for mode `off`, so the queue does no work at all.
 */
export function createRedactor(options: RedactOptions): ((event: IwEvent) => IwEvent) | undefined {
  if (options.mode === "off") return undefined;
  const paths = (options.fields ?? DEFAULT_REDACT_FIELDS).map((p) => p.split("."));
  let replace: (value: unknown) => string;
  if (options.mode === "hash") {
    // A KeyObject once, instead of importing the raw key on every createHmac.
    const raw = needsProcessKey(options) ? (processKey ??= randomBytes(32)) : options.key!;
    const key = createSecretKey(typeof raw === "string" ? Buffer.from(raw, "utf8") : raw);
    replace = (value) =>
      `hmac-sha256:${createHmac("sha256", key)
        .update(typeof value === "string" ? value : JSON.stringify(value))
        .digest("hex")}`;
  } else if (options.mode === "mask-length") {
    replace = (value) => `[REDACTED:${typeof value === "string" ? value.length : JSON.stringify(value).length} chars]`;
  } else {
    replace = () => "[REDACTED]";
  }
  return (event) => {
    let out: unknown = event;
    for (const path of paths) out = rewrite(out, path, 0, replace);
    return out as IwEvent;
  };
}

/** Copy-on-write: returns `node` itself when nothing under it changed. */
function rewrite(node: unknown, path: readonly string[], i: number, replace: (v: unknown) => string): unknown {
  if (Array.isArray(node)) {
    let copy: unknown[] | undefined;
    for (let k = 0; k < node.length; k++) {
      const next = rewrite(node[k], path, i, replace);
      if (next !== node[k]) (copy ??= node.slice())[k] = next;
    }
    return copy ?? node;
  }
  if (node === null || typeof node !== "object") return node;
  const key = path[i]!;
  if (!Object.prototype.hasOwnProperty.call(node, key)) return node;
  const value = (node as Record<string, unknown>)[key];
  const next = i === path.length - 1 ? (value == null ? value : replace(value)) : rewrite(value, path, i + 1, replace);
  if (next === value) return node;
  return { ...(node as Record<string, unknown>), [key]: next };
}
