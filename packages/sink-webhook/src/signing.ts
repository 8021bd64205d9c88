import { createHash, createHmac } from "node:crypto";
import { IwConfigError } from "@iw/core";

/** Prefix of a Standard Webhooks symmetric secret. */
export const SECRET_PREFIX = "whsec_";
/** The spec asks for at least 24 random bytes and allows at most 64. */
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SAFE_ID = /^[A-Za-z0-9_-]{1,200}$/;

/** The expected form of `IW_WEBHOOK_SECRET`, shown in errors and in the README table. */
export const SECRET_FORM =
  "one or more Standard Webhooks secrets (whsec_ followed by base64 of 24 to 64 random bytes), separated by spaces or commas; each signs every request (rotation: list the new and the old one)";

/**
 * A parsed signing key. The raw bytes live in a `#private` field so that logging, inspecting or
 * serializing the options never shows them.
 */
export class WebhookSigningKey {
  readonly #key: Buffer;
  constructor(key: Uint8Array) {
    this.#key = Buffer.from(key);
  }
  /** `v1,<base64 HMAC-SHA256 of id.timestamp.body>`. */
  sign(id: string, timestamp: number, body: Uint8Array): string {
    const mac = createHmac("sha256", this.#key);
    mac.update(`${id}.${timestamp}.`);
    mac.update(body);
    return `v1,${mac.digest("base64")}`;
  }
  /** Never prints the key. */
  toJSON(): string {
    return "whsec_***";
  }
  /** Never prints the key. */
  toString(): string {
    return "whsec_***";
  }
}

/** How a secret appears in errors: nothing of it, not even its length. */
const MASKED = "***";

/**
 * Checks `IW_WEBHOOK_SECRET` text: the keys, or why it is wrong (no secret material in the
 * reason). Used by the IW_WEBHOOK_SECRET field, whose issue core prints with the variable and a masked value.
 */
export function checkWebhookSecrets(text: string): WebhookSigningKey[] | string {
  const parts = text.split(/[\s,]+/).filter((s) => s !== "");
  if (parts.length === 0) return "holds no secret";
  const keys: WebhookSigningKey[] = [];
  for (const [i, secret] of parts.entries()) {
    const which = parts.length > 1 ? `secret ${i + 1} of ${parts.length}` : "the secret";
    if (!secret.startsWith(SECRET_PREFIX)) return `${which} does not start with "${SECRET_PREFIX}"`;
    const b64 = secret.slice(SECRET_PREFIX.length);
    if (!BASE64.test(b64) || b64.length % 4 === 1) return `${which} is not valid base64 after "${SECRET_PREFIX}"`;
    const key = Buffer.from(b64, "base64");
    if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
      return `${which} decodes to ${key.length} bytes, outside ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES}`;
    }
    keys.push(new WebhookSigningKey(key));
  }
  return keys;
}

/**
 * Parses one or more `whsec_<base64>` secrets separated by spaces or commas. Throws an
 * {@link IwConfigError} naming `variable`, with the value masked.
 */
export function parseWebhookSecrets(text: string | readonly string[], variable = "IW_WEBHOOK_SECRET"): WebhookSigningKey[] {
  const joined = typeof text === "string" ? text : text.join(" ");
  const result = checkWebhookSecrets(joined);
  if (typeof result !== "string") return result;
  throw new IwConfigError(`${variable}=${MASKED}: ${result}; expected ${SECRET_FORM}`, { variable });
}

/**
 * The `webhook-id` of a batch: the same on every retry (receivers de-duplicate on it), and free
 * of `.` so it cannot shift the `id.timestamp.body` boundaries of the signed content.
 */
export function webhookIdFor(batchId: string): string {
  if (SAFE_ID.test(batchId)) return `msg_${batchId}`;
  return `msg_${createHash("sha256").update(batchId).digest("base64url").slice(0, 32)}`;
}

/** The value of `webhook-signature`: one `v1,` entry per key, space-separated. */
export function signatureHeader(keys: readonly WebhookSigningKey[], id: string, timestamp: number, body: Uint8Array): string {
  return keys.map((k) => k.sign(id, timestamp, body)).join(" ");
}
