import { createHash, randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import { decode, encode } from "@msgpack/msgpack";
import type { Deadline } from "./deadline.js";
import { DeadlineError } from "./deadline.js";
import type { HandshakeSettings } from "./destinations.js";
import type { CheckStep } from "./step.js";
import { describeNetworkError, since } from "./step.js";

/** How long a server with `<security>` may take to send HELO after the connection opens. */
export const HELO_WAIT_MS = 1000;
const MAX_REPLY_BYTES = 4096;

/**
 * The forward protocol's `<security>` handshake, as PROTOCOLS.md describes it: wait for HELO,
 * answer PING with the shared key's digest (and the user's), check PONG and the server's digest.
 * No event is sent. Without HELO and without a shared key there is nothing to check: the
 * protocol has no no-op request (`iw-sinks test` sends events and waits for their ack).
 */
export async function handshakeStep(socket: Socket, h: HandshakeSettings, deadline: Deadline): Promise<CheckStep> {
  const started = performance.now();
  const replies = new ReplyReader(socket);
  const step = (status: CheckStep["status"], detail: string): CheckStep => ({ check: "handshake", status, detail, ms: since(started) });
  try {
    const helo = await replies.next(Math.min(HELO_WAIT_MS, deadline.remaining()), deadline);
    if (helo === "none") {
      if (h.sharedKey !== undefined)
        return step(
          "fail",
          `no HELO within ${HELO_WAIT_MS} ms, but ${h.prefix}_SHARED_KEY is set: is <security> configured on the server? (a blackholed port looks the same)`,
        );
      return step(
        "ok",
        "no <security> handshake asked (the server did not send HELO); the forward protocol has no no-op request, so delivery itself is checked by `iw-sinks test`",
      );
    }
    const parsed = parseHelo(helo);
    if (parsed === undefined) return step("fail", "the server sent something that is not a forward-protocol HELO: is this in_forward?");
    // Fluentd sends an auth salt whenever <security> is on, users or not: only PONG says whether a user was needed.
    if (h.sharedKey === undefined)
      return step(
        "fail",
        `the server asks for the <security> handshake (HELO): set ${h.prefix}_SHARED_KEY (and ${h.prefix}_USERNAME / ${h.prefix}_PASSWORD if it has <user> sections)`,
      );
    const salt = Buffer.from(randomBytes(16).toString("hex"), "latin1");
    const username = h.username ?? "";
    const passwordDigest = h.username === undefined ? "" : sha512Hex(parsed.auth, username, h.password ?? "");
    socket.write(
      encode([
        "PING",
        h.hostname,
        salt.toString("latin1"),
        sha512Hex(salt, h.hostname, parsed.nonce, h.sharedKey),
        username,
        passwordDigest,
      ]),
    );
    const pong = await replies.next(deadline.remaining(), deadline);
    if (pong === "none") return step("fail", "no PONG after PING");
    if (pong === "closed")
      return step(
        "fail",
        `the server closed the connection after PING: ${h.prefix}_SHARED_KEY (or the user) was refused (Fluent Bit closes without a reason)`,
      );
    if (!Array.isArray(pong) || text(pong[0]) !== "PONG") return step("fail", "the server answered PING with something that is not PONG");
    const [, ok, reason, serverHost, digest] = pong as unknown[];
    if (ok !== true) {
      const why = text(reason) || "no reason given";
      const hint = /user|password/i.test(why) ? `check ${h.prefix}_USERNAME and ${h.prefix}_PASSWORD` : `check ${h.prefix}_SHARED_KEY`;
      return step("fail", `the server refused the handshake (${why}): ${hint}`);
    }
    if (text(digest) !== sha512Hex(salt, bytes(serverHost) ?? "", parsed.nonce, h.sharedKey)) {
      return step("fail", `the server's PONG does not prove it knows ${h.prefix}_SHARED_KEY: another server answers here`);
    }
    return step(
      "ok",
      `handshake accepted by ${text(serverHost) || "the server"} (shared key${h.username === undefined ? "" : ` and user ${h.username}`} checked both ways)`,
    );
  } catch (err) {
    return step("fail", err instanceof DeadlineError ? err.message : `handshake: ${describeNetworkError(err)}`);
  } finally {
    replies.stop();
  }
}

/** Reads one msgpack reply at a time (HELO, PONG), raw strings as bytes, at most 4 KiB each. */
class ReplyReader {
  #buf = Buffer.alloc(0);
  #closed = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  readonly #socket: Socket;
  readonly #onData = (chunk: Buffer): void => {
    this.#buf = Buffer.concat([this.#buf, chunk]);
    this.#wake?.();
  };
  readonly #onEnd = (): void => {
    this.#closed = true;
    this.#wake?.();
  };
  readonly #onError = (err: Error): void => {
    this.#error = err;
    this.#onEnd();
  };

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("data", this.#onData).on("end", this.#onEnd).on("close", this.#onEnd).on("error", this.#onError);
  }

  /** The next reply; "none" when nothing complete came within `waitMs`, "closed" when the peer closed first. */
  async next(waitMs: number, deadline: Deadline): Promise<unknown> {
    const until = performance.now() + waitMs;
    for (;;) {
      if (this.#buf.length > MAX_REPLY_BYTES) throw new Error("a reply larger than 4 KiB: this is not the forward protocol");
      if (this.#buf.length > 0) {
        try {
          const value = decode(this.#buf, {
            rawStrings: true,
            maxStrLength: MAX_REPLY_BYTES,
            maxBinLength: MAX_REPLY_BYTES,
            maxArrayLength: 64,
            maxMapLength: 64,
          });
          this.#buf = Buffer.alloc(0);
          return value;
        } catch (err) {
          if (!(err instanceof RangeError)) throw new Error("bytes that are not msgpack: this is not the forward protocol");
        }
      }
      if (this.#closed) {
        if (this.#error !== undefined && this.#buf.length === 0) throw this.#error;
        return "closed";
      }
      const left = until - performance.now();
      if (left <= 0) return "none";
      await deadline.race(
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left).unref();
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        }),
        "no complete reply from the server",
      );
    }
  }

  stop(): void {
    this.#socket.off("data", this.#onData).off("end", this.#onEnd).off("close", this.#onEnd).off("error", this.#onError);
  }
}

function parseHelo(message: unknown): { nonce: Uint8Array; auth: Uint8Array } | undefined {
  if (!Array.isArray(message) || text(message[0]) !== "HELO") return undefined;
  const options = message[1] as Record<string, unknown> | undefined;
  const nonce = bytes(options?.["nonce"]);
  return nonce === undefined ? undefined : { nonce, auth: bytes(options?.["auth"]) ?? new Uint8Array() };
}

/** Fluentd sends nonce and salt as bin, Fluent Bit as str holding raw bytes: both arrive as bytes. */
function bytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  return typeof value === "string" ? Buffer.from(value, "utf8") : undefined;
}

function text(value: unknown): string {
  const b = bytes(value);
  return b === undefined ? "" : Buffer.from(b).toString("utf8");
}

function sha512Hex(...parts: readonly (Uint8Array | string)[]): string {
  const hash = createHash("sha512");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
}
