/**
 * Dev-only README tooling (never published): Markdown tables of a plugin's variables rendered
 * from its schema, and the marked sections of a README they are written into. The packages'
 * `test/readme.test.ts` import this folder by relative path; `IW_UPDATE_README=1` regenerates.
 */
export { renderEnvTable, renderGenericEnvTable, renderGlobalEnvTable } from "./env-table.js";
export type { EnvTableOptions } from "./env-table.js";
export { replaceMarkedSection, syncReadmeSections } from "./readme-sections.js";
