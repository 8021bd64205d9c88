/*
 * A sink's options, each written once: its type, the variable that sets it, its expected form and
 * default, and its checks. Built with `option.*` and `defineSinkOptions` (`@iw/core/sink-kit`);
 * the same checks run on options given in code and on variables, and errors name the variable.
 * Plain types: the published declarations name no schema library.
 */
import type { EnvParser } from "./env-schema.js";

/** How an option is named in its errors: the variable (`IW_ELK_CONNECT_TIMEOUT_MS`), or the option itself when only code sets it. */
export interface OptionContext {
  readonly variable: string;
}

/**
 * One option: what code passes (`In`), what the sink uses (`Out`, the default applied), and how
 * its variable's text becomes an `In`. `fromEnv` and `resolve` throw `Error(reason)` for a value
 * they refuse; the reason is shown with the variable and `form`.
 */
export interface SinkOption<In, Out, Required extends boolean = boolean> {
  /** Expected form and default, in words: shown in errors and the README table. */
  readonly form: string;
  /** Variable name after the sink's prefix (`CONNECT_TIMEOUT_MS`); `undefined`: derived from the option name; `null`: code only. */
  readonly variable: string | null | undefined;
  readonly isRequired: Required;
  /** Its variable is masked in every error and log line. */
  readonly isSecret: boolean;
  /** Options that must be set whenever this one is (`cert` needs `key`). */
  readonly needs: readonly string[];
  /** The text of its variable (set, not blank) as code would pass it. */
  fromEnv(text: string, ctx: OptionContext): In;
  /** The value given (`undefined` when unset), checked, with the default applied. */
  resolve(value: In | undefined, ctx: OptionContext): Out;
  /** The same option, read from `<PREFIX>_<suffix>` (`null`: from no variable). */
  env(suffix: string | null): SinkOption<In, Out, Required>;
  /** The same option with another expected form. */
  describe(form: string): SinkOption<In, Out, Required>;
  /** The same option, its value a secret. */
  secret(): SinkOption<In, Out, Required>;
  /** The same option, refused when set without each of `options`. */
  requires(...options: string[]): SinkOption<In, Out, Required>;
  /** The same option with one more check: `problem` returns why a value is refused, or `undefined`. */
  check(problem: (value: Exclude<Out, undefined>) => string | undefined): SinkOption<In, Out, Required>;
  /** The same option, refused when unset. */
  required(): SinkOption<In, Exclude<Out, undefined>, true>;
}

/** PEM text or bytes (a CA bundle, a certificate, a key), as code passes it; `option.pem` reads it from a file for the variable. */
export type PemContents = string | Uint8Array;

/** The TLS options of `option.tls`, named alike in every sink. */
export interface TlsOptionSet {
  /** PEM CA certificate(s) trusted instead of the system roots (`<PREFIX>_CA_FILE`). @default the system roots */
  readonly ca: SinkOption<PemContents, PemContents | undefined, false>;
  /** PEM client certificate for mutual TLS; needs `key` (`<PREFIX>_CERT_FILE`). @default none */
  readonly cert: SinkOption<PemContents, PemContents | undefined, false>;
  /** PEM private key of `cert` (`<PREFIX>_KEY_FILE`). @default none */
  readonly key: SinkOption<PemContents, PemContents | undefined, false>;
  /** Verify the server certificate and host name; `false` logs a warning (`<PREFIX>_TLS_VERIFY`). @default true */
  readonly tlsVerify: SinkOption<boolean, boolean, false>;
}

/** Any option, for constraints. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySinkOption = SinkOption<any, any, boolean>;

/** What code passes for an option. */
export type OptionInput<O> = O extends SinkOption<infer In, unknown, boolean> ? In : never;
/** What the sink gets for an option. */
export type OptionOutput<O> = O extends SinkOption<unknown, infer Out, boolean> ? Out : never;

/** The name and variable prefix of one instance (`logstash:prod`, `IW_ELK_PROD`); set by activation for named instances. */
export interface SinkInstanceOptions {
  /** Sink name in stats and logs. @default the sink's name */
  readonly name?: string | undefined;
  /** The variable prefix named in errors (`IW_ELK_PROD` for a named instance). @default the sink's prefix */
  readonly envPrefix?: string | undefined;
}

type RequiredKeys<Shape> = { [K in keyof Shape]: Shape[K] extends SinkOption<unknown, unknown, true> ? K : never }[keyof Shape];

/** The options code passes, by inference from the definitions: required ones required, the rest optional. */
export type OptionsInputOf<Shape> = {
  readonly [K in keyof Shape as K extends RequiredKeys<Shape> ? K : never]: OptionInput<Shape[K]>;
} & {
  readonly [K in keyof Shape as K extends RequiredKeys<Shape> ? never : K]?: OptionInput<Shape[K]> | undefined;
} & SinkInstanceOptions;

/** The options the sink uses: every one checked, defaults applied. */
export type OptionsOutputOf<Shape> = { readonly [K in keyof Shape]: OptionOutput<Shape[K]> } & {
  readonly name: string;
  readonly envPrefix: string;
};

/** A sink's options, defined once by `defineSinkOptions`. */
export interface SinkOptions<Shape extends Record<string, AnySinkOption>> {
  /** The variable prefix (`IW_ELK`). */
  readonly prefix: string;
  /** The sink's default name (`logstash`). */
  readonly sinkName: string;
  readonly options: Shape;
  /** The plugin's `options` schema: the variables in, the options code would pass out (every rule checked). */
  readonly env: EnvParser<OptionsInputOf<Shape>>;
  /** The variables holding secrets, for the plugin's `secrets`. */
  readonly secrets: readonly string[];
  /** The variable of an option under `envPrefix` (default: the sink's prefix), or the option's name when only code sets it. */
  variable(option: keyof Shape & string, envPrefix?: string): string;
  /** Checks options given in code and applies the defaults; throws `IwConfigError` naming the variable. */
  resolve(options: OptionsInputOf<Shape>): OptionsOutputOf<Shape>;
  /** `options` for a plugin's `create`: the instance's name and prefix (named instances) over the parsed options. */
  forInstance(
    options: OptionsInputOf<Shape>,
    deps: { readonly sinkName?: string | undefined; readonly envPrefix?: string | undefined },
  ): OptionsInputOf<Shape>;
}

/** The options code passes to a sink defined with `defineSinkOptions`: `SinkOptionsInput<typeof logstashOptions>`. */
export type SinkOptionsInput<S> = S extends SinkOptions<infer Shape> ? OptionsInputOf<Shape> : never;
/** The options a sink defined with `defineSinkOptions` uses, checked and with defaults. */
export type SinkOptionsOutput<S> = S extends SinkOptions<infer Shape> ? OptionsOutputOf<Shape> : never;
