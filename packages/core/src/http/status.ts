import { maskUserinfo, IwHttpError } from "../diagnostics/index.js";
import type { SendResult } from "../sink/index.js";
import { parseRetryAfter } from "./retry-after.js";

/** Response headers as undici or node:http hand them over. */
export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

const SUCCESS: SendResult = { status: "success" };

/**
 * Classifies an HTTP answer from a collector, the same way for every HTTP sink:
 * 2xx success; 408, 429 and 5xx except 501 retryable (honouring `Retry-After`); 413 too large
 * (the queue splits the batch); 410 permanent and disables the destination; 401/403 retryable
 * with reason `auth` (`IW_AUTH`: the queue pauses the sink and keeps the events, within its
 * budget, until the credentials are fixed on either side);
 * every other 3xx/4xx permanent. Redirects are never followed: they would carry credentials or
 * signatures to another place.
 *
 * @param what names the destination in the error message (no credentials in it).
 * @param detail a short excerpt of the response body, if the caller read one.
 * @param authHint what to check after a 401/403. @default "check the user, password or token"
 */
export function classifyHttpStatus(
  status: number,
  headers: HeaderBag,
  what: string,
  detail?: string,
  authHint = "check the user, password or token",
): SendResult {
  if (status >= 200 && status < 300) return SUCCESS;
  const suffix = detail ? `: ${detail.slice(0, 200)}` : "";
  if (status >= 300 && status < 400) {
    const location = headers["location"];
    const where = typeof location === "string" ? ` to ${stripCredentials(location)}` : "";
    return {
      status: "failure",
      reason: "rejected",
      error: new IwHttpError(status, `${what} answered ${status} redirect${where}; redirects are not followed`),
    };
  }
  if (status === 408 || status === 429 || (status >= 500 && status !== 501)) {
    const retryAfterMs = parseRetryAfter(headers["retry-after"]);
    const error = new IwHttpError(status, `${what} answered ${status}${suffix}`);
    const reason = status >= 500 ? "server" : "throttled";
    return retryAfterMs === undefined ? { status: "retryable", reason, error } : { status: "retryable", reason, error, retryAfterMs };
  }
  if (status === 413) {
    return { status: "too_large", reason: "too_large", error: new IwHttpError(status, `${what} answered 413 Payload Too Large`) };
  }
  if (status === 410) {
    return {
      status: "failure",
      reason: "gone",
      disable: true,
      error: new IwHttpError(status, `${what} answered 410 Gone; the destination is disabled`),
    };
  }
  if (status === 401 || status === 403) {
    return {
      status: "retryable",
      reason: "auth",
      error: new IwHttpError(
        status,
        `${what} refused the credentials (${status})${suffix}; ${authHint}. The events stay queued and are retried until they are accepted`,
      ),
    };
  }
  return { status: "failure", reason: "rejected", error: new IwHttpError(status, `${what} answered ${status}${suffix}`) };
}

/** Removes `user:password@` from a URL-ish string so it can be printed. */
export function stripCredentials(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0];
  return scheme === undefined ? url : scheme + maskUserinfo(url.slice(scheme.length));
}
