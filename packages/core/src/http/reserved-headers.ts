import { IwConfigError } from "../diagnostics/index.js";
import { assertHeaderValue } from "./headers.js";

/**
 * Request headers no HTTP sink takes from configuration: the HTTP client sets them itself, or a
 * value would break the message framing or the connection (undici refuses most of them at
 * every attempt, others would desynchronize the keep-alive connection). One list for every sink.
 */
export const CLIENT_MANAGED_HEADERS: readonly string[] = [
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "expect",
  "te",
  "trailer",
];

function isClientManaged(lower: string): boolean {
  return CLIENT_MANAGED_HEADERS.includes(lower) || lower.startsWith("proxy-");
}

/**
 * Why a configured header list is refused, or `undefined`: a name from
 * {@link CLIENT_MANAGED_HEADERS} (or `proxy-*`), or one of `sinkManaged`, the headers the sink
 * sets itself (`content-type`, `webhook-signature`, …). For schema refinements; the message
 * starts with "sets <Name>".
 */
export function reservedHeaderProblem(headers: Readonly<Record<string, string>>, sinkManaged: readonly string[] = []): string | undefined {
  const own = new Set(sinkManaged.map((n) => n.toLowerCase()));
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (isClientManaged(lower)) {
      return `sets ${name}, which the sink sets itself (the HTTP client manages it; a configured value would break the request framing); remove it`;
    }
    if (own.has(lower)) return `sets ${name}, which the sink sets itself; remove it`;
  }
  return undefined;
}

/**
 * Checks headers given in configuration (`<PREFIX>_HEADERS` or code) and returns them with
 * lower-case names: valid tokens, no CR/LF, nothing reserved (see {@link reservedHeaderProblem}).
 * Throws {@link IwConfigError} naming `variable`; values are never printed, they may be secrets.
 */
export function checkConfiguredHeaders(
  headers: Readonly<Record<string, string>> | undefined,
  variable: string,
  sinkManaged: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    assertHeaderValue(name, value, variable);
    const problem = reservedHeaderProblem({ [name]: value }, sinkManaged);
    if (problem !== undefined) throw new IwConfigError(`${variable} ${problem}`, { variable });
    out[name.toLowerCase()] = value;
  }
  return out;
}
