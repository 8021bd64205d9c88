import { isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import { defineSinkOptions, option } from "@iw/core/sink-kit";
import type { SinkOptionsInput } from "@iw/core/sink-kit";

/**
 * Every option of the JSON Lines sink, once: its type, default, checks and variable
 * (`IW_JSONL_<OPTION>`, derived from its name). Options given in code and variables run the same
 * checks, and an error names the variable (`IW_JSONL_ARCHIVE_MAX_FILES` for a named instance).
 */
export const jsonlOptions = defineSinkOptions({
  prefix: "IW_JSONL",
  name: "jsonl-file",
  options: {
    /** The file to append to; rotated files get `.1`, `.2`, … appended. In the variable, a file:/// URL. */
    path: option
      .custom({
        form: "an absolute file:/// URL, e.g. file:///var/log/iw/events.jsonl",
        fromEnv: (text) => {
          if (!text.startsWith("file:///")) throw new Error("not a file:/// URL");
          // Decodes %20 and other escapes (`new URL(…).pathname` would leave `/var/log/my%20logs/`).
          return fileURLToPath(text);
        },
        resolve: (path) => {
          if (path !== undefined && (typeof path !== "string" || !isAbsolute(path))) throw new Error("not an absolute path");
          return path;
        },
      })
      .env("URL")
      .required(),
    /** Rotate before a write would make the file larger than this. @default 10 MiB */
    maxBytes: option.int(10_485_760, 1024, 2 ** 40, "bytes"),
    /** Rotated files kept besides the current one. @default 5 */
    maxFiles: option.int(5, 1, 100),
  },
});

/** Options of the JSON Lines file sink: `path` is required, the rest have the defaults above. */
export type JsonlFileSinkOptions = SinkOptionsInput<typeof jsonlOptions>;
