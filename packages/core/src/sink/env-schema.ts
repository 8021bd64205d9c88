/*
 * What core needs from a plugin's options schema, in plain types: the published declarations
 * name no schema library. A plugin's `options` is any Standard Schema v1 (zod >= 3.24, valibot,
 * ArkType, …); the env field builders of `@iw/core/sink-kit` make one without the plugin
 * installing anything. The builders' values are zod schemas inside core; these interfaces are
 * the part of them a sink author uses.
 */

/** One problem found by a schema: a message and, for a variable, the path `[variableName]`. */
export interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** What a Standard Schema's `validate` returns: the output, or the issues. */
export type StandardResult<Output> =
  { readonly value: Output; readonly issues?: undefined } | { readonly issues: ReadonlyArray<StandardIssue> };

/**
 * The Standard Schema v1 interface (https://standardschema.dev), the part core uses. zod, valibot
 * and ArkType schemas implement it as they are.
 */
export interface StandardSchema<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/**
 * A plugin's options schema: it gets the environment object (only its `IW_<PREFIX>_*` keys
 * matter; core maps a named instance's variables onto the base names) and returns the sink's
 * options, or issues whose `path` starts with the variable they are about. When it is a zod 4
 * object (as the sink-kit builders make), core also reads each variable's expected form (its
 * description) for error messages, unknown-variable warnings and README tables.
 */
export type EnvSchema<Options> = StandardSchema<unknown, Options>;

/** A problem reported by {@link EnvParser.safeParse}. */
export interface EnvIssue {
  readonly message: string;
  /** The variable the problem is about (`["IW_ELK_URL"]`), empty for the schema as a whole. */
  readonly path: readonly PropertyKey[];
  readonly code?: string;
}

/** The result of {@link EnvParser.safeParse}. */
export type EnvParseResult<Output> =
  | { readonly success: true; readonly data: Output; readonly error?: undefined }
  | {
      readonly success: false;
      readonly data?: undefined;
      readonly error: { readonly issues: readonly EnvIssue[]; readonly message: string };
    };

/** Lets a check report a problem; `path` names the variable (`["IW_X_KEY_FILE"]`). */
export interface EnvCheckContext {
  addIssue(issue: { readonly code: "custom"; readonly message: string; readonly path?: PropertyKey[] }): void;
}

/** An env schema that can also be run directly (tests, tools). */
export interface EnvParser<Output> extends EnvSchema<Output> {
  /** The expected form and default, shown in error messages and in the generated README tables. */
  readonly description?: string | undefined;
  /** The parsed value; throws on invalid input. */
  parse(value: unknown): Output;
  safeParse(value: unknown): EnvParseResult<Output>;
}

/**
 * One environment variable: its value (`undefined` when unset) parsed into `Output`, with its
 * expected form as its description. Made by `envBool`, `envInt`, `envField`, … of
 * `@iw/core/sink-kit`; combined with `envObject`.
 */
export interface EnvField<Output> extends EnvParser<Output> {
  /** The same field with another expected form. */
  describe(form: string): EnvField<Output>;
  /** The same field, also refusing values for which `check` is false. */
  refine(check: (value: Output) => boolean, message: string | { readonly message: string }): EnvField<Output>;
  /** The same field, with a check that reports its own issues. */
  superRefine(check: (value: Output, ctx: EnvCheckContext) => void): EnvField<Output>;
}

/** The parsed value of an env field or object: `EnvOutput<typeof myEnvObject>`. */
export type EnvOutput<F> = F extends EnvParser<infer Output> ? Output : never;

/** The values of an {@link EnvObject}'s fields, by variable name. */
export type EnvValues<Fields> = { [K in keyof Fields]: EnvOutput<Fields[K]> };

/** A sink's variables (`envObject({ IW_X_URL: …, … })`): the object of their parsed values. */
export interface EnvObject<Values, Fields = { readonly [K in keyof Values]: EnvField<Values[K]> }> extends EnvParser<Values> {
  /** The fields, by variable name. */
  readonly shape: Fields;
  /** The same variables, with a check across several of them (issues name their variable in `path`). */
  superRefine(check: (values: Values, ctx: EnvCheckContext) => void): EnvObject<Values, Fields>;
  /**
   * The same variables, keeping in the values the ones no field names (core's `IW_SERVICE_NAME`,
   * another convention's `OTEL_*`), unparsed, for `transform` to read.
   */
  loose(): EnvObject<Values & { readonly [variable: string]: unknown }, Fields>;
  /**
   * A schema of the sink's options, made from the parsed values. `map` must not throw: a problem
   * it finds is reported with `ctx.addIssue`, and then it returns `INVALID` (the value is
   * discarded; the issues make the sink's configuration invalid).
   */
  transform<Options>(map: (values: Values, ctx: EnvCheckContext) => Options): EnvParser<Options>;
}
