import { IwError } from "../diagnostics/index.js";
import type { SendResult } from "../sink/index.js";

const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_SIGNATURE_FAILURE",
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "EPROTO",
]);

/** Walks `cause` chains (undici wraps socket errors) to find the first error `code`. */
export function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && !code.startsWith("UND_ERR_") && !code.startsWith("IW_")) return code;
    e = (e as { cause?: unknown }).cause;
  }
  const top = (err as { code?: unknown } | null)?.code;
  return typeof top === "string" ? top : undefined;
}

/**
 * Classifies an exception thrown by a request: an abort from `signal` is a timeout (retryable);
 * TLS verification problems are permanent-looking configuration problems but still retryable
 * (a certificate may be rotated), reported with code `IW_TLS` and a message that says so;
 * refused, reset, DNS and socket errors are retryable (`IW_NETWORK`).
 *
 * @param what names the destination (no credentials).
 */
export function classifyNetworkError(err: unknown, signal: AbortSignal | undefined, what: string): SendResult {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    const timedOut =
      reason instanceof Error && (reason.name === "TimeoutError" || (reason as { code?: string }).code === "IW_SEND_TIMEOUT");
    return {
      status: "retryable",
      reason: timedOut ? "timeout" : "network",
      error: new IwError(timedOut ? "IW_SEND_TIMEOUT" : "IW_SEND_ABORTED", `${what}: request ${timedOut ? "timed out" : "aborted"}`, {
        cause: err,
      }),
    };
  }
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code !== undefined && (TLS_CODES.has(code) || code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL"))) {
    return {
      status: "retryable",
      reason: "tls",
      error: new IwError("IW_TLS", `${what}: TLS verification failed (${code}): ${message}; check the CA file or the server certificate`, {
        cause: err,
      }),
    };
  }
  return {
    status: "retryable",
    reason: "network",
    error: new IwError("IW_NETWORK", `${what}: ${code ?? "network error"}${message && message !== code ? ` (${message})` : ""}`, {
      cause: err,
    }),
  };
}
