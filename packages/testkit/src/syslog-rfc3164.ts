import { SyslogParseError, readPri } from "./syslog-rfc5424.js";

/** A parsed RFC 3164 (BSD) message: `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: CONTENT`. */
export interface Rfc3164Message {
  readonly pri: number;
  readonly facility: number;
  readonly severity: number;
  /** `Mmm dd hh:mm:ss` as sent (no year, no zone). */
  readonly timestamp: string;
  readonly hostname: string;
  readonly tag: string;
  readonly pid: string | undefined;
  /** What follows `TAG[PID]: `. */
  readonly content: string;
}

const HEADER =
  /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ( [1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):([0-5]\d):([0-5]\d) ([\x21-\x7e]+) ([A-Za-z0-9_./-]{1,32})(?:\[([\x21-\x5a\x5c\x5e-\x7e]{1,128})\])?: /;

/**
 * Parses one RFC 3164 message strictly: PRI, a `Mmm dd hh:mm:ss` timestamp with the day
 * space-padded (§4.1.2), a hostname without spaces, and a TAG of at most 32 alphanumeric
 * characters (§4.1.3), with an optional `[pid]`, then `: ` and the content. Throws
 * {@link SyslogParseError}.
 */
export function parseRfc3164(input: Buffer | string): Rfc3164Message {
  const buf = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  const { pri, end } = readPri(buf);
  const rest = buf.toString("utf8", end);
  const m = HEADER.exec(rest);
  if (m === null) throw new SyslogParseError("not Mmm dd hh:mm:ss HOSTNAME TAG[PID]: CONTENT", end);
  return {
    pri,
    facility: pri >> 3,
    severity: pri & 7,
    timestamp: `${m[1]} ${m[2]} ${m[3]}:${m[4]}:${m[5]}`,
    hostname: m[6]!,
    tag: m[7]!,
    pid: m[8],
    content: rest.slice(m[0].length),
  };
}
