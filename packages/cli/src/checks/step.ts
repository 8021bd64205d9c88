/** How one check went: `warn` still works (or cannot be told), `fail` would not work. */
export type StepStatus = "ok" | "warn" | "fail";

/** What a TLS check saw. */
export interface TlsFacts {
  readonly protocol: string | null;
  /** Subjects from the server's certificate up to the root it sent or we trust. */
  readonly chain: readonly string[];
  /** `valid_to` of the server certificate (ISO 8601) and the whole days left. */
  readonly validTo: string | undefined;
  readonly daysLeft: number | undefined;
  /** The name the certificate was checked against. */
  readonly checkedName: string;
  readonly authorized: boolean;
  readonly authorizationError: string | undefined;
}

/** One check of one destination. */
export interface CheckStep {
  readonly check: "dns" | "connect" | "tls" | "http" | "handshake";
  readonly status: StepStatus;
  readonly detail: string;
  /** How long it took. */
  readonly ms: number;
  readonly tls?: TlsFacts;
}

/** Every check of one destination. */
export interface DestinationReport {
  /** Where (credentials, query and token-like path segments masked). */
  readonly target: string;
  readonly ok: boolean;
  readonly steps: readonly CheckStep[];
  /** What was not checked, when something could not be. */
  readonly note?: string;
}

/** Milliseconds since `started`, one decimal. */
export function since(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

/** The `code` of a Node or undici error, looking through `cause`. */
export function codeOf(err: unknown): string | undefined {
  for (let e = err, depth = 0; e !== null && typeof e === "object" && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && !code.startsWith("UND_ERR_SOCKET")) return code;
  }
  return undefined;
}

const NETWORK_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused: nothing listens there (is the collector running, on this port?)",
  ECONNRESET: "the connection was reset by the other side",
  EPIPE: "the connection was closed by the other side",
  ETIMEDOUT: "the connection timed out (a firewall dropping packets?)",
  EHOSTUNREACH: "no route to the host",
  ENETUNREACH: "the network is unreachable",
  ENOTFOUND: "the name does not resolve (ENOTFOUND)",
  EAI_AGAIN: "the DNS server did not answer (EAI_AGAIN)",
  ENOENT: "no socket at this path",
  EACCES: "permission denied",
  UND_ERR_CONNECT_TIMEOUT: "no TCP connection in time (a firewall dropping packets, or a blackholed address)",
  UND_ERR_HEADERS_TIMEOUT: "connected, but no HTTP answer in time",
  UND_ERR_SOCKET: "the connection was closed before an answer",
};

/** A plain sentence for a network error, with its code. */
export function describeNetworkError(err: unknown): string {
  const code = codeOf(err);
  const words = code === undefined ? undefined : NETWORK_WORDS[code];
  const message = err instanceof Error ? err.message : String(err);
  if (words !== undefined) return `${words}${words.includes(code!) ? "" : ` (${code})`}`;
  return code === undefined || message.includes(code) ? message : `${message} (${code})`;
}
