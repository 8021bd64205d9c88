import * as core from "@iw/core";
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

/**
 * The wire shape of the events of one batch: `iw` sends each event object as it is
 * (InferenceWall's fields plus `event_id`), `ecs` maps it with core's `toEcs()`. Undefined means
 * "as it is", which keeps the single-`JSON.stringify` fast path.
 */
export function formatMapper(format: LogstashFormat): (batch: readonly IwEvent[]) => Mapper | undefined {
  if (format === "iw") return (batch) => (batch.some((e) => typeof e.host === "string") ? hostAsObject : undefined);
  // TODO(sink-logstash): a direct `import { toEcs }` once core-activation exports it.
  const toEcs = (core as unknown as Record<string, unknown>)["toEcs"];
  if (typeof toEcs !== "function") {
    throw new core.IwConfigError("IW_ELK_FORMAT=ecs needs a version of @iw/core that exports toEcs()", { variable: "IW_ELK_FORMAT" });
  }
  const map = (event: IwEvent): unknown => (toEcs as (e: IwEvent) => unknown)(event);
  return () => map;
}
