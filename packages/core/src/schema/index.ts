export { ScanLogSchema, AuditEventSchema, IwEventSchema, MatchSchema, AUDIT_CATEGORIES } from "./events.js";
