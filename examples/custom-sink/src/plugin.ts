import { fileURLToPath } from "node:url";
import { defineSinkPlugin, envField, envInt, envObject } from "@iw/core/sink-kit";
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES, JsonlFileSink } from "./jsonl-file-sink.js";

const options = envObject({
  IW_JSONL_URL: envField("an absolute file:/// URL, e.g. file:///var/log/iw/events.jsonl", (v) => {
    if (v === undefined || !v.startsWith("file:///")) throw new Error("not a file:/// URL");
    return v;
  }),
  IW_JSONL_MAX_BYTES: envInt(DEFAULT_MAX_BYTES, 1024, 2 ** 40, "bytes"),
  IW_JSONL_MAX_FILES: envInt(DEFAULT_MAX_FILES, 1, 100),
}).transform((env) => ({
  path: fileURLToPath(env.IW_JSONL_URL),
  maxBytes: env.IW_JSONL_MAX_BYTES,
  maxFiles: env.IW_JSONL_MAX_FILES,
}));

/**
 * The plugin: `IW_JSONL_URL=file:///…` activates it, through `activate({ plugins: [plugin] })`
 * or `IW_SINK_PLUGINS=@iw/example-custom-sink`. Queue tuning, filters and redaction come from
 * core as for the built-in sinks (`IW_JSONL_BATCH_SIZE`, `IW_JSONL_EVENTS`, `IW_JSONL_REDACT`, …).
 */
export const plugin = defineSinkPlugin({
  name: "jsonl",
  env: "IW_JSONL_URL",
  options,
  create: (opts) => new JsonlFileSink(opts),
});
