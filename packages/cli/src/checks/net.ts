import { lookup } from "node:dns/promises";
import { connect as netConnect, isIP } from "node:net";
import type { Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { DetailedPeerCertificate, TLSSocket } from "node:tls";
import type { Deadline } from "./deadline.js";
import { DeadlineError } from "./deadline.js";
import type { TlsSettings } from "./destinations.js";
import type { CheckStep, TlsFacts } from "./step.js";
import { describeNetworkError, since } from "./step.js";

/** Certificates expiring within this many days are a warning. */
export const EXPIRY_WARNING_DAYS = 14;

/** Resolves `host` (not for an IP address); the address to connect to, or a failed step. */
export async function dnsStep(host: string, deadline: Deadline): Promise<{ step: CheckStep; address?: string }> {
  const started = performance.now();
  try {
    const all = await deadline.race(lookup(host, { all: true }), `${host} did not resolve`);
    const list = all.map((a) => a.address);
    return { step: { check: "dns", status: "ok", detail: `${host} → ${list.join(", ")}`, ms: since(started) }, address: list[0]! };
  } catch (err) {
    return {
      step: {
        check: "dns",
        status: "fail",
        detail: `${host}: ${err instanceof DeadlineError ? err.message : describeNetworkError(err)}`,
        ms: since(started),
      },
    };
  }
}

/** Opens a TCP (or unix socket) connection; the socket, or a failed step. */
export async function connectStep(
  where: { host: string; address: string; port: number } | { path: string },
  deadline: Deadline,
): Promise<{ step: CheckStep; socket?: Socket }> {
  const started = performance.now();
  const label = "path" in where ? where.path : `${where.address.includes(":") ? `[${where.address}]` : where.address}:${where.port}`;
  const socket = "path" in where ? netConnect({ path: where.path }) : netConnect({ host: where.address, port: where.port });
  socket.on("error", () => {}); // reported through the promise below
  try {
    await deadline.race(
      new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("error", reject);
      }),
      `no TCP connection to ${label} (a firewall dropping packets, or a blackholed address?)`,
    );
    return { step: { check: "connect", status: "ok", detail: `connected to ${label}`, ms: since(started) }, socket };
  } catch (err) {
    socket.destroy();
    return {
      step: {
        check: "connect",
        status: "fail",
        detail: err instanceof DeadlineError ? err.message : `${label}: ${describeNetworkError(err)}`,
        ms: since(started),
      },
    };
  }
}

/**
 * A TLS handshake over `socket` with the sink's CA, client certificate and verification setting.
 * Verification is judged here (not by the handshake) so that the chain is shown even when it fails.
 */
export async function tlsStep(
  socket: Socket,
  host: string,
  tls: TlsSettings,
  deadline: Deadline,
): Promise<{ step: CheckStep; socket?: TLSSocket }> {
  const started = performance.now();
  const servername = isIP(host) === 0 ? host : undefined;
  const secure = tlsConnect({
    socket,
    ...(servername === undefined ? {} : { servername }),
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert, key: tls.key }),
    rejectUnauthorized: false,
    host,
  });
  secure.on("error", () => {});
  try {
    await deadline.race(
      new Promise<void>((resolve, reject) => {
        secure.once("secureConnect", resolve);
        secure.once("error", reject);
        secure.once("close", () => reject(new Error("the server closed the connection during the TLS handshake")));
      }),
      "no TLS handshake (the port does not speak TLS, or nothing answers)",
    );
  } catch (err) {
    secure.destroy();
    const why = err instanceof DeadlineError ? err.message : describeNetworkError(err);
    const hint = /certificate required|bad certificate|unknown ca/i.test(why)
      ? `; the server wants a client certificate it trusts: ${tls.caVariable.replace(/CA_FILE$/, "CERT_FILE")} and ${tls.caVariable.replace(/CA_FILE$/, "KEY_FILE")}`
      : "";
    return { step: { check: "tls", status: "fail", detail: `TLS handshake failed: ${why}${hint}`, ms: since(started) } };
  }
  const facts = tlsFacts(secure, host);
  return { step: judge(facts, tls, since(started)), socket: secure };
}

