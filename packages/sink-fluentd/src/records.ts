import { toEcs, type IwEvent } from "@iw/core";
import { epochSecondsFromIso } from "./event-time.js";

/** The tag of an event: `<base>.<log_type>` (`inferwall.scan`, `inferwall.audit`, …). */
export function tagOf(base: string, event: IwEvent): string {
  return `${base}.${event.log_type}`;
}

/**
 * Groups a batch by tag, keeping the order of events inside each group. The queue's lanes make
 * most batches one `log_type`: that batch is returned as its only group, without a copy, and
 * each tag string is built once per group rather than once per event.
 */
export function groupByTag(base: string, batch: readonly IwEvent[]): Map<string, readonly IwEvent[]> {
  const groups = new Map<string, readonly IwEvent[]>();
  const first = batch[0];
  if (first === undefined) return groups;
  let same = true;
  for (let i = 1; i < batch.length && same; i++) same = (batch[i] as IwEvent).log_type === first.log_type;
  if (same) return groups.set(tagOf(base, first), batch);
  const byType = new Map<string, IwEvent[]>();
  for (const event of batch) {
    const group = byType.get(event.log_type);
    if (group === undefined) byType.set(event.log_type, [event]);
    else group.push(event);
  }
  for (const [, events] of byType) groups.set(tagOf(base, events[0] as IwEvent), events);
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
  const json = JSON.stringify(source);
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
