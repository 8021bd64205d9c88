import type { IwEvent } from "@iw/core";
import { KEEP } from "./attributes.js";
import type { Out } from "./fit.js";

/** Fields that identify the event: always kept, and first. */
const IDENTITY = ["log_type", "event_id", "timestamp"];
/** What the other fields are worth when a message must shrink. */
const KEEP_FIELD: Readonly<Record<string, number>> = { details: KEEP.details, matches: KEEP.matches, top_signatures: KEEP.details };

/**
 * `<PRI>Mmm dd hh:mm:ss HOST inferwall[pid]: {json}` after `prefix` (the RFC 3164 header): the
 * event as InferenceWall sends it, one JSON object on one line (JSON escapes line breaks), which
 * Splunk, Graylog and rsyslog's mmjsonparse (`cookie=""`) read as fields. Over the size limit,
 * `matches` first loses its `matched_text`, then whole fields go, `details` and `matches` first.
 */
export function writeRfc3164(out: Out, prefix: string, event: IwEvent): void {
  // Within the limit, the event as it is; field by field (identity first) only to shorten it.
  if (!out.slow) return out.push(prefix + JSON.stringify(event));
  const record = event as unknown as Record<string, unknown>;
  let first = true;
  const field = (key: string, identity: boolean): void => {
    const json = JSON.stringify(record[key]);
    if (json === undefined) return;
    const lead = `${first ? `${prefix}{` : ","}${JSON.stringify(key)}:`;
    const keep = first || identity ? undefined : (KEEP_FIELD[key] ?? KEEP.context);
    first = false;
    if (key !== "matches" || !out.slow || !Array.isArray(record[key])) return out.push(lead + json, keep);
    const bare = lead + JSON.stringify((record[key] as Record<string, unknown>[]).map(({ matched_text: _text, ...rest }) => rest));
    out.push(lead + json, keep, (room) => (Buffer.byteLength(bare) <= room ? bare : undefined));
  };
  for (const key of IDENTITY) if (key in record) field(key, true);
  for (const key in record) if (!IDENTITY.includes(key)) field(key, false);
  out.push(first ? `${prefix}{}` : "}");
}
