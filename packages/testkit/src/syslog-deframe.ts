/** How a stream frame was delimited (RFC 6587 §3.4). */
export type SyslogFramingKind = "octet-counting" | "non-transparent";

/** A stream that breaks its framing: the receiver drops the connection, as rsyslog does. */
export class SyslogFramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SyslogFramingError";
  }
}

/**
 * Splits a TCP/TLS byte stream into syslog messages. Like rsyslog's imtcp, each frame says
 * its own framing: a digit starts octet counting (`MSG-LEN SP SYSLOG-MSG`, MSG-LEN without a
 * leading zero), `<` a non-transparent frame ended by LF. `expect` pins one of them.
 */
export class SyslogDeframer {
  readonly #max: number;
  readonly #expect: SyslogFramingKind | undefined;
  #buf: Buffer = Buffer.alloc(0);

  constructor(maxMessageBytes: number, expect?: SyslogFramingKind) {
    this.#max = maxMessageBytes;
    this.#expect = expect;
  }

  /** Bytes held for an incomplete frame. */
  get buffered(): number {
    return this.#buf.length;
  }

  /** Adds bytes; returns the complete frames. Throws {@link SyslogFramingError}. */
  push(chunk: Buffer): { framing: SyslogFramingKind; message: Buffer }[] {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const out: { framing: SyslogFramingKind; message: Buffer }[] = [];
    for (;;) {
      const first = this.#buf[0];
      if (first === undefined) return out;
      const framing: SyslogFramingKind =
        first >= 0x30 && first <= 0x39 ? "octet-counting" : first === 0x3c ? "non-transparent" : this.#bad(first);
      if (this.#expect !== undefined && framing !== this.#expect)
        throw new SyslogFramingError(`expected ${this.#expect} framing, got a ${framing} frame`);
      const frame = framing === "octet-counting" ? this.#counted() : this.#line();
      if (frame === undefined) return out;
      out.push({ framing, message: frame });
    }
  }

  #bad(first: number): never {
    throw new SyslogFramingError(
      `a frame starts with byte 0x${first.toString(16)}: neither MSG-LEN (octet counting) nor < (non-transparent)`,
    );
  }

  #counted(): Buffer | undefined {
    const sp = this.#buf.indexOf(0x20);
    const digits = sp < 0 ? this.#buf.length : sp;
    if (digits > 10) throw new SyslogFramingError("MSG-LEN has more than 10 digits");
    if (sp < 0) return undefined;
    const text = this.#buf.toString("latin1", 0, sp);
    if (!/^[1-9]\d*$/.test(text)) throw new SyslogFramingError(`MSG-LEN "${text}" is not a number without leading zeros`);
    const len = Number(text);
    if (len > this.#max) throw new SyslogFramingError(`MSG-LEN ${len} is above the receiver's limit of ${this.#max} bytes`);
    if (this.#buf.length < sp + 1 + len) return undefined;
    const message = this.#buf.subarray(sp + 1, sp + 1 + len);
    this.#buf = this.#buf.subarray(sp + 1 + len);
    return message;
  }

  #line(): Buffer | undefined {
    const lf = this.#buf.indexOf(0x0a);
    if (lf < 0) {
      if (this.#buf.length > this.#max)
        throw new SyslogFramingError(`a non-transparent frame is longer than the receiver's limit of ${this.#max} bytes`);
      return undefined;
    }
    const message = this.#buf.subarray(0, lf);
    this.#buf = this.#buf.subarray(lf + 1);
    if (message.length > this.#max)
      throw new SyslogFramingError(`a non-transparent frame of ${message.length} bytes is above the receiver's limit of ${this.#max}`);
    return message;
  }
}
