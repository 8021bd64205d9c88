import { parseCef, parseLeef } from "./syslog-cef.js";
import { parseRfc3164 } from "./syslog-rfc3164.js";
import { parseRfc5424 } from "./syslog-rfc5424.js";
import type { ReceivedSyslogMessage, SyslogPayloadKind } from "./syslog-types.js";

const RFC5424_START = /^<\d{1,3}>1 /;

/**
 * Parses one syslog message strictly: its header (RFC 5424, or RFC 3164), then its body as
 * CEF (`CEF:`), LEEF (`LEEF:`), JSON (`{`) or plain text. Throws with the reason when any part
 * breaks its grammar.
 */
export function parseSyslogMessage(
  raw: Buffer,
  transport: ReceivedSyslogMessage["transport"],
  framing: ReceivedSyslogMessage["framing"],
  header: "rfc5424" | "rfc3164" | "auto" = "auto",
): ReceivedSyslogMessage {
  const is5424 = header === "rfc5424" || (header === "auto" && RFC5424_START.test(raw.toString("latin1", 0, 8)));
  const rfc5424 = is5424 ? parseRfc5424(raw) : undefined;
  const rfc3164 = is5424 ? undefined : parseRfc3164(raw);
  const msg = rfc5424 !== undefined ? (rfc5424.msg ?? "") : rfc3164!.content;
  let payload: SyslogPayloadKind = "text";
  let cef, leef, json: Record<string, unknown> | undefined;
  if (msg.startsWith("CEF:")) {
    payload = "cef";
    cef = parseCef(msg);
  } else if (msg.startsWith("LEEF:")) {
    payload = "leef";
    leef = parseLeef(msg);
  } else if (msg.startsWith("{")) {
    payload = "json";
    json = JSON.parse(msg) as Record<string, unknown>;
  }
  const sdId = rfc5424?.sd.find((e) => e.id.startsWith("iw@"));
  const fromSd = sdId?.params.find(([name]) => name === "eventId")?.[1];
  const fromJson = typeof json?.["event_id"] === "string" ? json["event_id"] : undefined;
  const eventId = fromSd ?? cef?.extension["externalId"] ?? leef?.attributes["eventId"] ?? fromJson;
  return { transport, framing, raw, header: is5424 ? "rfc5424" : "rfc3164", rfc5424, rfc3164, msg, payload, cef, leef, json, eventId };
}
