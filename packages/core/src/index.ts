export { scanLog, auditEvent, isAudit } from "./events.js";
export type { ScanLog, AuditEvent, IwEvent, Match, AuditCategory, ScanLogInput, AuditEventInput } from "./events.js";
