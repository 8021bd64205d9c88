/**
 * What the package says when something goes wrong: the `IwError` family with stable codes, the
 * injectable `Logger` (silent, or the rate-limited console logger), and secret masking (the
 * patterns, and the configured secret values of this process that every message is scrubbed
 * of). No dependencies on the rest of core.
 */
export { IwError, IwConfigError, IwHttpError } from "./errors.js";
export type { IwErrorCode } from "./errors.js";
export { silentLogger } from "./logger.js";
export type { Logger } from "./logger.js";
export { toLogger } from "./host-logger.js";
export { createConsoleLogger, consoleLoggerFromEnv } from "./console-logger.js";
export type { ConsoleLoggerOptions, LogLevel } from "./console-logger.js";
export { MASK, HOST_PORT, isSecretName, maskFields, maskSecrets, maskUserinfo, maskValues, showValue } from "./env-mask.js";
export { maskKnownSecrets, registerSecretValues, registeredSecretValues, secretValuesOf } from "./secret-values.js";
