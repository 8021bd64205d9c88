import { defineSinkPlugin } from "@iw/core/sink-kit";
import { JsonlFileSink } from "./jsonl-file-sink.js";
import { jsonlOptions } from "./options.js";

/**
 * The plugin: `IW_JSONL_URL=file:///…` activates it, through `activate({ plugins: [plugin] })`
 * or `IW_SINK_PLUGINS=@iw/example-custom-sink`. Queue tuning, filters and redaction come from
 * core as for the built-in sinks (`IW_JSONL_BATCH_SIZE`, `IW_JSONL_EVENTS`, `IW_JSONL_REDACT`, …).
 */
export const plugin = defineSinkPlugin({
  name: "jsonl",
  env: "IW_JSONL_URL",
  options: jsonlOptions.env,
  secrets: jsonlOptions.secrets,
  // A named instance (jsonl:archive) names itself and its own variables in errors.
  create: (options, deps) => new JsonlFileSink(jsonlOptions.forInstance(options, deps)),
});
