import { toEcs } from "@iw/core";
import type { IwEvent } from "@iw/core";
import type { LogstashFormat } from "./options.js";

type Mapper = (event: IwEvent) => unknown;

/**
 * `host` as an object, the one change the `iw` format makes: Logstash's http input in ECS mode
 * (the Logstash 8 default) writes the client address into `[host][ip]`, which fails the whole
 * request when `host` is a string. InferenceWall itself never sends `host`, so its fields stay
 * exactly as they were.
 */
function hostAsObject(event: IwEvent): unknown {
  return typeof event.host === "string" ? { ...event, host: { name: event.host } } : event;
}

const ecs: Mapper = (event) => toEcs(event);

/**
 * The wire shape of the events of one batch: `iw` sends each event object as it is
 * (InferenceWall's fields plus `event_id`), `ecs` maps it with core's `toEcs()`. Undefined means
 * "as it is", which keeps the single-`JSON.stringify` fast path.
 */
export function formatMapper(format: LogstashFormat): (batch: readonly IwEvent[]) => Mapper | undefined {
  if (format === "ecs") return () => ecs;
  return (batch) => (batch.some((e) => typeof e.host === "string") ? hostAsObject : undefined);
}
