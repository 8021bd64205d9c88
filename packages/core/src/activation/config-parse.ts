/*
 * The zod side of activation, loaded with `import()` only when some sink variable is set.
 */
import type { EnvInstance, Env } from "./env-instances.js";
import { GENERIC_SUFFIXES, splitActivating } from "./env-instances.js";
import { isSecretName, maskSecrets, showValue, registeredSecretValues, secretValuesOf, IwConfigError } from "../diagnostics/index.js";
import { DEFAULT_REDACT_FIELDS, DEFAULT_REDACT_MODE } from "./redact.js";
import type { RedactMode } from "./redact.js";
import { describeField, objectShape } from "../sink/index.js";
import type { EnvSchema, SchemaLike, SinkPlugin, StandardIssue } from "../sink/index.js";
import { genericEnvSchema, globalEnvSchema, toGenericConfig } from "../schema/index.js";
import type { GenericSinkConfig } from "../schema/index.js";

/** Process-wide redaction settings. */
export interface GlobalConfig {
  readonly redact: RedactMode;
  readonly redactFields: readonly string[];
  readonly redactKey: string | undefined;
  /** 0 = no traffic summaries. */
  readonly summaryIntervalS: number;
  readonly service: string | undefined;
  /** `IW_EXIT_FLUSH_MS`; 0 = off. */
  readonly exitFlushMs: number;
  /** `IW_SPOOL_*`: `dir` undefined = no spool. */
  readonly spool: {
    readonly dir: string | undefined;
    readonly maxBytes: number;
    readonly flushMs: number;
    readonly sync: "never" | "interval" | "always";
  };
}

interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}
type Parsed<T> = { success: true; data: T } | { success: false; error: { issues: readonly Issue[] } };

/** Parses `IW_REDACT`, `IW_REDACT_FIELDS` and `IW_REDACT_KEY`. */
export function parseGlobal(env: Env): { config?: GlobalConfig; errors: IwConfigError[] } {
  const result = globalEnvSchema.safeParse(env) as Parsed<Record<string, unknown>>;
  if (!result.success) {
    return { errors: toErrors(result.error.issues, objectShape(globalEnvSchema) ?? {}, env, (b) => b, [], "IW_REDACT") };
  }
  const key = result.data["IW_REDACT_KEY"] as string | undefined;
  return {
    config: {
      redact: (result.data["IW_REDACT"] as RedactMode | undefined) ?? DEFAULT_REDACT_MODE,
      redactFields: (result.data["IW_REDACT_FIELDS"] as readonly string[] | undefined) ?? DEFAULT_REDACT_FIELDS,
      redactKey: key === "" ? undefined : key,
      summaryIntervalS: result.data["IW_SUMMARY_INTERVAL_S"] as number,
      service: (result.data["IW_SERVICE_NAME"] as string | undefined) || undefined,
      exitFlushMs: result.data["IW_EXIT_FLUSH_MS"] as number,
      spool: {
        dir: (result.data["IW_SPOOL_DIR"] as string | undefined)?.trim() || undefined,
        maxBytes: result.data["IW_SPOOL_MAX_BYTES"] as number,
        flushMs: result.data["IW_SPOOL_FLUSH_MS"] as number,
        sync: result.data["IW_SPOOL_SYNC"] as "never" | "interval" | "always",
      },
    },
    errors: [],
  };
}

/** Every base variable name a plugin reads: its schema's fields and core's generic ones. */
export function pluginVariables(plugin: SinkPlugin<unknown>): string[] {
  const { prefix } = splitActivating(plugin.env);
  return [...Object.keys(objectShape(plugin.options) ?? {}), ...GENERIC_SUFFIXES.map((s) => `${prefix}_${s}`)];
}

/** One instance's parsed configuration, or every error found in it. */
export type InstanceConfig =
  | { readonly ok: true; readonly options: unknown; readonly generic: GenericSinkConfig }
  | { readonly ok: false; readonly errors: IwConfigError[] };

