import { createHash, randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import { Decoder, encode } from "@msgpack/msgpack";
import { decodeCarrier, rawDecoderOptions, textOf, type DecodedCarrier } from "./fluentd-decode.js";
import type { FluentdFault, FluentdFlavour, FluentdSecurity, ReceivedForwardMessage, ReceivedHandshake } from "./fluentd-types.js";

/** What a connection handler needs from its receiver. */
export interface ForwardHost {
  readonly flavour: FluentdFlavour;
  security(): FluentdSecurity | undefined;
  /** True while a blackhole fault is set (checked when a connection opens). */
  blackholed(): boolean;
  /** The fault that applies to the next forward message (consumes one of its `times`). */
  takeFault(): FluentdFault | undefined;
  store(carrier: DecodedCarrier, message: ReceivedForwardMessage): void;
  recordHandshake(handshake: ReceivedHandshake): void;
}

const sha512Hex = (...parts: (Uint8Array | string)[]): string => {
  const hash = createHash("sha512");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
};

/** Random bytes that are not valid UTF-8 (0xff never occurs in UTF-8), as Fluent Bit's salts. */
function nonUtf8Salt(): Buffer {
  const salt = randomBytes(16);
  salt[0] = 0xff;
  return salt;
}

/**
 * HELO. Fluentd encodes nonce/auth as bin (with `keepalive`); Fluent Bit as str holding raw
 * random bytes (no `keepalive`), which @msgpack/msgpack cannot produce from a JS string, so
 * that variant is assembled by hand: fixarray(2) "HELO" fixmap(2) "nonce" str8 … "auth" str8 ….
 */
function helo(flavour: FluentdFlavour, nonce: Buffer, auth: Buffer): Uint8Array {
  if (flavour === "fluentd") return encode(["HELO", { nonce, auth, keepalive: true }]);
  const str8 = (bytes: Buffer): Buffer => Buffer.concat([Buffer.from([0xd9, bytes.length]), bytes]);
  return Buffer.concat([
    Buffer.from([0x92]),
    Buffer.from(encode("HELO")),
    Buffer.from([0x82]),
    Buffer.from(encode("nonce")),
    str8(nonce),
    Buffer.from(encode("auth")),
    str8(auth),
  ]);
}

/**
 * Serves one in_forward connection: HELO/PING/PONG when `<security>` is on, then event
 * carriers in any of the four modes, acked when they carry `chunk`; fault modes applied per
 * message. Bad carriers are dropped (in_forward logs a warning and goes on).
 */
export function serveForwardConnection(socket: Socket, host: ForwardHost): void {
  const security = host.blackholed() ? undefined : host.security();
  const nonce = host.flavour === "fluentd" ? randomBytes(16) : nonUtf8Salt();
  const authSalt = host.flavour === "fluentd" ? randomBytes(16) : nonUtf8Salt();
  let established = security === undefined;
  let refused = false;
  if (security !== undefined) socket.write(helo(host.flavour, nonce, authSalt));
  socket.on("error", () => {});

  const refuse = (reason: string, hostname: string, username: string, closeOnly: boolean): void => {
    host.recordHandshake({ hostname, username, ok: false, reason });
    refused = true;
    if (closeOnly) socket.destroy();
    else socket.end(encode(["PONG", false, reason, "", ""]));
  };

  const onPing = (message: unknown): void => {
    const sec = security as FluentdSecurity;
    if (!Array.isArray(message) || message.length !== 6 || textOf(message[0]) !== "PING") {
      return refuse("invalid ping message", "", "", false);
    }
    const [, hostRaw, saltRaw, digest, userRaw, passwordDigest] = message as unknown[];
    const hostname = textOf(hostRaw);
    const username = textOf(userRaw);
    const salt = saltRaw instanceof Uint8Array ? saltRaw : Buffer.from(textOf(saltRaw));
    if (textOf(digest) !== sha512Hex(salt, hostRaw instanceof Uint8Array ? hostRaw : hostname, nonce, sec.sharedKey)) {
      return refuse("shared_key mismatch", hostname, username, host.flavour === "fluent-bit");
    }
    const users = sec.users ?? [];
    if (users.length > 0) {
      const ok = users.some((u) => u.username === username && sha512Hex(authSalt, username, u.password) === textOf(passwordDigest));
      if (!ok) return refuse("username/password mismatch", hostname, username, false);
    }
    const selfHostname = sec.selfHostname ?? "iw-test-fluentd";
    host.recordHandshake({ hostname, username, ok: true, reason: "" });
    socket.write(encode(["PONG", true, "", selfHostname, sha512Hex(salt, selfHostname, nonce, sec.sharedKey)]));
    established = true;
  };

  const onCarrier = (message: unknown): boolean => {
    if (message === null) return true; // heartbeat
    const fault = host.takeFault();
    if (fault?.kind === "blackhole") return true;
    let carrier: DecodedCarrier;
    try {
      carrier = decodeCarrier(message);
    } catch {
      return true;
    }
    const chunk = typeof carrier.option["chunk"] === "string" ? carrier.option["chunk"] : undefined;
    const received: ReceivedForwardMessage = {
      tag: carrier.tag,
      mode: carrier.mode,
      option: carrier.option,
      entries: carrier.entries.length,
      packed: carrier.packed,
      outcome: "stored",
    };
    if (fault?.kind === "reset_before_ack") {
      received.outcome = "dropped";
      host.store({ ...carrier, entries: [] }, received);
      socket.resetAndDestroy();
      return false;
    }
    const ack = chunk !== undefined && fault?.kind !== "no_ack";
    if (ack) received.outcome = "acked";
    host.store(carrier, received);
    if (!ack) return true;
    if (fault?.kind === "reset_after_ack") {
      socket.write(encode({ ack: chunk }), () => socket.resetAndDestroy());
      return false;
    }
    socket.write(encode({ ack: chunk }));
    return true;
  };

  void (async () => {
    try {
      for await (const message of new Decoder(rawDecoderOptions).decodeStream(socket)) {
        if (socket.destroyed || refused) return;
        if (!established) onPing(message);
        else if (!onCarrier(message)) return;
      }
    } catch {
      socket.destroy();
    }
  })();
}
