import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve as resolvePath } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { IwError } from "../diagnostics/index.js";
import type { SinkPlugin } from "../sink/index.js";

/** A built-in sink: activated when `env` is set, loaded from `module` (installed by the host). */
export interface BuiltinSink {
  readonly name: string;
  readonly env: string;
  readonly module: string;
}

/** The built-in sinks. Their packages are imported only when their variable is set. */
export const BUILTIN_SINKS: readonly BuiltinSink[] = Object.freeze([
  { name: "logstash", env: "IW_ELK_URL", module: "@iw/sink-logstash" },
  { name: "fluentd", env: "IW_FLUENTD_URL", module: "@iw/sink-fluentd" },
  { name: "webhook", env: "IW_WEBHOOK_URL", module: "@iw/sink-webhook" },
  { name: "otlp", env: "IW_OTLP_URL", module: "@iw/sink-otlp" },
  { name: "syslog", env: "IW_SYSLOG_URL", module: "@iw/sink-syslog" },
]);

/**
 * Where module specifiers are resolved from: `resolveFrom` (a file, a directory, or a URL) when
 * given, else the main module (`process.argv[1]`), then the working directory. Sink packages are
 * dependencies of the application, not of @iw/core, and pnpm's isolated layout hides them from
 * core's own location.
 */
export function resolutionBases(resolveFrom?: string | URL): string[] {
  const bases: string[] = [];
  const add = (p: string | URL | undefined) => {
    if (p === undefined || p === "") return;
    let path = p instanceof URL || /^file:/i.test(p) ? fileURLToPath(p) : resolvePath(p);
    if (!isAbsolute(path)) return;
    try {
      if (statSync(path).isDirectory()) path = join(path, "noop.js");
    } catch {
      // A missing main module (REPL, `node -e`): resolve from its directory all the same.
    }
    if (!bases.includes(path)) bases.push(path);
  };
  if (resolveFrom !== undefined) add(resolveFrom);
  else {
    add(process.argv[1]);
    add(join(process.cwd(), "noop.js"));
  }
  return bases;
}

/** Thrown by {@link loadModule} when the package itself cannot be found. */
export class ModuleMissingError extends IwError {
  constructor(specifier: string, cause: unknown) {
    super("IW_PLUGIN_MISSING", `cannot find ${specifier}`, { cause });
    this.name = "ModuleMissingError";
  }
}

/** A sink package that is missing, fails to load or exports no valid plugin. */
export class IwPluginError extends IwError {
  /** The variable that asked for the module (`IW_ELK_URL`, `IW_SINK_PLUGINS`). */
  readonly variable: string | undefined;
  constructor(code: "IW_PLUGIN_MISSING" | "IW_PLUGIN_INVALID", message: string, variable: string | undefined, cause?: unknown) {
    super(code, message, { cause });
    this.name = "IwPluginError";
    this.variable = variable;
  }
}

/**
 * Resolves `specifier` from the first base that can (CommonJS-style resolution, so packages
 * need a `default` or `import`-free export condition, as every @iw package has) and imports the
 * file URL. Unless `fallback` is false (an explicit `resolveFrom`), a plain `import()` from core's
 * own location is the last resort (monorepos, bundlers). `onResolved` gets the file URL found.
 *
 * @throws ModuleMissingError when nobody can resolve it; the import's own error otherwise.
 */
