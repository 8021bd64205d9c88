/**
 * The contract between core and a destination: `Sink` (prepare, send, close) and what it is
 * given and returns, `SinkPlugin` (how activation finds, configures and builds a sink), and the
 * plain-typed env schema contract a plugin's `options` satisfies. Also how core reads a plugin's
 * schema (variable names and forms) without depending on the zod copy that built it.
 */
export { defineSinkPlugin } from "./sink.js";
export type { FailureReason, PrepareContext, Prepared, SendContext, SendResult, Sink, SinkDeps, SinkPlugin } from "./sink.js";
export type {
  EnvCheckContext,
  EnvField,
  EnvOutput,
  EnvIssue,
  EnvObject,
  EnvParseResult,
  EnvParser,
  EnvSchema,
  EnvValues,
  StandardIssue,
  StandardResult,
  StandardSchema,
} from "./env-schema.js";
export { describeField, objectShape } from "./inspect.js";
export type {
  AnySinkOption,
  OptionContext,
  OptionInput,
  OptionOutput,
  OptionsInputOf,
  OptionsOutputOf,
  PemContents,
  SinkInstanceOptions,
  SinkOption,
  SinkOptions,
  SinkOptionsInput,
  SinkOptionsOutput,
  TlsOptionSet,
} from "./options.js";
export type { SchemaLike } from "./inspect.js";
