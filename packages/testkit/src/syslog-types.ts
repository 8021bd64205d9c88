import type { CefEvent, LeefEvent } from "./syslog-cef.js";
import type { Rfc3164Message } from "./syslog-rfc3164.js";
import type { Rfc5424Message } from "./syslog-rfc5424.js";

/** Options of `startSyslogReceiver`. */
export interface SyslogReceiverOptions {
  /** @default "tcp" */
  readonly transport?: "udp" | "tcp" | "tls";
  /** Server key pair (PEM) for `tls`; `ca` + `requestCert` demand a client certificate. */
  readonly tls?: {
    readonly key: string | Buffer;
    readonly cert: string | Buffer;
    readonly ca?: string | Buffer;
    readonly requestCert?: boolean;
  };
  /** The header every message must have; `auto` takes `<PRI>1 ` as RFC 5424, else RFC 3164. @default "auto" */
  readonly header?: "rfc5424" | "rfc3164" | "auto";
  /** Pins stream framing; `auto` accepts both per frame, as rsyslog's imtcp does. @default "auto" */
  readonly framing?: "octet-counting" | "non-transparent" | "auto";
  /** Largest message accepted (a longer frame is a violation and ends the connection). @default 65536 */
  readonly maxMessageBytes?: number;
}

/**
 * A failure mode, until cleared:
 * - `blackhole`: TCP/TLS connections are accepted and never read (the sender's writes stall
 *   once the kernel buffers are full); UDP datagrams are dropped.
 * - `close_on_accept`: every new connection is closed at once (a receiver at its session limit).
 * - `close_after`: a connection is closed after `messages` messages were read from it (a
 *   receiver restarting, or closing idle sessions).
 */
export type SyslogFault =
  { readonly kind: "blackhole" } | { readonly kind: "close_on_accept" } | { readonly kind: "close_after"; readonly messages: number };

/** What the message body turned out to be. */
export type SyslogPayloadKind = "cef" | "leef" | "json" | "text";

/** One message the receiver parsed strictly. */
export interface ReceivedSyslogMessage {
  readonly transport: "udp" | "tcp" | "tls";
  readonly framing: "octet-counting" | "non-transparent" | "datagram";
  readonly raw: Buffer;
  readonly header: "rfc5424" | "rfc3164";
  readonly rfc5424: Rfc5424Message | undefined;
  readonly rfc3164: Rfc3164Message | undefined;
  /** RFC 5424 MSG or RFC 3164 CONTENT ("" when absent). */
  readonly msg: string;
  readonly payload: SyslogPayloadKind;
  readonly cef: CefEvent | undefined;
  readonly leef: LeefEvent | undefined;
  readonly json: Readonly<Record<string, unknown>> | undefined;
  /**
   * The event id: `eventId` of an `iw@…` SD element, CEF `externalId`, LEEF `eventId`, or
   * JSON `event_id`.
   */
  readonly eventId: string | undefined;
}

/** A message (or stream) the receiver refused, and why. */
export interface SyslogViolation {
  readonly transport: "udp" | "tcp" | "tls";
  readonly reason: string;
  /** The first 200 bytes of the offending message or stream data. */
  readonly excerpt: string;
}
