export { main, COMMANDS } from "./main.js";
export type { CliIo, OutputStream } from "./io.js";
export { EXIT_OK, EXIT_PROBLEM, EXIT_USAGE } from "./io.js";
export type { DoctorReport, SinkReport, Problem, ShownSetting } from "./doctor/report.js";
export type { CheckStep, DestinationReport, StepStatus, TlsFacts } from "./checks/step.js";
export type { TestLine } from "./test-command.js";
