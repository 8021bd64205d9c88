import { IwConfigError } from "../diagnostics/index.js";
import { HEADER_LIST_FORM, checkConfiguredHeaders, parseHeaderList, stripCredentials } from "../http/index.js";
import type { OptionContext, PemContents, SinkOption, TlsOptionSet } from "../sink/index.js";
import { readSmallRegularFile } from "./read-small-file.js";
import {
  boolForm,
  bytesForm,
  checkLine,
  enumForm,
  intForm,
  parseBoolText,
  parseBytesText,
  parseEnumText,
  parseIntText,
} from "./text-parsers.js";
import { urlParseProblem } from "./url-problem.js";

/*
 * The option builders of `@iw/core/sink-kit` (`option.url`, `option.ms`, `option.tls`, …): each
 * makes one option, read the same way from code and from its variable, with its expected form
 * and default written once.
 */

interface Parts<In, Out> {
  readonly form: string;
  readonly fromEnv: (text: string, ctx: OptionContext) => In;
  readonly resolve: (value: In | undefined, ctx: OptionContext) => Out;
  readonly variable?: string | null | undefined;
  readonly isRequired?: boolean;
  readonly isSecret?: boolean;
  readonly needs?: readonly string[];
}

/** The reason of an error thrown by a parser, without the variable name some messages start with. */
function reasonOf(err: unknown, variable: string): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.startsWith(`${variable} `) || message.startsWith(`${variable}: `) ? message.slice(variable.length + 1).trim() : message;
}

/** A form saying the option is required, once. */
function requiredForm(form: string): string {
  const base = form.replace(/; (unset|none) by default$/, "");
  return /\brequired\b/.test(base) ? base : `${base}; required`;
}

function make<In, Out, Req extends boolean>(parts: Parts<In, Out>): SinkOption<In, Out, Req> {
  const self: SinkOption<In, Out, Req> = {
    form: parts.form,
    variable: parts.variable,
    isRequired: (parts.isRequired ?? false) as Req,
    isSecret: parts.isSecret ?? false,
    needs: parts.needs ?? [],
    fromEnv: parts.fromEnv,
    resolve: parts.resolve,
    env: (suffix) => make({ ...parts, variable: suffix }),
    describe: (form) => make({ ...parts, form }),
    secret: () => make({ ...parts, isSecret: true }),
    requires: (...options) => make({ ...parts, needs: [...(parts.needs ?? []), ...options] }),
    check: (problem) =>
      make({
        ...parts,
        resolve: (value, ctx) => {
          const out = parts.resolve(value, ctx);
          const why = out === undefined ? undefined : problem(out as Exclude<Out, undefined>);
          if (why !== undefined) throw new Error(why);
          return out;
        },
      }),
    required: () =>
      make<In, Exclude<Out, undefined>, true>({
        ...parts,
        isRequired: true,
        form: requiredForm(parts.form),
        resolve: (value, ctx) => {
          if (value === undefined) throw new Error("is required");
          return parts.resolve(value, ctx) as Exclude<Out, undefined>;
        },
      }),
  };
  return self;
}

/** Wraps a parser so the error it throws is a plain reason (the pipeline adds the variable). */
function reasonOnly<A extends unknown[], R>(fn: (...args: A) => R, ctxAt: number): (...args: A) => R {
  return (...args) => {
    try {
      return fn(...args);
    } catch (err) {
      throw new Error(reasonOf(err, (args[ctxAt] as OptionContext).variable));
    }
  };
}

function custom<In, Out>(parts: Parts<In, Out>): SinkOption<In, Out, false> {
  return make({ ...parts, fromEnv: reasonOnly(parts.fromEnv, 1), resolve: reasonOnly(parts.resolve, 1) });
}

function bool(defaultValue: boolean, what = ""): SinkOption<boolean, boolean, false> {
  return custom({
    form: boolForm(defaultValue, what),
    fromEnv: parseBoolText,
    resolve: (v) => {
      if (v !== undefined && typeof v !== "boolean") throw new Error("not a boolean");
      return v ?? defaultValue;
    },
  });
}

/** The number check of code-given values, in the words of the variable's (`parseIntText`). */
function wholeIn(min: number, max: number): (v: unknown) => void {
  return (v) => {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) throw new Error("out of range or not a whole number");
  };
}

