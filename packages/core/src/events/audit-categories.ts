import type { AuditCategory } from "./events.js";

/**
 * The ten audit categories, without importing zod (the schema module holds the canonical list).
 * Ordered for `[Test message]` events: `admin` first.
 */
export const AUDIT_CATEGORY_NAMES: readonly AuditCategory[] = [
  "admin",
  "auth",
  "policy",
  "config",
  "signatures",
  "engines",
  "tls",
  "rate_limit",
  "lifecycle",
  "scan",
];
