import { z } from "zod";
import { HEADER_LIST_FORM, parseHeaderList } from "../http/index.js";
import { MAX_ENV_FILE_BYTES, readSmallRegularFile } from "./read-small-file.js";

export { MAX_ENV_FILE_BYTES };
import { urlParseProblem } from "./url-problem.js";
import {
  boolForm,
  bytesForm,
  checkLine,
  enumForm,
  intForm,
  isBlank,
  parseBoolText,
  parseBytesText,
  parseEnumText,
  parseIntText,
} from "./text-parsers.js";
import type { EnvField, EnvObject, EnvValues } from "../sink/index.js";

/*
 * Builders for environment variables, what sink authors get through `@iw/core/sink-kit`. Every
 * builder ends with `.describe(form)`: the expected form and default, shown in error messages
 * and in the generated README tables. Values arrive as strings (or undefined when unset); unset
 * means "use the default". The values are zod schemas, typed as the plain `EnvField` /
 * `EnvObject` interfaces so that the published declarations name no zod type (and a sink needs
 * no zod of its own).
 */

/** A zod schema over one variable, seen as the plain {@link EnvField} it implements. */
function field<T>(schema: z.ZodType<T, string | undefined>): EnvField<T> {
  return schema;
}

/**
 * A variable parsed by `parse`, which gets the value (`undefined` when unset) and throws
 * `Error(reason)` for a value it refuses: the reason becomes the issue's message, shown with
 * the variable and `form` (the expected form and default).
 */
export function envField<T>(form: string, parse: (value: string | undefined) => T): EnvField<T> {
  return field(
    z
      .string()
      .optional()
      .transform((v, ctx): T => {
        try {
          return parse(v);
        } catch (err) {
          ctx.addIssue({ code: "custom", message: (err as Error).message });
          return z.NEVER;
        }
      })
      .describe(form),
  );
}

/**
 * What an env schema's `transform` returns after reporting a problem with `ctx.addIssue`: typed
 * `never`, so it fits any options type; the value is discarded.
 */
export const INVALID: never = z.NEVER;

/**
 * A sink's variables, by name (`{ IW_X_URL: envUrlList(…), IW_X_TIMEOUT_MS: envMs(…) }`): the
 * object of their parsed values. Add checks across variables with `.superRefine`, and turn the
 * values into the sink's options with `.transform`; the result is the plugin's `options`.
 */
export function envObject<Fields extends Record<string, EnvField<unknown>>>(fields: Fields): EnvObject<EnvValues<Fields>, Fields> {
  return z.object(fields as unknown as Record<string, z.ZodType>) as unknown as EnvObject<EnvValues<Fields>, Fields>;
}

/** `true/false`, `1/0`, `yes/no`, `on/off` (any case). */
export function envBool(defaultValue: boolean, what = ""): EnvField<boolean> {
  return envField(boolForm(defaultValue, what), (v) => (isBlank(v) ? defaultValue : parseBoolText(v)));
}

/** A whole number in `[min, max]`. */
export function envInt(defaultValue: number, min: number, max: number, unit = ""): EnvField<number> {
  return envField(intForm(defaultValue, min, max, unit), (v) => (isBlank(v) ? defaultValue : parseIntText(v, min, max)));
}

/** A size in bytes: a whole number, optionally in KiB, MiB or GiB (`64MiB`). */
export function envBytes(defaultValue: number, min: number, max: number): EnvField<number> {
  return envField(bytesForm(defaultValue, min, max), (v) => (isBlank(v) ? defaultValue : parseBytesText(v, min, max)));
}

/** A duration in milliseconds. */
export function envMs(defaultValue: number, min = 1, max = 3_600_000): EnvField<number> {
  return envInt(defaultValue, min, max, "ms");
}

/** One of a fixed set of words (case-insensitive). */
export function envEnum<const T extends readonly [string, ...string[]]>(values: T, defaultValue: T[number]): EnvField<T[number]> {
  return envField(enumForm(values, defaultValue), (v): T[number] => (isBlank(v) ? defaultValue : parseEnumText(v, values)));
}

/** An optional free string (no CR/LF). */
export function envString(form: string, defaultValue?: string): EnvField<string | undefined> {
  return envField(defaultValue === undefined ? `${form}; unset by default` : `${form}; default ${defaultValue}`, (v) =>
    v === undefined || v === "" ? defaultValue : checkLine(v),
  );
}

/** One or more absolute URLs, comma-separated, with the allowed schemes. */
export function envUrlList(protocols: readonly string[], form?: string): EnvField<URL[]> {
  const allowed = protocols.map((p) => p.replace(/:$/, "") + ":");
  return field(
    z
      .string()
      .transform((v, ctx) => {
        const urls: URL[] = [];
        for (const part of v.split(",")) {
          const s = part.trim();
          if (s === "") continue;
          let url: URL;
          try {
            url = new URL(s);
          } catch {
            ctx.addIssue({ code: "custom", message: urlParseProblem(s) });
            return z.NEVER;
          }
          if (!allowed.includes(url.protocol)) {
            ctx.addIssue({ code: "custom", message: `scheme ${url.protocol} is not supported` });
            return z.NEVER;
          }
          urls.push(url);
        }
        if (urls.length === 0) {
          ctx.addIssue({ code: "custom", message: "empty" });
          return z.NEVER;
        }
        return urls;
      })
      .describe(form ?? `one or more ${allowed.map((p) => p + "//…").join(" or ")} URLs, comma-separated`),
  );
}

/**
 * A readable regular file of at most {@link MAX_ENV_FILE_BYTES}; parses to its contents (read
 * once, at activation). The file is opened non-blocking and checked before anything is read, so
 * a FIFO, `/dev/stdin`, `/dev/zero` or a directory is refused at once instead of blocking
 * activation or filling memory.
 */
export function envFile(form: string): EnvField<EnvFile | undefined> {
  return field(
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v.trim() === "") return undefined;
        const contents = readSmallRegularFile(v);
        if (typeof contents === "string") {
          ctx.addIssue({ code: "custom", message: contents });
          return z.NEVER;
        }
        return { path: v, contents };
      })
      .describe(`${form}: path to a readable file; unset by default`),
  );
}

/** Custom HTTP headers; CR/LF and invalid names refused. */
export function envHeaders(variable: string): EnvField<Record<string, string>> {
  return field(
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return {};
        try {
          return parseHeaderList(v, variable);
        } catch (err) {
          ctx.addIssue({ code: "custom", message: (err as Error).message });
          return z.NEVER;
        }
      })
      .describe(`${HEADER_LIST_FORM}; none by default`),
  );
}

/**
 * The file contents parsed by `envFile`. `contents` is a Node `Buffer` at run time; it is
 * declared as `Uint8Array` so the published types do not depend on the consumer's `@types/node`.
 */
export interface EnvFile {
  readonly path: string;
  readonly contents: Uint8Array;
}
