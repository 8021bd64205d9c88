import {
  consoleLoggerFromEnv,
  maskKnownSecrets,
  registerSecretValues,
  secretValuesOf,
  IwConfigError,
  IwError,
  toLogger,
} from "../diagnostics/index.js";
import type { Logger } from "../diagnostics/index.js";
import { hostname } from "node:os";
import { DEFAULT_EXIT_FLUSH_MS, NOOP_DISPATCHER, dispatcherFor } from "../dispatch/index.js";
import type { Dispatcher, SpooledRoute } from "../dispatch/index.js";
import type { Env } from "./env-instances.js";
import { isSet, looksActivated } from "./env-instances.js";
import { unknownVariableWarnings } from "./env-unknown.js";
import { BUILTIN_SINKS, IwPluginError, ModuleMissingError, loadModule, pluginOf, pluginProblem, resolutionBases } from "./plugins.js";
import { corePeerCheck, installLine } from "./core-peer.js";
import { buildRoutes } from "./config-routes.js";
import type { SinkPlugin } from "../sink/index.js";

/** Options of {@link activate}. */
export interface ActivateOptions {
  /** Where the `IW_*` variables are read. @default process.env */
  readonly env?: Env;
  /**
   * Custom sink plugins, activated like the built-ins (by their `env` variable). A plugin with the
   * name or variable of a built-in replaces it. More can be named in `IW_SINK_PLUGINS`. @default []
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly plugins?: readonly SinkPlugin<any>[];
  /**
   * Diagnostics: core's {@link Logger} shape, or a pino, winston or `console` logger as it is
   * (adapted by {@link toLogger}, so `code`, `variable` and `sink` arrive as structured fields).
   * @default a console logger on stderr (`IW_LOG_LEVEL`, `IW_LOG_FORMAT`)
   */
  readonly logger?: Logger;
  /**
   * Where sink packages and `IW_SINK_PLUGINS` modules are resolved from: a file, a directory or a
   * file URL of the application. @default the main module (`process.argv[1]`), then `process.cwd()`
   */
  readonly resolveFrom?: string | URL;
  /** Reject with every configuration error instead of leaving bad sinks off. @default false — `IW_SINKS_STRICT` */
  readonly strict?: boolean;
  /**
   * How often a traffic summary event is sent; 0 turns it off. Overrides the variable.
   * @default 3_600_000 — `IW_SUMMARY_INTERVAL_S` (in seconds)
   */
  readonly summaryIntervalMs?: number;
  /**
   * The durable spool's directory (each sink its own subfolder); overrides the variable.
   * @default none: memory only — `IW_SPOOL_DIR`
   */
  readonly spoolDir?: string;
}

/** What {@link activateWithReport} returns: the dispatcher and every problem found. */
export interface ActivationReport {
  readonly dispatcher: Dispatcher;
  /** Configuration and loading errors, each already logged once. */
  readonly errors: readonly IwError[];
}

const STRICT_TRUE = new Set(["1", "true", "yes", "on"]);
const STRICT_FALSE = new Set(["", "0", "false", "no", "off"]);

/**
 * Builds the host's dispatcher from the environment. Each built-in sink whose variable is set
 * (`IW_ELK_URL`, `IW_FLUENTD_URL`, `IW_WEBHOOK_URL`, or a named instance `IW_<SINK>_<NAME>_URL`)
 * is imported from the application's dependencies; custom plugins come from `plugins` and
 * `IW_SINK_PLUGINS`. A bad value leaves that sink off with one clear error line, and the host keeps
 * running; strict mode rejects with all errors instead. With nothing set, resolves to a no-op
 * dispatcher without loading zod or any sink package, and without opening a socket or timer.
 *
 * @throws IwConfigError (rejection) in strict mode only, listing every error.
 */
export async function activate(options: ActivateOptions = {}): Promise<Dispatcher> {
  return (await activateWithReport(options)).dispatcher;
}

/** {@link activate}, also returning the errors found (for `doctor`-style tools and tests). */
export async function activateWithReport(options: ActivateOptions = {}): Promise<ActivationReport> {
  const env: Env = options.env ?? process.env;
  // Secret values are known to every masking step from the first line on; plugins' own secret
  // names are added once they are loaded. Released when the dispatcher closes (at once if none).
  const releases = [registerSecretValues(secretValuesOf(env))];
  const release = () => releases.splice(0).forEach((r) => r());
  try {
    const report = await activateRegistered(env, options, releases, release);
    if (report.dispatcher === NOOP_DISPATCHER) release();
    return report;
  } catch (err) {
    release();
    throw err;
  }
}

