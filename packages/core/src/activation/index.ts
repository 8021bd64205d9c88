/**
 * From the environment to a running dispatcher: `activate()` (built-in and custom plugins,
 * named instances, strict mode, the report), loading plugin packages, the per-sink event filter
 * (`IW_<PREFIX>_EVENTS`) and redaction (`IW_REDACT*`), and warnings about unknown `IW_*` names.
 * The zod side (`config-parse.ts`, `../schema/`) is imported lazily, only when a sink is set.
 */
export { activate, activateWithReport, collectPlugins } from "./activate.js";
export type { ActivateOptions, ActivationReport } from "./activate.js";
export { BUILTIN_SINKS, IwPluginError } from "./plugins.js";
export type { BuiltinSink } from "./plugins.js";
export {
  GENERIC_SUFFIXES,
  GLOBAL_VARIABLES,
  findInstances,
  instanceSinkName,
  isSet,
  looksActivated,
  splitActivating,
} from "./env-instances.js";
export type { Env, EnvInstance } from "./env-instances.js";
export { closest, unknownVariableWarnings } from "./env-unknown.js";
export { compileEventFilter, EVENT_FILTER_FORM } from "./filter.js";
export type { EventFilter } from "./filter.js";
export {
  createRedactor,
  parseRedactFields,
  parseRedactMode,
  DEFAULT_REDACT_FIELDS,
  REDACT_MODES,
  REDACT_MODE_FORM,
  REDACT_FIELDS_FORM,
} from "./redact.js";
export type { RedactMode, RedactOptions } from "./redact.js";
