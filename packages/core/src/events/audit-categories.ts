import type { AuditCategory } from "./events.js";

/** The ten audit categories an InferenceWall-style firewall emits, in the order of its documentation. */
export const AUDIT_CATEGORIES = [
  "auth",
  "policy",
  "config",
  "signatures",
  "engines",
  "tls",
  "admin",
  "rate_limit",
  "lifecycle",
  "scan",
] as const satisfies readonly AuditCategory[];

/** The ten audit categories, ordered for `[Test message]` events: `admin` first. */
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