async function activateRegistered(
  env: Env,
  options: ActivateOptions,
  releases: (() => void)[],
  release: () => void,
): Promise<ActivationReport> {
  const logger = options.logger === undefined ? consoleLoggerFromEnv(env) : maskingLogger(toLogger(options.logger));
  const errors: IwError[] = [];
  const report = (err: IwError): void => {
    errors.push(err);
    safeLog(logger, "error", err.message, { code: err.code, variable: (err as { variable?: string }).variable });
  };
  const strict = options.strict ?? strictFromEnv(env, report);
  const plugins = await collectPlugins(env, options, logger, report);
  releases.push(
    registerSecretValues(
      secretValuesOf(
        env,
        plugins.flatMap((p) => p.secrets ?? []),
      ),
    ),
  );
  await warnUnknownVariables(env, plugins, logger);
  const active = plugins.filter((p) => looksActivated(env, p.env));
  const failed = () => strict && errors.length > 0;
  let routes: SpooledRoute[] = [];
  let summaryIntervalS = 0;
  let service: string | undefined;
  let exitFlushMs = DEFAULT_EXIT_FLUSH_MS;
  try {
    if (active.length > 0)
      ({ routes, summaryIntervalS, service, exitFlushMs } = await buildRoutes(active, env, logger, report, () => !failed(), {
        spoolDir: options.spoolDir,
      }));
  } catch (err) {
    // Not a configuration problem (a bug, a broken install): still never take the host down.
    const why = maskKnownSecrets(err instanceof Error ? err.message : String(err));
    report(new IwPluginError("IW_PLUGIN_INVALID", `activation failed unexpectedly, no sink is active: ${why}`, undefined, err));
  }
  if (failed()) {
    // Sinks whose create() succeeded after another failed: release them before rejecting.
    await Promise.all(routes.flatMap((r) => [r.sink.close().catch(() => undefined), r.spool?.close() ?? Promise.resolve()]));
    throw strictError(errors);
  }
  if (routes.length === 0) return { dispatcher: NOOP_DISPATCHER, errors };
  const summaryIntervalMs = options.summaryIntervalMs ?? summaryIntervalS * 1000;
  const eventFields = { host: hostname(), ...(service === undefined ? {} : { service }) };
  return {
    dispatcher: dispatcherFor(routes, { logger, lifecycleEvents: true, summaryIntervalMs, eventFields, exitFlushMs, onClose: release }),
    errors,
  };
}

/**
 * The host's logger behind a mask: core's own lines (a sink's error, a collector's answer) may
 * quote a configured secret, and the host's logger knows none of them. Only strings are
 * rewritten; other fields (errors, objects) reach the host's serializers as they are.
 */
function maskingLogger(logger: Logger): Logger {
  const fields = (f?: Record<string, unknown>) => {
    if (f === undefined) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(f)) out[k] = typeof v === "string" ? maskKnownSecrets(v) : v;
    return out;
  };
  return {
    debug: (m, f) => logger.debug(maskKnownSecrets(m), fields(f)),
    info: (m, f) => logger.info(maskKnownSecrets(m), fields(f)),
    warn: (m, f) => logger.warn(maskKnownSecrets(m), fields(f)),
    error: (m, f) => logger.error(maskKnownSecrets(m), fields(f)),
  };
}

/** One warning per `IW_*` variable nothing reads (a typo: the setting meant is not applied). */
async function warnUnknownVariables(env: Env, plugins: readonly SinkPlugin<unknown>[], logger: Logger): Promise<void> {
  try {
    // Only with plugins (and so zod) loaded: a host with nothing set loads no schema module.
    const shapeOf = plugins.length === 0 ? undefined : (await import("../sink/index.js")).objectShape;
    const loaded = plugins.map((p) => ({ name: p.name, env: p.env, variables: Object.keys(shapeOf?.(p.options) ?? {}) }));
    const missing = BUILTIN_SINKS.filter((b) => !plugins.some((p) => p.name === b.name || p.env === b.env)).map((b) => ({
      ...b,
      variables: undefined,
    }));
    for (const warning of unknownVariableWarnings(env, [...loaded, ...missing])) {
      safeLog(logger, "warn", warning, { variable: warning.slice(0, warning.indexOf(" ")) });
    }
  } catch {
    // A diagnostic; a plugin whose schema cannot be read is reported by the parse itself.
  }
}

function strictError(errors: readonly IwError[]): IwConfigError {
  // Masked as the logger masks, so the thrown text and the logged lines say the same.
  const lines = errors.map((e) => `  - ${maskKnownSecrets(e.message)}`).join("\n");
  return new IwConfigError(`${errors.length} sink configuration error${errors.length === 1 ? "" : "s"} (IW_SINKS_STRICT):\n${lines}`, {
    cause: new AggregateError(errors),
    variable: (errors[0] as { variable?: string }).variable,
  });
}

function strictFromEnv(env: Env, report: (e: IwError) => void): boolean {
  const raw = env["IW_SINKS_STRICT"];
  const v = raw?.trim().toLowerCase() ?? "";
  if (STRICT_TRUE.has(v)) return true;
  if (!STRICT_FALSE.has(v)) {
    report(
      new IwConfigError(`IW_SINKS_STRICT=${JSON.stringify(raw)} is invalid; expected true or false; default false`, {
        variable: "IW_SINKS_STRICT",
      }),
    );
  }
  return false;
}

