/**
 * Everything built with zod, and the only folder that imports it: the event schemas (runtime
 * validation at the boundaries, checked against the plain types of `events/`), the env field
 * builders sink authors get through `@iw/core/sink-kit` (typed there as plain interfaces), and
 * the schemas of core's own variables (queue tuning, filter, redaction, process-wide settings),
 * and `urlParseProblem` (why a configured URL was refused, in words an operator can act on).
 * Loaded only once a sink is configured (activation imports `config-parse.ts` lazily) or a sink
 * package is imported; `import "@iw/core"` never loads it.
 */
export { ScanLogSchema, AuditEventSchema, SummaryEventSchema, IwEventSchema, MatchSchema } from "./events.js";
export type { EventSchema } from "./events.js";
export { eventPaths, isEventPath } from "./event-paths.js";
export {
  envBool,
  envBytes,
  envInt,
  envMs,
  envEnum,
  envString,
  envUrlList,
  envFile,
  envHeaders,
  envField,
  envObject,
  INVALID,
  MAX_ENV_FILE_BYTES,
} from "./env-fields.js";
export type { EnvFile } from "./env-fields.js";
export { urlParseProblem } from "./url-problem.js";
export { genericEnvSchema, globalEnvSchema, toGenericConfig } from "./generic-env.js";
export type { GenericSinkConfig } from "./generic-env.js";
