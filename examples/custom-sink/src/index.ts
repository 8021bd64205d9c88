import { plugin } from "./plugin.js";

export { JsonlFileSink } from "./jsonl-file-sink.js";
export type { JsonlFileSinkOptions } from "./options.js";
export { plugin };
export default plugin;
