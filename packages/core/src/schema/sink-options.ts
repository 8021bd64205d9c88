import { z } from "zod";
import { IwConfigError } from "../diagnostics/index.js";
import type { AnySinkOption, EnvField, EnvParser, OptionsInputOf, OptionsOutputOf, SinkOptions } from "../sink/index.js";
import { envField } from "./env-fields.js";
import { optionError } from "./option-builders.js";

/*
 * `defineSinkOptions`: one definition per sink gives the options type (by inference), the
 * defaults, the checks for options passed in code, the variables (`<PREFIX>_<OPTION>`, derived
 * from the option names), the plugin's env schema and the README table. Both paths run the same
 * checks; errors name the variable.
 */

/** `connectTimeoutMs` → `CONNECT_TIMEOUT_MS`. */
export function variableSuffix(optionName: string): string {
  return optionName
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toUpperCase();
}

/** Reports a problem with one option from a rule across options. */
export type OptionProblem<Shape> = (option: keyof Shape & string, reason: string) => void;

/** What {@link defineSinkOptions} is given. */
export interface SinkOptionsDefinition<Shape extends Record<string, AnySinkOption>> {
  /** The variable prefix (`IW_ELK`): each option's variable is `<prefix>_<OPTION_NAME>` unless it says otherwise. */
  readonly prefix: string;
  /** The sink's default name (`logstash`). */
  readonly name: string;
  /** The options, in the order of the README table. */
  readonly options: Shape;
  /**
   * Checks across options, on the resolved values (defaults applied); run only when every option
   * is valid on its own. Report with `problem(option, reason)`.
   */
  readonly rules?: (options: OptionsOutputOf<Shape>, problem: OptionProblem<Shape>) => void;
  /**
   * Variables read besides the options' own (another convention's, such as `OTEL_*`), and how
   * they complete the options: `apply` gets the options read from the sink's variables and the
   * parsed extra ones, and returns the options; a problem is reported with `problem(variable, reason)`.
   */
  readonly extraEnv?: {
    readonly fields: Readonly<Record<string, EnvField<unknown>>>;
    readonly apply: (
      options: OptionsInputOf<Shape>,
      values: Readonly<Record<string, unknown>>,
      problem: (variable: string, reason: string) => void,
    ) => OptionsInputOf<Shape>;
  };
}

interface Problem {
  readonly option: string;
  readonly reason: string;
}

/** Defines a sink's options once; see {@link SinkOptions}. */
export function defineSinkOptions<const Shape extends Record<string, AnySinkOption>>(
  definition: SinkOptionsDefinition<Shape>,
): SinkOptions<Shape> {
  const { prefix, options } = definition;
  const names = Object.keys(options);
  const suffixOf = (name: string): string | null => {
    const v = options[name]!.variable;
    return v === undefined ? variableSuffix(name) : v;
  };
  const variable = (name: string, envPrefix = prefix): string => {
    const s = suffixOf(name);
    return s === null ? name : `${envPrefix}_${s}`;
  };
  const formOf = (name: string, envPrefix = prefix): string => options[name]!.form.replaceAll("<PREFIX>", envPrefix);
  const ctxOf = (name: string, envPrefix: string) => ({ variable: variable(name, envPrefix) });

  /**
   * Each option on its own, then the `requires` links, then the rules; every problem found. (On
   * the env side every variable was already checked by its field: zod runs the object's
   * transform only when all fields parsed.)
   */
  function check(input: Record<string, unknown>, envPrefix: string): { out: Record<string, unknown>; problems: Problem[] } {
    const problems: Problem[] = [];
    const out: Record<string, unknown> = {};
    for (const name of names) {
      try {
        out[name] = options[name]!.resolve(input[name], ctxOf(name, envPrefix));
      } catch (err) {
        problems.push({ option: name, reason: (err as Error).message.replaceAll("<PREFIX>", envPrefix) });
      }
    }
    for (const name of names) {
      if (input[name] === undefined) continue;
      for (const other of options[name]!.needs) {
        if (input[other] === undefined)
          problems.push({ option: other, reason: `is unset while ${variable(name, envPrefix)} is set, which needs it` });
      }
    }
    if (problems.length === 0 && definition.rules !== undefined) {
      const resolved = { ...out, name: input["name"] ?? definition.name, envPrefix } as OptionsOutputOf<Shape>;
      definition.rules(resolved, (option, reason) => problems.push({ option, reason }));
    }
    return { out, problems };
  }

  function resolve(input: OptionsInputOf<Shape>): OptionsOutputOf<Shape> {
    const envPrefix = input.envPrefix ?? prefix;
    const { out, problems } = check(input, envPrefix);
    const first = problems[0];
    if (first !== undefined) {
      const message = problems.map((p) => `${variable(p.option, envPrefix)} ${p.reason}`).join("; ");
      if (problems.length === 1) throw optionError(variable(first.option, envPrefix), first.reason, formOf(first.option, envPrefix));
      throw new IwConfigError(message, { variable: variable(first.option, envPrefix) });
    }
    return { ...out, name: input.name ?? definition.name, envPrefix } as OptionsOutputOf<Shape>;
  }

  // The env side: one field per option that has a variable, parsed and checked on its own
  // (issues carry the variable's form); the object then checks the links and rules.
  const fields: Record<string, EnvField<unknown>> = {};
  const byVariable = new Map<string, string>();
  for (const name of names) {
    if (suffixOf(name) === null) continue;
    const opt = options[name]!;
    const v = variable(name);
    byVariable.set(name, v);
    fields[v] = envField(formOf(name), (text) => {
      if (text === undefined || text.trim() === "") {
        if (opt.isRequired) throw new Error("is required");
        return undefined;
      }
      try {
        const value: unknown = opt.fromEnv(text, { variable: v });
        opt.resolve(value, { variable: v });
        return value;
      } catch (err) {
        throw new Error((err as Error).message.replaceAll("<PREFIX>", prefix));
      }
    });
  }
  const extra = definition.extraEnv;
  const shape = { ...fields, ...extra?.fields } as Record<string, z.ZodType>;
  const toInput = (env: Record<string, unknown>): Record<string, unknown> => {
    const input: Record<string, unknown> = {};
    for (const [name, v] of byVariable) if (env[v] !== undefined) input[name] = env[v];
    return input;
  };
  const env = z.object(shape).transform((values, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    let input = toInput(values) as OptionsInputOf<Shape>;
    if (extra !== undefined) input = extra.apply(input, values, issue);
    for (const p of check(input, prefix).problems) issue(variable(p.option), p.reason);
    return input;
  }) as unknown as EnvParser<OptionsInputOf<Shape>>;

  return {
    prefix,
    sinkName: definition.name,
    options,
    env,
    secrets: names.filter((n) => options[n]!.isSecret && suffixOf(n) !== null).map((n) => variable(n)),
    variable: (name, envPrefix) => variable(name, envPrefix),
    resolve,
    forInstance: (input, deps) => ({
      ...input,
      ...(deps.sinkName === undefined ? {} : { name: deps.sinkName }),
      ...(deps.envPrefix === undefined ? {} : { envPrefix: deps.envPrefix }),
    }),
  };
}