/** Parses one instance's variables through the plugin's schema and core's generic schema. */
export async function parseInstance(plugin: SinkPlugin<unknown>, inst: EnvInstance): Promise<InstanceConfig> {
  const { prefix } = splitActivating(plugin.env);
  const generic = genericEnvSchema(prefix, { ...plugin.queueDefaults, ...plugin.queueDefaultsFromEnv?.(inst.env) });
  const secrets = plugin.secrets ?? [];
  const shape: Record<string, SchemaLike> = { ...objectShape(plugin.options), ...objectShape(generic) };
  const errors: IwConfigError[] = [];
  let options: unknown;
  try {
    const own = await parseOptions(plugin.options, inst.env);
    if (own.success) options = own.data;
    else errors.push(...toErrors(own.error.issues, shape, inst.env, inst.realName, secrets, inst.activating));
  } catch (err) {
    // A schema that throws instead of reporting an issue (a bug in the plugin's transform).
    errors.push(
      new IwConfigError(
        `${inst.activating}: the ${plugin.name} plugin's options schema threw: ${maskSecrets((err as Error).message, secretValuesOf(inst.env, secrets))}`,
        { variable: inst.activating, cause: err },
      ),
    );
  }
  const common = generic.safeParse(inst.env) as Parsed<Record<string, unknown>>;
  if (!common.success) errors.push(...toErrors(common.error.issues, shape, inst.env, inst.realName, secrets, inst.activating));
  if (errors.length > 0 || !common.success) return { ok: false, errors };
  return { ok: true, options, generic: toGenericConfig(prefix, common.data) };
}

/**
 * Runs a plugin's options schema: through its Standard Schema `validate`, or, for a schema
 * made before the contract was Standard Schema (zod < 3.24), through `safeParseAsync`.
 */
async function parseOptions(schema: EnvSchema<unknown>, env: Env): Promise<Parsed<unknown>> {
  const standard = (schema as Partial<EnvSchema<unknown>>)["~standard"];
  if (standard === undefined) return (schema as unknown as { safeParseAsync(v: unknown): Promise<Parsed<unknown>> }).safeParseAsync(env);
  const result = await standard.validate(env);
  if (result.issues === undefined) return { success: true, data: result.value };
  return { success: false, error: { issues: result.issues.map(toIssue) } };
}

function toIssue(issue: StandardIssue): Issue {
  const path = (issue.path ?? []).map((segment) => (typeof segment === "object" ? segment.key : segment));
  return { path, message: issue.message };
}

/**
 * One error per variable: `IW_X=<value, masked> is invalid: <reasons>; expected <form>`. Base
 * names in the reasons and the form are rewritten to the instance's real variable names.
 */
function toErrors(
  issues: readonly Issue[],
  shape: Record<string, SchemaLike>,
  env: Env,
  realName: (base: string) => string,
  secrets: readonly string[],
  fallback: string,
): IwConfigError[] {
  // Every secret of this environment, however it is written (a password holding a comma, a
  // quote or a space is no URL token the patterns can find), and those of live activations.
  const secretValues = [...secretValuesOf(env, secrets), ...registeredSecretValues()];
  const bases = Object.keys(shape).sort((a, b) => b.length - a.length);
  const rename = (text: string) =>
    bases.reduce((t, b) => (realName(b) === b ? t : t.replace(new RegExp(`\\b${b}\\b`, "g"), realName(b))), text);
  const byVariable = new Map<string, string[]>();
  for (const issue of issues) {
    const first = issue.path[0];
    const base = typeof first === "string" ? first : undefined;
    const key = base ?? "";
    const list = byVariable.get(key) ?? [];
    list.push(issue.message);
    byVariable.set(key, list);
  }
  const out: IwConfigError[] = [];
  for (const [base, reasons] of byVariable) {
    const variable = base === "" ? fallback : realName(base);
    const why = rename(maskSecrets([...new Set(reasons)].join("; "), secretValues));
    if (base === "") {
      out.push(new IwConfigError(`${variable}: ${why}`, { variable }));
      continue;
    }
    const secret = isSecretName(base, secrets) || isSecretName(variable, secrets);
    const shown = showValue(variable, env[base], secret ? [variable] : [], secretValues);
    const form = describeField(shape[base]);
    const expected = form === undefined ? "" : `; expected ${rename(form)}`;
    out.push(new IwConfigError(`${variable}=${shown} is invalid: ${why}${expected}`, { variable }));
  }
  return out;
}
