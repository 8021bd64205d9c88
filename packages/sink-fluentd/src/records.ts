import { toEcs, type IwEvent } from "@iw/core";
import { epochSecondsFromIso } from "./event-time.js";

/** The tag of events of one `log_type`: `<base>.<log_type>` (`inferwall.scan`, `inferwall.audit`, …). */
export function tagOf(base: string, logType: string): string {
  return `${base}.${logType}`;
}

/**
 * Groups a batch by tag, keeping the order of events inside each group. Each event's `log_type`
 * is read once: an event whose getter (or proxy) answered differently on a second read could
 * otherwise be checked as one type and filed or tagged as another. The queue's lanes make most
 * batches one `log_type`: that batch is returned as its only group, without a copy, and each
 * tag string is built once per group rather than once per event.
 */
export function groupByTag(base: string, batch: readonly IwEvent[]): Map<string, readonly IwEvent[]> {
  const groups = new Map<string, readonly IwEvent[]>();
  if (batch.length === 0) return groups;
  const first = (batch[0] as IwEvent).log_type;
  let byType: Map<string, IwEvent[]> | undefined;
  for (let i = 1; i < batch.length; i++) {
    const event = batch[i] as IwEvent;
    const type = event.log_type;
    if (byType === undefined) {
      if (type === first) continue;
      byType = new Map([[first, batch.slice(0, i)]]);
    }
    const group = byType.get(type);
    if (group === undefined) byType.set(type, [event]);
    else group.push(event);
  }
  if (byType === undefined) return groups.set(tagOf(base, first), batch);
  for (const [type, events] of byType) groups.set(tagOf(base, type), events);
  return groups;
}

/** Record layout: InferenceWall's fields as they are, or Elastic Common Schema. */
export type FluentdFormat = "iw" | "ecs";

/** Maps an event to the record sent for it. */
export function recordMapper(format: FluentdFormat | undefined): (event: IwEvent) => object {
  return format === "ecs" ? (event) => toEcs(event) : (event) => event;
}

/** Where a record's own top-level `time` goes in in_http mode. */
export const RENAMED_TIME_FIELD = "time_";

/**
 * One in_http JSON record. in_http takes a top-level `time` as the event time and fails the
 * whole request with 400 when it is not numeric, so the record's own `time` (if any) moves to
 * `time_` and `time` carries the event's timestamp as float seconds: Fluentd's event time then
 * matches forward mode.
 */
export function httpRecordJson(event: IwEvent, record: object = event): string {
  const time = epochSecondsFromIso(event.timestamp);
  let source: object = record;
  if (Object.hasOwn(record, "time")) {
    const { time: own, ...rest } = record as { time?: unknown };
    source = { ...rest, [RENAMED_TIME_FIELD]: own };
  }
  let json = JSON.stringify(source);
  // JSON.stringify escapes a lone surrogate as \udXXX, which Fluentd parses back into a string
  // that is not UTF-8. Rare: only then is the record walked (a literal backslash-u-d costs a walk).
  if (json.includes("\\ud")) json = JSON.stringify(wellFormed(source));
  return json.length <= 2 ? `{"time":${time}}` : `{"time":${time},${json.slice(1)}`;
}

/** Nesting walked by `datesAsJson`; deeper values (or cycles) go to the encoder as they are. */
const MAX_DEPTH = 32;

/**
 * `value` with every `Date` in plain objects and arrays replaced by its JSON form (ISO 8601, or
 * null when invalid), copying only what changes. The forward protocol needs it: msgpack packs a
 * Date as the timestamp extension (type -1), which Fluentd's unpacker rejects unless
 * `enable_msgpack_time_support` is on (off by default), failing the whole chunk. Maps, Sets and
 * class instances are left to the encoder.
 */
export function datesAsJson<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== "object" || depth > MAX_DEPTH) return value;
  if (value instanceof Date) return value.toJSON() as T;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = datesAsJson(item, depth + 1);
      if (next !== item) (copy ??= value.slice())[i] = next;
    }
    return (copy ?? value) as T;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let copy: Record<string, unknown> | undefined;
  const source = value as Record<string, unknown>;
  for (const key in source) {
    const item = source[key];
    if (item === null || typeof item !== "object" || !Object.hasOwn(source, key)) continue;
    const next = datesAsJson(item, depth + 1);
    if (next !== item) (copy ??= { ...source })[key] = next;
  }
  return (copy ?? value) as T;
}

/** A lone UTF-16 surrogate: half of a pair, not followed (or preceded) by its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` with each lone surrogate replaced by U+FFFD, as a UTF-8 encoder (`Buffer.from`) does. */
export function wellFormedText(text: string): string {
  return text.replace(LONE_SURROGATE, "\uFFFD");
}

/**
 * `value` with every string (keys included) of its plain objects, arrays and Maps made
 * well-formed UTF-16 (`wellFormedText`), copying only what changes. Encoders do not agree on a
 * lone surrogate: msgpackr writes it into short strings as 3 bytes that are not UTF-8, JSON as
 * an escape Fluentd parses back into invalid UTF-8; Fluentd must get valid UTF-8 either way.
 * Called on the rare records that hold one; cycles are left to the encoder, which refuses them.
 */
export function wellFormed<T>(value: T, ancestors: object[] = []): T {
  if (typeof value === "string") return wellFormedText(value) as T;
  if (value === null || typeof value !== "object" || ancestors.includes(value)) return value;
  ancestors.push(value);
  try {
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const next = wellFormed(item, ancestors);
        if (next !== item) (copy ??= value.slice())[i] = next;
      }
      return (copy ?? value) as T;
    }
    if (value instanceof Map) {
      let changed = false;
      const entries = [...(value as Map<unknown, unknown>)].map(([k, v]) => {
        const entry = [wellFormed(k, ancestors), wellFormed(v, ancestors)] as const;
        changed ||= entry[0] !== k || entry[1] !== v;
        return entry;
      });
      return (changed ? new Map(entries) : value) as T;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    const source = value as Record<string, unknown>;
    let changed = false;
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(source)) {
      const item = source[key];
      const next = wellFormed(item, ancestors);
      const name = wellFormedText(key);
      changed ||= next !== item || name !== key;
      copy[name] = next;
    }
    return (changed ? copy : value) as T;
  } finally {
    ancestors.pop();
  }
}
