export { ScanLogSchema, AuditEventSchema, SummaryEventSchema, IwEventSchema, MatchSchema, AUDIT_CATEGORIES } from "./events.js";
export { envBool, envInt, envMs, envEnum, envString, envUrlList, envFile, envHeaders } from "./env-fields.js";
export type { EnvFile } from "./env-fields.js";
export { genericEnvSchema, globalEnvSchema, toGenericConfig } from "./generic-env.js";
export type { GenericSinkConfig } from "./generic-env.js";
export { renderEnvTable, renderGenericEnvTable, renderGlobalEnvTable } from "./env-table.js";
export type { EnvTableOptions } from "./env-table.js";
export { objectShape, describeField } from "./inspect.js";
export type { SchemaLike } from "./inspect.js";
