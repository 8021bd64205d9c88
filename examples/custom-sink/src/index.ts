import { plugin } from "./plugin.js";

export { JsonlFileSink, DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES } from "./jsonl-file-sink.js";
export type { JsonlFileSinkOptions } from "./jsonl-file-sink.js";
export { plugin };
export default plugin;