/**
 * In-code plugins, then `IW_SINK_PLUGINS`, then the built-ins that are set and not replaced.
 * @internal shared with `inspectActivation` (`@iw/core/inspect`).
 */
export async function collectPlugins(
  env: Env,
  options: ActivateOptions,
  logger: Logger,
  report: (e: IwError) => void,
): Promise<SinkPlugin<unknown>[]> {
  const out: SinkPlugin<unknown>[] = [];
  const taken = (p: { name: string; env: string }) => out.some((q) => q.name === p.name || q.env === p.env);
  const add = (p: SinkPlugin<unknown>, from: string) => {
    if (!taken(p)) out.push(p);
    else safeLog(logger, "warn", `${from}: a sink named ${p.name} or activated by ${p.env} is already registered; this one is ignored`);
  };
  for (const p of options.plugins ?? []) {
    const problem = pluginProblem(p);
    if (problem === undefined) add(p as SinkPlugin<unknown>, `plugin ${(p as { name: string }).name}`);
    else report(new IwPluginError("IW_PLUGIN_INVALID", `activate(): a plugin passed in code is invalid: ${problem}`, undefined));
  }
  let bases: string[] | undefined;
  const specifiers = (env["IW_SINK_PLUGINS"] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const specifier of specifiers) {
    bases ??= resolutionBases(options.resolveFrom);
    try {
      add(await loadPlugin(specifier, bases, options.resolveFrom === undefined, logger), `IW_SINK_PLUGINS (${specifier})`);
    } catch (err) {
      report(loadError("IW_SINK_PLUGINS", specifier, err));
    }
  }
  for (const builtin of BUILTIN_SINKS) {
    if (taken(builtin) || !looksActivated(env, builtin.env)) continue;
    bases ??= resolutionBases(options.resolveFrom);
    const variable = isSet(env[builtin.env]) ? builtin.env : `${builtin.env} (or a named instance)`;
    try {
      add(await loadPlugin(builtin.module, bases, options.resolveFrom === undefined, logger), builtin.module);
    } catch (err) {
      report(loadError(variable, builtin.module, err));
    }
  }
  return out;
}

/** Imports a sink module and checks it was built for this @iw/core (its peer range, one copy). */
async function loadPlugin(specifier: string, bases: readonly string[], fallback: boolean, logger: Logger): Promise<SinkPlugin<unknown>> {
  let url: string | undefined;
  const plugin = pluginOf(await loadModule(specifier, bases, fallback, (u) => (url = u)), specifier);
  const peer = url === undefined ? {} : corePeerCheck(specifier, url);
  if (peer.error !== undefined) throw new IwError("IW_PLUGIN_INVALID", peer.error);
  if (peer.warning !== undefined) safeLog(logger, "warn", peer.warning, { sink: plugin.name });
  return plugin;
}

function loadError(variable: string, specifier: string, err: unknown): IwError {
  const name = variable.split(" ")[0]!;
  if (err instanceof ModuleMissingError) {
    const bare = specifier.startsWith("@") || /^[a-z0-9]/i.test(specifier);
    const message = bare
      ? `${variable} is set but ${specifier} is not installed: ${installLine(specifier)}`
      : `${variable} names ${specifier}, which cannot be found (paths are relative to the application: resolveFrom, the main module or the working directory)`;
    return new IwPluginError("IW_PLUGIN_MISSING", message, name, err);
  }
  const code = (err as { code?: string } | undefined)?.code;
  if (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    /['"]@iw\/core['"]/.test((err as Error).message) &&
    specifier !== "@iw/core"
  ) {
    // The sink is installed but cannot see @iw/core, its peer dependency (installed elsewhere).
    const message = `${variable} is set but ${specifier} cannot find @iw/core, its peer dependency: install both side by side: ${installLine(`@iw/core ${specifier}`)}`;
    return new IwPluginError("IW_PLUGIN_MISSING", message, name, err);
  }
  if (err instanceof IwError && err.code === "IW_PLUGIN_INVALID") {
    return new IwPluginError("IW_PLUGIN_INVALID", `${variable}: ${err.message}`, name, err);
  }
  const why = maskKnownSecrets(err instanceof Error ? (err.message.split("\n")[0] ?? "") : String(err));
  return new IwPluginError("IW_PLUGIN_INVALID", `${variable} is set but ${specifier} failed to load: ${why}`, name, err);
}

/** Logs without ever throwing into activation. */
export function safeLog(logger: Logger, level: keyof Logger, message: string, fields?: Record<string, unknown>): void {
  try {
    logger[level](message, fields);
  } catch {
    // A broken logger must not break the host.
  }
}