export async function loadModule(
  specifier: string,
  bases: readonly string[],
  fallback = true,
  onResolved?: (url: string) => void,
): Promise<Record<string, unknown>> {
  let url: string | undefined;
  for (const base of bases) {
    try {
      url = pathToFileURL(createRequire(base).resolve(specifier.startsWith("file:") ? fileURLToPath(specifier) : specifier)).href;
      break;
    } catch (err) {
      // An ESM-only package (`exports` with an `import` condition only) is installed but not
      // resolvable the CommonJS way: read its exports map.
      const esm = (err as { code?: string }).code === "ERR_PACKAGE_PATH_NOT_EXPORTED" ? resolveImportExport(specifier, base) : undefined;
      if (esm !== undefined) {
        url = pathToFileURL(esm).href;
        break;
      }
    }
  }
  if (url !== undefined) {
    onResolved?.(url);
    return (await import(url)) as Record<string, unknown>;
  }
  if (!fallback) throw new ModuleMissingError(specifier, undefined);
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as { code?: string }).code;
    const notFound =
      code === "ERR_MODULE_NOT_FOUND" ||
      code === "MODULE_NOT_FOUND" ||
      /Cannot find (module|package)|Failed to load url/i.test((err as Error).message ?? "");
    if (notFound && (err as Error).message.includes(specifier)) throw new ModuleMissingError(specifier, err);
    throw err;
  }
}

/**
 * Finds `node_modules/<package>` above `base` and picks the target of `specifier`'s subpath in its
 * `exports` map under the `node`, `import` or `default` condition (nested conditions followed).
 */
export function resolveImportExport(specifier: string, base: string): string | undefined {
  const m = /^((?:@[^/]+\/)?[^/@.][^/]*)(\/.*)?$/.exec(specifier);
  if (m === null) return undefined;
  const name = m[1]!;
  const key = m[2] === undefined ? "." : `.${m[2]}`;
  for (let dir = dirname(base); ; dir = dirname(dir)) {
    const pkgDir = join(dir, "node_modules", name);
    let exportsField: unknown;
    try {
      exportsField = (JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { exports?: unknown }).exports;
    } catch {
      exportsField = undefined;
    }
    const target = exportsField === undefined ? undefined : exportTarget(exportsField, key);
    if (target !== undefined) return join(pkgDir, target);
    if (dirname(dir) === dir) return undefined;
  }
}

function exportTarget(exportsField: unknown, key: string): string | undefined {
  let e = exportsField;
  const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isMap(e) && Object.keys(e).some((k) => k.startsWith("."))) e = e[key];
  else if (key !== ".") return undefined;
  for (let depth = 0; depth < 5 && isMap(e); depth++) {
    const map: Record<string, unknown> = e;
    const condition = ["node", "import", "default"].find((c) => c in map);
    if (condition === undefined) return undefined;
    e = map[condition];
  }
  return typeof e === "string" && e.startsWith("./") ? e : undefined;
}

/** A module's plugin: its `plugin` export, else its default export. */
export function pluginOf(mod: Record<string, unknown>, specifier: string): SinkPlugin<unknown> {
  const candidate = mod["plugin"] ?? mod["default"];
  const problem = pluginProblem(candidate);
  if (problem !== undefined) {
    throw new IwError("IW_PLUGIN_INVALID", `${specifier} does not export a sink plugin as "plugin" or default: ${problem}`);
  }
  return candidate as SinkPlugin<unknown>;
}

/** Why a value is not a usable `SinkPlugin`, or `undefined` when it is. */
export function pluginProblem(p: unknown): string | undefined {
  if (p === null || typeof p !== "object") return "not an object";
  const o = p as Record<string, unknown>;
  if (typeof o["name"] !== "string" || !/^[a-z0-9][a-z0-9_-]*$/i.test(o["name"])) return 'name must be a word such as "splunk"';
  if (typeof o["env"] !== "string" || !/^IW_[A-Z0-9]+(?:_[A-Z0-9]+)*_[A-Z0-9]+$/.test(o["env"])) {
    return "env must be a variable such as IW_SPLUNK_URL";
  }
  // A Standard Schema (any zod 4, zod >= 3.24, valibot, …), or an older zod schema.
  const options = o["options"] as { "~standard"?: { validate?: unknown }; safeParseAsync?: unknown } | null | undefined;
  if (typeof options?.["~standard"]?.validate !== "function" && typeof options?.safeParseAsync !== "function")
    return "options must be a zod schema";
  if (typeof o["create"] !== "function") return "create must be a function";
  return undefined;
}