function tlsFacts(secure: TLSSocket, host: string): TlsFacts {
  const leaf = secure.getPeerCertificate(true);
  const chain: string[] = [];
  const seen = new Set<string>();
  for (
    let c: DetailedPeerCertificate | undefined = leaf;
    c !== undefined && c.fingerprint256 !== undefined && !seen.has(c.fingerprint256);
    c = c.issuerCertificate
  ) {
    seen.add(c.fingerprint256);
    chain.push(nameOf(c.subject));
  }
  const validTo = leaf.valid_to === undefined ? undefined : new Date(leaf.valid_to);
  const valid = validTo !== undefined && !Number.isNaN(validTo.getTime());
  return {
    protocol: secure.getProtocol(),
    chain,
    validTo: valid ? validTo.toISOString() : undefined,
    daysLeft: valid ? Math.floor((validTo.getTime() - Date.now()) / 86_400_000) : undefined,
    checkedName: host,
    authorized: secure.authorized,
    authorizationError: secure.authorizationError === undefined ? undefined : String(secure.authorizationError),
  };
}

function nameOf(subject: Readonly<Record<string, string | string[] | undefined>> | undefined): string {
  const pick = (k: string): string | undefined => {
    const v = subject?.[k];
    return Array.isArray(v) ? v.join("+") : v;
  };
  const cn = pick("CN");
  if (cn !== undefined) return `CN=${cn}`;
  const o = pick("O");
  return o === undefined ? "(no subject)" : `O=${o}`;
}

const UNTRUSTED = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "CERT_UNTRUSTED",
]);

/** The verdict on a handshake, as the sink would see it. */
function judge(f: TlsFacts, tls: TlsSettings, ms: number): CheckStep {
  const until = f.validTo === undefined ? "" : `valid until ${f.validTo.slice(0, 10)} (${f.daysLeft} days left)`;
  const trust = tls.ca === undefined ? "system CA roots" : tls.caVariable;
  const facts = [f.protocol ?? "TLS", `chain: ${f.chain.join(" ← ")}`, until, `name checked: ${f.checkedName}`].filter(Boolean).join("; ");
  let problem: string | undefined;
  if (!f.authorized) {
    const code = f.authorizationError ?? "not authorized";
    if (code === "CERT_HAS_EXPIRED") problem = `the server certificate expired on ${f.validTo?.slice(0, 10) ?? "?"}`;
    else if (code === "ERR_TLS_CERT_ALTNAME_INVALID" || /altname|does not match/i.test(code))
      problem = `the certificate is not valid for the name ${f.checkedName} (${code})`;
    else if (UNTRUSTED.has(code))
      problem =
        tls.ca === undefined
          ? `the chain is not trusted by the system CA roots (${code}): set ${tls.caVariable} to the CA that signed it`
          : `the chain is not signed by a CA in ${tls.caVariable} (${code})`;
    else problem = `verification failed: ${code}`;
  }
  if (problem !== undefined && tls.verify) return { check: "tls", status: "fail", detail: `${problem}; ${facts}`, ms, tls: f };
  if (!tls.verify) {
    const would = problem === undefined ? "" : ` and it would fail: ${problem}`;
    return { check: "tls", status: "warn", detail: `verification is off (${tls.verifyVariable}=false)${would}; ${facts}`, ms, tls: f };
  }
  if (f.daysLeft !== undefined && f.daysLeft < EXPIRY_WARNING_DAYS)
    return {
      check: "tls",
      status: "warn",
      detail: `the certificate expires in ${f.daysLeft} days; ${facts}; trusted via ${trust}`,
      ms,
      tls: f,
    };
  return { check: "tls", status: "ok", detail: `${facts}; trusted via ${trust}`, ms, tls: f };
}
