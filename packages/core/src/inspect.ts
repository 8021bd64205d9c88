/*
 * Activation without side effects, for tools (`iw-sinks doctor`): what `activate()` would do with
 * an environment — which sinks would start, with which settings, and every problem — without
 * creating a sink, opening a spool, a socket or a timer. Loaded only through `@iw/core/inspect`.
 */
import { join } from "node:path";
import {
  BUILTIN_SINKS,
  collectPlugins,
  findInstances,
  instanceSinkName,
  looksActivated,
  splitActivating,
  unknownVariableWarnings,
} from "./activation/index.js";
import type { Env, RedactMode } from "./activation/index.js";
// The zod side of activation, which this entry point (a tool's, not a host's) loads at once.
import { parseGlobal, parseInstance, pluginVariables } from "./activation/config-parse.js";
import type { GlobalConfig } from "./activation/config-parse.js";
import { resolveOptions } from "./delivery/index.js";
import { IwConfigError, isSecretName, secretValuesOf, showValue } from "./diagnostics/index.js";
import type { IwError, Logger } from "./diagnostics/index.js";
// Core's own env schemas, not the schema folder's index: that one also holds the event schemas,
// whose declarations are zod's.
import { genericEnvSchema, globalEnvSchema } from "./schema/generic-env.js";
import type { GenericSinkConfig } from "./schema/generic-env.js";
import { describeField, objectShape } from "./sink/index.js";
import type { SinkPlugin } from "./sink/index.js";

// What tools print or check besides an inspection: the built-in table, the test deadline and
// core's own secret masking (so a tool masks what it prints the way core does).
export { BUILTIN_SINKS, GLOBAL_VARIABLES } from "./activation/index.js";
export type { BuiltinSink } from "./activation/index.js";
export { DEFAULT_TEST_TIMEOUT_MS } from "./dispatch/index.js";
/**
 * `createDispatcher` for routes that carry a disk spool (`openSpool`), as activation builds them:
 * a tool replays a spool through core's queue with it. @experimental
 */
export { dispatcherFor as createSpooledDispatcher } from "./dispatch/index.js";
export type { SpooledRoute } from "./dispatch/index.js";
export { maskSecrets } from "./diagnostics/index.js";
export { readSpoolSummary, openSpool, SpoolError } from "./spool/index.js";
export type { SpoolSummary, SpoolHolder, Spool, SpoolRecord } from "./spool/index.js";
export type { GlobalConfig } from "./activation/config-parse.js";
export type { GenericSinkConfig } from "./schema/generic-env.js";

/** Options of {@link inspectActivation}: those of `activate()` that decide what starts. @experimental */
export interface InspectOptions {
  /** Where the `IW_*` variables are read. @default process.env */
  readonly env?: Env;
  /** Custom plugins, as given to `activate()`. @default [] */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly plugins?: readonly SinkPlugin<any>[];
  /** Where sink packages are resolved from, as for `activate()`. @default the main module, then `process.cwd()` */
  readonly resolveFrom?: string | URL;
}

/** One variable as a tool may print it. @experimental */
export interface InspectedSetting {
  /** The real name (`IW_WEBHOOK_SOC_SECRET` for an instance). */
  readonly variable: string;
  /** The value as error messages show it (quoted, secrets `****`, URL credentials masked); `undefined` when unset. */
  readonly shown: string | undefined;
  readonly secret: boolean;
  /** The expected form and default, from the schema's description. */
  readonly form: string | undefined;
}

/** What one sink instance would be. @experimental */
export interface InspectedSink {
  /** `logstash`, or `webhook:soc` for a named instance. */
  readonly name: string;
  readonly plugin: SinkPlugin<unknown>;
  /** The variable that activates it (`IW_WEBHOOK_SOC_URL`). */
  readonly activating: string;
  /** Prefix of its variables (`IW_WEBHOOK_SOC`). */
  readonly envPrefix: string;
  /** The environment as its schema sees it (an instance's variables under base names). Holds secrets. */
  readonly env: Env;
  /** Every variable it reads (its own, then core's generic ones), set or not. */
  readonly settings: readonly InspectedSetting[];
  /** Configuration errors, masked; empty when valid. */
  readonly errors: readonly IwError[];
  /** Whether `activate()` would start it: valid, global settings valid, and strict mode not failing. */
  readonly wouldActivate: boolean;
  /** Parsed configuration, when valid. `options` holds secrets in clear: never print it. */
  readonly config?: {
    readonly options: unknown;
    readonly generic: GenericSinkConfig;
    readonly redact: { readonly mode: RedactMode; readonly fields: readonly string[] };
    /** Its spool folder when `IW_SPOOL_DIR` is set and `IW_<P>_SPOOL` is not off. */
    readonly spoolDir: string | undefined;
  };
}

/** The result of {@link inspectActivation}. @experimental */
export interface ActivationInspection {
  /** Every instance of every loaded plugin whose variable is set, valid or not. */
  readonly sinks: readonly InspectedSink[];
  /** Problems not tied to a parsed sink: a missing or invalid package, bad global variables. */
  readonly errors: readonly IwError[];
  /** What activation would log as warnings: unknown variables, ignored instance names, plugin clashes. */
  readonly warnings: readonly string[];
  /** The process-wide settings, when valid. */
  readonly global: GlobalConfig | undefined;
  /** The process-wide variables that are set. */
  readonly globalSettings: readonly InspectedSetting[];
  /** `IW_SINKS_STRICT`: with any error, `activate()` would reject and no sink would start. */
  readonly strict: boolean;
  /** The configured secret values, for a tool to mask its own output (`maskSecrets(text, secretValues)`). */
  readonly secretValues: readonly string[];
}

