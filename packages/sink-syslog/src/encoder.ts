import type { IwEvent } from "@iw/core";
import { viewOf, type EventView } from "./attributes.js";
import { deviceIdentity, writeCef, type DeviceIdentity } from "./cef.js";
import { PieceOut, TextOut, type Fitted, type Out } from "./fit.js";
import { hostnameOf, rfc3164Header, rfc5424Header, type HeaderFields } from "./header.js";
import { writeLeef } from "./leef.js";
import { classify, type Classification } from "./mapping.js";
import type { ResolvedOptions } from "./resolve-options.js";
import { writeRfc3164 } from "./rfc3164.js";
import { writeRfc5424 } from "./rfc5424.js";
import { utf8Length } from "./text.js";

/**
 * Turns one event into one syslog message (SYSLOG-MSG, without framing) in the configured
 * format, within `maxMessageBytes` (shortened by rule and flagged `truncated` when over).
 * Pure: the event is read, never modified.
 */
export class SyslogEncoder {
  readonly #o: ResolvedOptions;
  readonly #procId = String(process.pid);
  readonly #device: DeviceIdentity;
  /** Non-transparent framing ends a message at LF: values must not carry one. */
  readonly #oneLine: boolean;
  readonly #text = new TextOut();

  constructor(options: ResolvedOptions) {
    this.#o = options;
    this.#device = deviceIdentity(options.vendor, options.product, options.productVersion);
    this.#oneLine = options.framing === "non-transparent";
  }

  encode(event: IwEvent): Fitted {
    const o = this.#o;
    const c = classify(event);
    // RFC 3164 carries the event as JSON: it needs no field mapping, only the time.
    const view = o.format === "rfc3164" ? undefined : viewOf(event, c);
    const time = view === undefined ? Date.parse(event.timestamp) : view.timeMs;
    const h: HeaderFields = {
      facility: c.audit ? o.auditFacility : o.facility,
      severity: c.severity,
      timestamp: String(event.timestamp),
      timeMs: time !== undefined && Number.isFinite(time) ? time : undefined,
      hostname: hostnameOf(event.host, o.hostname),
      appName: o.appName,
      procId: this.#procId,
      msgId: c.msgId,
    };
    const fast = this.#text;
    fast.reset();
    this.#write(fast, event, view, c, h);
    const text = fast.text;
    const bytes = utf8Length(text);
    if (bytes <= o.maxMessageBytes) return { text, bytes, truncated: false };
    const slow = new PieceOut();
    this.#write(slow, event, view, c, h);
    const fitted = slow.fit(o.maxMessageBytes);
    return { text: fitted, bytes: utf8Length(fitted), truncated: true };
  }

  #write(out: Out, event: IwEvent, view: EventView | undefined, c: Classification, h: HeaderFields): void {
    const o = this.#o;
    if (view === undefined) return writeRfc3164(out, rfc3164Header(h), event);
    if (o.format === "rfc5424") return writeRfc5424(out, view, c, h, { enterpriseId: o.enterpriseId, oneLine: this.#oneLine });
    // RFC 5424 without structured data (`-`): the CEF or LEEF payload is the MSG. No format
    // leaves a raw line break outside RFC 5424 values: CEF escapes them, LEEF and the header
    // fields replace them, JSON escapes them.
    const prefix = o.header === "rfc5424" ? `${rfc5424Header(h)} - ` : rfc3164Header(h);
    if (o.format === "cef") writeCef(out, prefix, view, c, this.#device);
    else writeLeef(out, prefix, view, c, this.#device);
  }
}
