/*
 * Typos in `IW_*` variable names are silent by nature: nothing reads the misspelt variable, so
 * the setting the operator meant (`IW_REDCAT=mask`) is simply not applied. Activation lists the
 * names nobody reads, with the closest real name. No zod: it runs even when no sink is active.
 */
import type { Env } from "./env-instances.js";
import { GENERIC_SUFFIXES, GLOBAL_VARIABLES, isSet, splitActivating } from "./env-instances.js";

/** A plugin as far as the check needs it: its activating variable and every base name it reads. */
export interface KnownPlugin {
  readonly name: string;
  readonly env: string;
  /** Base variable names the plugin's schema reads; `undefined` when its package is not loaded. */
  readonly variables: readonly string[] | undefined;
}

/** Variables of other tools that share the prefix (the repository's own scripts). */
const IGNORED = /^IW_(?:UPDATE_README|BENCH_[A-Z0-9_]*)$/;

/**
 * One warning per set `IW_*` variable that neither core nor a known plugin reads, with a
 * suggestion (`did you mean IW_REDACT?`). Values are never part of the text. A variable of a
 * sink that is not active (`IW_ELK_USER` without `IW_ELK_URL`) is reported as such.
 */
export function unknownVariableWarnings(env: Env, plugins: readonly KnownPlugin[]): string[] {
  const known = new Set<string>(GLOBAL_VARIABLES);
  const prefixes: { prefix: string; plugin: KnownPlugin; names: Set<string> | undefined }[] = [];
  for (const p of plugins) {
    const { prefix } = splitActivating(p.env);
    const names =
      p.variables === undefined ? undefined : new Set([p.env, ...p.variables, ...GENERIC_SUFFIXES.map((s) => `${prefix}_${s}`)]);
    for (const n of names ?? [p.env]) known.add(n);
    prefixes.push({ prefix, plugin: p, names });
  }
  const out: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith("IW_") || known.has(name) || IGNORED.test(name) || !isSet(env[name])) continue;
    const owner = prefixes.filter((p) => name.startsWith(`${p.prefix}_`)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
    if (owner !== undefined && (owner.names === undefined || isInstanceVariable(name, owner.prefix, owner.names))) {
      // The plugin is not loaded (its variable is unset) or this is a named instance's variable.
      if (owner.names === undefined)
        out.push(
          `${name} is set but the ${owner.plugin.name} sink is not active (${owner.plugin.env} is unset), so it is not read${suggest(name, [owner.plugin.env])}`,
        );
      continue;
    }
    out.push(`${name} is not a variable @iw/core or any sink reads, so it has no effect${suggest(name, [...known])}`);
  }
  return out;
}

/** `IW_WEBHOOK_SOC_TIMEOUT_MS` reads as `IW_WEBHOOK_TIMEOUT_MS` of instance `SOC`. */
function isInstanceVariable(name: string, prefix: string, names: ReadonlySet<string>): boolean {
  const rest = name.slice(prefix.length + 1);
  const i = rest.indexOf("_");
  return i > 0 && /^[A-Z0-9]+$/.test(rest.slice(0, i)) && names.has(`${prefix}_${rest.slice(i + 1)}`);
}

function suggest(name: string, candidates: readonly string[]): string {
  const best = closest(name, candidates);
  return best === undefined ? "" : `; did you mean ${best}?`;
}

/**
 * The candidate closest to `word` by edit distance (insertions, deletions, substitutions and
 * transpositions of neighbours), if it is close enough to be a typo: at most a third of the
 * word's length, and at most 3.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    if (Math.abs(c.length - word.length) > limit) continue;
    const d = editDistance(word.toUpperCase(), c.toUpperCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance: Levenshtein plus transposition of adjacent characters. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}
