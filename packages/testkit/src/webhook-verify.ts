import { createHmac, timingSafeEqual } from "node:crypto";

/*
 * An independent implementation of Standard Webhooks verification, written from the spec
 * (https://www.standardwebhooks.com/), deliberately sharing no code with @iw/sink-webhook so
 * that a bug in the sink's signer cannot hide behind the same bug here.
 */

/** Default replay window of the official libraries: 5 minutes either way. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Outcome of {@link verifyStandardWebhook}. */
export type WebhookVerification =
  | { readonly ok: true; readonly id: string; readonly timestamp: number }
  | { readonly ok: false; readonly status: 400 | 401; readonly reason: string };

/** Turns `whsec_<base64>` into the HMAC key bytes (the spec's secret serialization). */
export function webhookSecretKey(secret: string): Buffer {
  const b64 = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  return Buffer.from(b64, "base64");
}

/** The `v1,<base64>` signature a sender must produce for `id.timestamp.body`. */
export function computeWebhookSignature(secret: string, id: string, timestamp: number | string, body: Uint8Array | string): string {
  const signed = Buffer.concat([
    Buffer.from(`${id}.${timestamp}.`, "utf8"),
    typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body),
  ]);
  return `v1,${createHmac("sha256", webhookSecretKey(secret)).update(signed).digest("base64")}`;
}

function header(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Verifies a delivery as a strict receiver would: the three headers present (else 400), a
 * whole-number timestamp within `toleranceSeconds` of `now` (else 401: a replay or a wrong
 * clock), and at least one `v1,` entry matching one of `secrets` in constant time (else 401).
 */
export function verifyStandardWebhook(input: {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Uint8Array;
  readonly secrets: readonly string[];
  readonly toleranceSeconds?: number;
  readonly nowSeconds?: number;
}): WebhookVerification {
  const id = header(input.headers, "webhook-id");
  const ts = header(input.headers, "webhook-timestamp");
  const sig = header(input.headers, "webhook-signature");
  if (!id || !ts || !sig) return { ok: false, status: 400, reason: "missing webhook-id, webhook-timestamp or webhook-signature" };
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, status: 400, reason: "webhook-timestamp is not Unix seconds" };
  const timestamp = Number(ts);
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = input.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  if (timestamp < now - tolerance) return { ok: false, status: 401, reason: "webhook-timestamp too old (replay?)" };
  if (timestamp > now + tolerance) return { ok: false, status: 401, reason: "webhook-timestamp too new" };
  const offered = sig
    .split(" ")
    .filter((entry) => entry.startsWith("v1,"))
    .map((entry) => Buffer.from(entry.slice(3), "base64"));
  for (const secret of input.secrets) {
    const expected = Buffer.from(computeWebhookSignature(secret, id, ts, input.body).slice(3), "base64");
    if (offered.some((o) => o.length === expected.length && timingSafeEqual(o, expected))) return { ok: true, id, timestamp };
  }
  return { ok: false, status: 401, reason: "no webhook-signature entry matches" };
}
