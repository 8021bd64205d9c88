import * as core from "@iw/core";
import type { IwEvent } from "@iw/core";
import type { LogstashFormat } from "./options.js";

/**
 * The wire shape of each event: `iw` sends the event object as it is (InferenceWall's fields,
 * plus `event_id`), `ecs` maps it with core's `toEcs()`. Undefined means "no mapping", which
 * keeps the single-`JSON.stringify` fast path.
 */
export function formatMapper(format: LogstashFormat): ((event: IwEvent) => unknown) | undefined {
  if (format !== "ecs") return undefined;
  // TODO(sink-logstash): a direct `import { toEcs }` once core-activation exports it.
  const toEcs = (core as unknown as Record<string, unknown>)["toEcs"];
  if (typeof toEcs !== "function") throw new core.IwConfigError("IW_ELK_FORMAT=ecs needs a version of @iw/core that exports toEcs()", { variable: "IW_ELK_FORMAT" });
  return toEcs as (event: IwEvent) => unknown;
}