function int(defaultValue: number, min: number, max: number, unit = ""): SinkOption<number, number, false> {
  const valid = wholeIn(min, max);
  return custom({
    form: intForm(defaultValue, min, max, unit),
    fromEnv: (text) => parseIntText(text, min, max),
    resolve: (v) => {
      if (v === undefined) return defaultValue;
      valid(v);
      return v;
    },
  });
}

/** A duration in whole milliseconds. */
function ms(defaultValue: number, min = 1, max = 3_600_000): SinkOption<number, number, false> {
  const valid = wholeIn(min, max);
  return custom({
    form: intForm(defaultValue, min, max, "ms"),
    fromEnv: (text) => parseIntText(text, min, max),
    resolve: (v) => {
      if (v === undefined) return defaultValue;
      valid(v);
      return v;
    },
  });
}

function bytes(defaultValue: number, min: number, max: number): SinkOption<number, number, false> {
  const valid = wholeIn(min, max);
  return custom({
    form: bytesForm(defaultValue, min, max),
    fromEnv: (text) => parseBytesText(text, min, max),
    resolve: (v) => {
      if (v === undefined) return defaultValue;
      valid(v);
      return v;
    },
  });
}

function enumOf<const T extends readonly [string, ...string[]]>(
  values: T,
  defaultValue: T[number],
): SinkOption<T[number], T[number], false>;
function enumOf<const T extends readonly [string, ...string[]]>(
  values: T,
  defaultValue?: undefined,
): SinkOption<T[number], T[number] | undefined, false>;
function enumOf<const T extends readonly [string, ...string[]]>(
  values: T,
  defaultValue?: T[number],
): SinkOption<T[number], T[number] | undefined, false> {
  return custom({
    form: enumForm(values, defaultValue),
    fromEnv: (text) => parseEnumText(text, values),
    resolve: (v) => {
      if (v === undefined) return defaultValue;
      if (!values.includes(v)) throw new Error(`"${String(v)}" is not one of the allowed values`);
      return v;
    },
  });
}

function string(form: string, defaultValue: string): SinkOption<string, string, false>;
function string(form: string, defaultValue?: undefined): SinkOption<string, string | undefined, false>;
function string(form: string, defaultValue?: string): SinkOption<string, string | undefined, false> {
  return custom({
    form: defaultValue === undefined ? `${form}; unset by default` : `${form}; default ${defaultValue}`,
    fromEnv: checkLine,
    resolve: (v) => {
      if (v === undefined || v === "") return defaultValue;
      if (typeof v !== "string") throw new Error("not a string");
      return checkLine(v);
    },
  });
}

/** A string whose value is never shown: a password, a shared key, a token. */
function secret(form: string): SinkOption<string, string | undefined, false> {
  return string(`${form} (a secret: masked everywhere)`).secret();
}

interface UrlRules {
  /** Allowed schemes, without `:` (`["http", "https"]`). */
  readonly schemes: readonly string[];
  /** Expected form, shown in errors and the README. */
  readonly form: string;
  /** `user:password@` allowed (used for Basic auth). @default true */
  readonly credentials?: boolean | undefined;
  /** Why credentials are refused, when `credentials` is false. */
  readonly credentialsHint?: string | undefined;
}

/** Checks one URL: absolute, an allowed scheme, no fragment (never sent, so a typo). Never prints credentials. */
function checkUrl(input: string | URL, rules: UrlRules): URL {
  let url: URL;
  const text = String(input).trim();
  try {
    url = new URL(text);
  } catch {
    throw new Error(`"${stripCredentials(text)}": ${urlParseProblem(text)}`);
  }
  const allowed = rules.schemes.map((p) => p.replace(/:$/, "") + ":");
  const shown = stripCredentials(url.href);
  if (!allowed.includes(url.protocol)) throw new Error(`${shown}: scheme ${url.protocol} is not supported`);
  if (url.hash !== "") throw new Error(`${shown}: has a #fragment, which is never sent; remove it (percent-encode a # in a path)`);
  if (rules.credentials === false && (url.username !== "" || url.password !== "")) {
    throw new Error(`${shown}: carries credentials${rules.credentialsHint === undefined ? "" : `; ${rules.credentialsHint}`}`);
  }
  return url;
}

