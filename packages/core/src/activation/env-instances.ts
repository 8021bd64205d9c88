/*
 * Named instances of a sink, without zod: `IW_WEBHOOK_SOC_URL` + `IW_WEBHOOK_SOC_*` is a second
 * webhook sink named `webhook:soc`, parsed by the same schema after its variables are mapped
 * onto the base names (`IW_WEBHOOK_SOC_SECRET` → `IW_WEBHOOK_SECRET`).
 */

/** Environment as given to `activate()`. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Variable suffixes core reads for every sink (`IW_<PREFIX>_<SUFFIX>`). */
export const GENERIC_SUFFIXES: readonly string[] = [
  "BATCH_SIZE",
  "BATCH_BYTES",
  "FLUSH_MS",
  "MAX_QUEUE_BYTES",
  "AUDIT_RESERVE_BYTES",
  "CONCURRENCY",
  "TIMEOUT_MS",
  "RETRY_INITIAL_MS",
  "RETRY_MAX_MS",
  "MAX_RETRIES",
  "MAX_REFUSALS",
  "AUTH_PAUSE_MS",
  "SPOOL",
  "EVENTS",
  "REDACT",
  "REDACT_FIELDS",
];

/**
 * The process-wide variables core reads (the keys of `globalEnvSchema`, kept here without zod so
 * that the unknown-variable check runs even when no sink is active; a test keeps them equal).
 */
export const GLOBAL_VARIABLES: readonly string[] = [
  "IW_REDACT",
  "IW_REDACT_FIELDS",
  "IW_REDACT_KEY",
  "IW_SUMMARY_INTERVAL_S",
  "IW_SPOOL_DIR",
  "IW_SPOOL_MAX_BYTES",
  "IW_SPOOL_FLUSH_MS",
  "IW_SPOOL_SYNC",
  "IW_EXIT_FLUSH_MS",
  "IW_SERVICE_NAME",
  "IW_SINK_PLUGINS",
  "IW_SINKS_STRICT",
  "IW_LOG_LEVEL",
  "IW_LOG_FORMAT",
];

/** `IW_ELK_URL` → `{ prefix: "IW_ELK", suffix: "URL" }`: the prefix is the name minus its last word. */
export function splitActivating(variable: string): { prefix: string; suffix: string } {
  const i = variable.lastIndexOf("_");
  return i <= 0 ? { prefix: variable, suffix: "" } : { prefix: variable.slice(0, i), suffix: variable.slice(i + 1) };
}

/** True when a value counts as set: present and not blank (`IW_ELK_URL=` is unset). */
export function isSet(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== "";
}

/** One instance of a plugin found in the environment. */
export interface EnvInstance {
  /** `undefined` for the base instance, else the upper-case name (`SOC`). */
  readonly instance: string | undefined;
  /** The real activating variable (`IW_WEBHOOK_SOC_URL`). */
  readonly activating: string;
  /** The environment as the plugin's schema sees it: instance variables under base names. */
  readonly env: Env;
  /** Base name → real name, for every variable of this instance that was mapped. */
  readonly realName: (base: string) => string;
}

const INSTANCE = /^[A-Z0-9]+$/;

/**
 * Cheap test, before any plugin is loaded: is the activating variable, or a variable shaped
 * like a named instance's (`<PREFIX>_<NAME>_<SUFFIX>`), set?
 */
export function looksActivated(env: Env, activating: string): boolean {
  if (isSet(env[activating])) return true;
  const { prefix, suffix } = splitActivating(activating);
  const head = `${prefix}_`;
  const tail = `_${suffix}`;
  for (const key in env) {
    if (key.length > head.length + tail.length && key.startsWith(head) && key.endsWith(tail)) {
      if (INSTANCE.test(key.slice(head.length, -tail.length)) && isSet(env[key])) return true;
    }
  }
  return false;
}

/**
 * Finds the base instance (when its variable is set) and every named instance. A name is
 * `[A-Z0-9]+` and must not be the first word of an option suffix (`TLS`, `CA`, `BATCH`, …):
 * `IW_WEBHOOK_TLS_VERIFY` is an option of the base sink, so there is no instance `TLS`.
 * Such look-alike activating variables are returned in `ignored`.
 *
 * @param optionNames every variable name the plugin's schema reads (base names).
 */
export function findInstances(
  env: Env,
  activating: string,
  optionNames: readonly string[],
): { instances: EnvInstance[]; ignored: string[] } {
  const { prefix, suffix } = splitActivating(activating);
  const head = `${prefix}_`;
  const reserved = new Set<string>();
  for (const s of GENERIC_SUFFIXES) reserved.add(s.split("_")[0]!);
  for (const name of optionNames) {
    if (name.startsWith(head)) reserved.add(name.slice(head.length).split("_")[0]!);
  }
  const names: string[] = [];
  const ignored: string[] = [];
  const tail = `_${suffix}`;
  for (const key of Object.keys(env).sort()) {
    if (!key.startsWith(head) || !key.endsWith(tail) || key === activating || !isSet(env[key])) continue;
    const name = key.slice(head.length, -tail.length);
    if (!INSTANCE.test(name)) continue;
    if (reserved.has(name) || optionNames.includes(key)) ignored.push(key);
    else names.push(name);
  }
  const instances: EnvInstance[] = [];
  if (isSet(env[activating])) {
    const own: Record<string, string | undefined> = {};
    for (const key in env) {
      if (!names.some((n) => key.startsWith(`${head}${n}_`))) own[key] = env[key];
    }
    instances.push({ instance: undefined, activating, env: own, realName: (b) => b });
  }
  for (const name of names) instances.push(mapInstance(env, head, name, suffix));
  return { instances, ignored };
}

function mapInstance(env: Env, head: string, name: string, suffix: string): EnvInstance {
  const own: Record<string, string | undefined> = {};
  const real = new Map<string, string>();
  const mine = `${head}${name}_`;
  for (const key in env) {
    if (key.startsWith(mine)) {
      const base = head + key.slice(mine.length);
      own[base] = env[key];
      real.set(base, key);
    } else if (!key.startsWith(head)) {
      own[key] = env[key];
    }
  }
  return {
    instance: name,
    activating: `${mine}${suffix}`,
    env: own,
    // Unmapped base names (unset options) still read as the instance's own variable.
    realName: (b) => real.get(b) ?? (b.startsWith(head) ? mine + b.slice(head.length) : b),
  };
}

/** The sink's name: `webhook`, or `webhook:soc` for instance `SOC`. */
export function instanceSinkName(pluginName: string, instance: string | undefined): string {
  return instance === undefined ? pluginName : `${pluginName}:${instance.toLowerCase()}`;
}