const STRICT_TRUE = new Set(["1", "true", "yes", "on"]);

/**
 * What `activate()` would do with `env`, without doing it: loads the sink packages whose variable
 * is set (and `IW_SINK_PLUGINS`), parses every instance and the global variables, and reports
 * each sink's settings (masked), parsed configuration and errors. Creates no sink, opens no spool,
 * socket or timer, and logs nothing.
 *
 * @experimental The shape may change in a minor release.
 */
export async function inspectActivation(options: InspectOptions = {}): Promise<ActivationInspection> {
  const env: Env = options.env ?? process.env;
  const errors: IwError[] = [];
  const warnings: string[] = [];
  const capture: Logger = { debug: () => {}, info: () => {}, warn: (m) => void warnings.push(m), error: () => {} };
  const plugins = await collectPlugins(env, { ...options, env }, capture, (e) => errors.push(e));
  const secretValues = secretValuesOf(
    env,
    plugins.flatMap((p) => p.secrets ?? []),
  );
  warnings.push(...unknownWarnings(env, plugins));
  const global = parseGlobal(env);
  errors.push(...global.errors);
  const strictRaw = env["IW_SINKS_STRICT"]?.trim().toLowerCase() ?? "";
  const strict = STRICT_TRUE.has(strictRaw);
  const sinks: InspectedSink[] = [];
  for (const plugin of plugins.filter((p) => looksActivated(env, p.env))) {
    const { instances, ignored } = findInstances(env, plugin.env, pluginVariables(plugin));
    for (const v of ignored) {
      warnings.push(
        `${v} is not read as a named instance of ${plugin.name}: its name is the first word of one of the sink's option names; choose another name`,
      );
    }
    for (const inst of instances) sinks.push(await inspectInstance(plugin, inst, global.config, secretValues));
  }
  const failing = strict && (errors.length > 0 || sinks.some((s) => s.errors.length > 0));
  return {
    sinks: failing ? sinks.map((s) => ({ ...s, wouldActivate: false })) : sinks,
    errors,
    warnings,
    global: global.config,
    globalSettings: settingsOf(
      Object.keys(objectShape(globalEnvSchema) ?? {}),
      env,
      (b) => b,
      [],
      secretValues,
      objectShape(globalEnvSchema) ?? {},
    ).filter((s) => s.shown !== undefined),
    strict,
    secretValues,
  };
}

async function inspectInstance(
  plugin: SinkPlugin<unknown>,
  inst: Parameters<typeof parseInstance>[1],
  global: GlobalConfig | undefined,
  secretValues: readonly string[],
): Promise<InspectedSink> {
  const name = instanceSinkName(plugin.name, inst.instance);
  const prefix = splitActivating(plugin.env).prefix;
  const shape = { ...objectShape(plugin.options), ...objectShape(genericEnvSchema(prefix, plugin.queueDefaults)) };
  const base = {
    name,
    plugin,
    activating: inst.activating,
    envPrefix: splitActivating(inst.activating).prefix,
    env: inst.env,
    settings: settingsOf(Object.keys(shape), inst.env, inst.realName, plugin.secrets ?? [], secretValues, shape),
  };
  const parsed = await parseInstance(plugin, inst);
  if (!parsed.ok) return { ...base, errors: parsed.errors, wouldActivate: false };
  try {
    resolveOptions(name, parsed.generic.queue);
  } catch (err) {
    return { ...base, errors: [err instanceof IwConfigError ? err : new IwConfigError(String(err))], wouldActivate: false };
  }
  const redact = {
    mode: parsed.generic.redact ?? global?.redact ?? "mask",
    fields: parsed.generic.redactFields ?? global?.redactFields ?? [],
  };
  // The folder activation opens for this sink (config-routes.ts, openSinkSpool).
  const dir = global?.spool.dir;
  const spoolDir = dir === undefined || !parsed.generic.spool ? undefined : join(dir, name.replace(/[^A-Za-z0-9_.-]/g, "-"));
  return {
    ...base,
    errors: [],
    wouldActivate: global !== undefined,
    config: { options: parsed.options, generic: parsed.generic, redact, spoolDir },
  };
}

function settingsOf(
  bases: readonly string[],
  env: Env,
  realName: (base: string) => string,
  secrets: readonly string[],
  secretValues: readonly string[],
  shape: Record<string, unknown>,
): InspectedSetting[] {
  return bases.map((b) => {
    const variable = realName(b);
    const secret = isSecretName(b, secrets) || isSecretName(variable, secrets);
    const value = env[b];
    return {
      variable,
      shown: value === undefined ? undefined : showValue(variable, value, secret ? [variable] : [], secretValues),
      secret,
      form: describeField(shape[b] as Parameters<typeof describeField>[0]),
    };
  });
}

/** The unknown-variable warnings activation logs, for the plugins loaded and the built-ins that are not. */
function unknownWarnings(env: Env, plugins: readonly SinkPlugin<unknown>[]): string[] {
  const loaded = plugins.map((p) => ({ name: p.name, env: p.env, variables: Object.keys(objectShape(p.options) ?? {}) }));
  const missing = BUILTIN_SINKS.filter((b) => !plugins.some((p) => p.name === b.name || p.env === b.env)).map((b) => ({
    ...b,
    variables: undefined,
  }));
  return unknownVariableWarnings(env, [...loaded, ...missing]);
}
