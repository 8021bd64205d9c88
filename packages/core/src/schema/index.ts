export { ScanLogSchema, AuditEventSchema, IwEventSchema, MatchSchema, AUDIT_CATEGORIES } from "./events.js";
export { envBool, envInt, envMs, envEnum, envString, envUrlList, envFile, envHeaders } from "./env-fields.js";
export type { EnvFile } from "./env-fields.js";