/** One absolute URL with an allowed scheme. */
function url(rules: UrlRules): SinkOption<string | URL, URL | undefined, false> {
  return custom({
    form: `${rules.form}; unset by default`,
    fromEnv: (text) => {
      if (text.includes(",") && checkUrlQuietly(text.split(",")[1]!, rules)) {
        throw new Error("holds several URLs; give one (use a named instance, <PREFIX>_<NAME>_URL, for another destination)");
      }
      return text.trim();
    },
    resolve: (v) => (v === undefined ? undefined : checkUrl(v, rules)),
  });
}

function checkUrlQuietly(text: string, rules: UrlRules): boolean {
  try {
    checkUrl(text, rules);
    return true;
  } catch {
    return false;
  }
}

/** One or more URLs (comma-separated in the variable): several nodes of one destination. */
function urls(rules: UrlRules): SinkOption<readonly (string | URL)[], readonly URL[] | undefined, false> {
  return custom({
    form: `${rules.form}; unset by default`,
    fromEnv: (text) =>
      text
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    resolve: (v) => {
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || v.length === 0) throw new Error("is empty; expected one or more URLs");
      return v.map((u) => checkUrl(u, rules));
    },
  });
}

/**
 * Extra request headers: in the variable as `name=value` pairs or JSON; CR/LF, invalid names and
 * the headers the client or the sink sets (`sinkManaged`) refused. Names come out lower-case.
 */
function headers(
  sinkManaged: readonly string[] = [],
): SinkOption<Readonly<Record<string, string>>, Readonly<Record<string, string>>, false> {
  return custom({
    form: `${HEADER_LIST_FORM}; none by default`,
    fromEnv: (text, ctx) => parseHeaderList(text, ctx.variable),
    resolve: (v, ctx) => {
      if (v !== undefined && (v === null || typeof v !== "object")) throw new Error("not an object of header names to values");
      return checkConfiguredHeaders(v, ctx.variable, sinkManaged);
    },
  });
}

/** PEM contents: in code a string or bytes; in the variable `<NAME>_FILE`, a path read once at activation. */
function pem(form: string): SinkOption<PemContents, PemContents | undefined, false> {
  return custom({
    form: `${form}: path to a readable file; unset by default`,
    fromEnv: (path) => {
      const contents = readSmallRegularFile(path);
      if (typeof contents === "string") throw new Error(contents);
      return contents;
    },
    resolve: (v) => {
      if (v !== undefined && typeof v !== "string" && !(v instanceof Uint8Array)) throw new Error("not PEM text or bytes");
      return v;
    },
  });
}

/**
 * The TLS options every network sink has, named alike everywhere: `ca`, `cert`, `key`
 * (`<PREFIX>_CA_FILE`, `_CERT_FILE`, `_KEY_FILE`; certificate and key go together) and
 * `tlsVerify` (`<PREFIX>_TLS_VERIFY`, on by default). `what` names the TLS endpoints (`https:// nodes`).
 */
function tls(what: string): TlsOptionSet {
  return {
    ca: pem(`PEM CA certificate(s) trusted for ${what} instead of the system roots`).env("CA_FILE"),
    cert: pem("PEM client certificate for mutual TLS (with <PREFIX>_KEY_FILE)").env("CERT_FILE").requires("key"),
    key: pem("PEM private key of <PREFIX>_CERT_FILE").env("KEY_FILE").requires("cert"),
    tlsVerify: bool(true, "false skips certificate and host-name checks and logs a warning"),
  };
}

/**
 * The option builders: `option.url`, `option.urls`, `option.headers`, `option.tls`, `option.ms`,
 * `option.int`, `option.bytes`, `option.bool`, `option.enum`, `option.string`, `option.secret`,
 * `option.pem`, and `option.custom` for anything else. Combine them with `defineSinkOptions`.
 */
export const option = {
  custom,
  bool,
  int,
  ms,
  bytes,
  enum: enumOf,
  string,
  secret,
  url,
  urls,
  headers,
  pem,
  tls,
} as const;

/** Builds the error a check of options given in code throws. */
export function optionError(variable: string, reason: string, form: string | undefined): IwConfigError {
  const expected = form === undefined ? "" : `; expected ${form}`;
  // "IW_X is unset while …", "IW_X sets Content-Type, …", else "IW_X is invalid: not a boolean".
  const said = /^(is|has|holds|sets|carries|contains|needs|names) /.test(reason) ? reason : `is invalid: ${reason}`;
  return new IwConfigError(`${variable} ${said}${expected}`, { variable });
}
