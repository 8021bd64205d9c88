import { createHash, randomBytes } from "node:crypto";
import { IwError } from "@iw/core";

/** Credentials for the forward protocol's `<security>` handshake. */
export interface HandshakeCredentials {
  readonly sharedKey: string;
  /** Our name in PING; the server may log it. */
  readonly hostname: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
}

/** What the client remembers between PING and PONG. */
export interface PingState {
  readonly salt: Uint8Array;
  readonly nonce: Uint8Array;
}

type Part = Uint8Array | string;

/** `sha512_hex(a + b + …)` over raw bytes (strings as UTF-8). */
export function sha512Hex(...parts: readonly Part[]): string {
  const hash = createHash("sha512");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
}

/** Strings arrive as bytes (`rawStrings`): Fluentd sends nonce/salt as bin, Fluent Bit as str. */
export function asBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return Buffer.from(value, "utf8");
  return undefined;
}

/** Text of a raw string field, for messages and hostnames. */
export function asText(value: unknown): string {
  const bytes = asBytes(value);
  return bytes === undefined ? "" : Buffer.from(bytes).toString("utf8");
}

/** Parses HELO (`["HELO", {nonce, auth, keepalive?}]`); `undefined` when it is not one. */
export function parseHelo(message: unknown): { nonce: Uint8Array; auth: Uint8Array; keepalive: boolean } | undefined {
  if (!Array.isArray(message) || asText(message[0]) !== "HELO") return undefined;
  const options = message[1] as Record<string, unknown> | undefined;
  const nonce = asBytes(options?.["nonce"]);
  if (nonce === undefined) return undefined;
  return { nonce, auth: asBytes(options?.["auth"]) ?? new Uint8Array(), keepalive: options?.["keepalive"] !== false };
}

/** Builds PING for a HELO. The salt is hex text, which both Fluentd and Fluent Bit accept as str. */
export function buildPing(creds: HandshakeCredentials, nonce: Uint8Array, authSalt: Uint8Array): { ping: unknown[]; state: PingState } {
  const salt = Buffer.from(randomBytes(16).toString("hex"), "latin1");
  const username = creds.username ?? "";
  const password = creds.username !== undefined ? sha512Hex(authSalt, username, creds.password ?? "") : "";
  const digest = sha512Hex(salt, creds.hostname, nonce, creds.sharedKey);
  return { ping: ["PING", creds.hostname, salt.toString("latin1"), digest, username, password], state: { salt, nonce } };
}

/**
 * Checks PONG (`["PONG", ok, reason, server_hostname, digest]`): a refusal or a digest that does
 * not prove the server knows our shared key is an `IW_AUTH` error with a hint naming the variable
 * (`<envPrefix>_SHARED_KEY`, …).
 */
export function checkPong(message: unknown, creds: HandshakeCredentials, state: PingState, envPrefix: string): IwError | undefined {
  const p = envPrefix;
  if (!Array.isArray(message) || asText(message[0]) !== "PONG") {
    return new IwError("IW_PROTOCOL", "Fluentd handshake: expected PONG after PING");
  }
  const [, ok, reason, serverHost, digest] = message as unknown[];
  if (ok !== true) {
    const why = asText(reason) || "no reason given";
    const hint = /user|password/i.test(why)
      ? `check ${p}_USERNAME and ${p}_PASSWORD`
      : `check ${p}_SHARED_KEY (and ${p}_USERNAME / ${p}_PASSWORD)`;
    return new IwError("IW_AUTH", `Fluentd refused the handshake (${why}); ${hint}`);
  }
  const expected = sha512Hex(state.salt, asBytes(serverHost) ?? "", state.nonce, creds.sharedKey);
  if (asText(digest) !== expected) {
    return new IwError(
      "IW_AUTH",
      `Fluentd handshake: the server's PONG digest does not match our shared key; the server is not the one configured with ${p}_SHARED_KEY`,
    );
  }
  return undefined;
}
