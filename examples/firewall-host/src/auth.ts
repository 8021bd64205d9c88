import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { IwConfigError } from "@iw/core";

/** Every API key starts with this. */
export const KEY_PREFIX = "iwk_";
/** How many leading characters of a key are safe to log (`iwk_scan_`). */
export const KEY_PREFIX_LENGTH = 9;
const KEY_FORM = /^iwk_[A-Za-z0-9_-]{12,200}$/;

/** The first characters of a key, safe to put in an audit event. */
export function keyPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX_LENGTH);
}

/** A fresh random demo key, `iwk_scan_` + 32 hex characters. */
export function generateDemoKey(): string {
  return `iwk_scan_${randomBytes(16).toString("hex")}`;
}

/**
 * Parses `IW_DEMO_API_KEYS` (comma-separated `iwk_…` keys). Throws an `IwConfigError` naming the
 * variable, the offending key (masked to its prefix) and the expected form.
 */
export function parseApiKeys(value: string, variable = "IW_DEMO_API_KEYS"): string[] {
  const keys = value
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  if (keys.length === 0) {
    throw new IwConfigError(`${variable} is empty; expected a comma-separated list of iwk_… keys`, { variable });
  }
  for (const key of keys) {
    if (!KEY_FORM.test(key)) {
      throw new IwConfigError(
        `${variable} holds an invalid key "${keyPrefix(key)}…"; expected "iwk_" followed by 12 to 200 letters, digits, "_" or "-"`,
        { variable },
      );
    }
  }
  return keys;
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  const header = req.headers["x-api-key"];
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && value.trim() !== "" ? value.trim() : undefined;
}

const digest = (key: string): Buffer => createHash("sha256").update(key).digest();

/** Checks presented keys against the configured ones in constant time per key. */
export class KeyStore {
  readonly #digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.#digests = keys.map(digest);
  }

  /** True when `key` is one of the configured keys. */
  has(key: string): boolean {
    const d = digest(key);
    let found = false;
    for (const known of this.#digests) found = timingSafeEqual(known, d) || found;
    return found;
  }
}
