import { AUDIT_CATEGORY_NAMES } from "../events/index.js";
import type { IwEvent } from "../events/index.js";

/** The expected form of `IW_<PREFIX>_EVENTS`, shown in errors and README tables. */
export const EVENT_FILTER_FORM =
  "comma-separated terms: all, scan, scan:<block|flag|allow|input|output>[:…], audit, audit:<category>, summary; a leading - excludes (all,-scan:allow); default all";

/** A compiled event filter: a fast predicate and its normalised text. */
export interface EventFilter {
  readonly accepts: (event: IwEvent) => boolean;
  /** Normalised terms, e.g. `"scan:block,audit"`; `"all"` for everything. */
  readonly text: string;
}

const DIRECTIONS = ["input", "output"] as const;
const DECISIONS = ["allow", "flag", "block"] as const;
const ALL_SCAN = 0b111111;

interface Selection {
  /** Bit `direction * 3 + decision` set = that scan combination is selected. */
  scan: number;
  audit: Set<string>;
  summary: boolean;
  /** Unknown future log types: only `all` selects them. */
  other: boolean;
}

/**
 * Compiles an `IW_<PREFIX>_EVENTS` value once into a predicate. Grammar (case-insensitive,
 * spaces ignored): a comma-separated union of terms; `all`; `scan` with up to one decision
 * (`block`, `flag`, `allow`) and one direction (`input`, `output`) qualifier, in any order
 * (`scan:block:input`); `audit` or `audit:<category>`; `summary` (periodic summary events,
 * `log_type: "summary"`). A term prefixed with `-` is subtracted from the union; a filter of
 * exclusions only starts from `all`. Empty or unset means `all`.
 *
 * @throws Error with a short reason (the caller adds the variable and the expected form).
 */
export function compileEventFilter(text: string | undefined): EventFilter {
  const include: Selection = { scan: 0, audit: new Set(), summary: false, other: false };
  const exclude: Selection = { scan: 0, audit: new Set(), summary: false, other: false };
  const terms: string[] = [];
  let positives = 0;
  for (const raw of (text ?? "").split(",")) {
    let term = raw.trim().toLowerCase().replace(/\s+/g, "");
    if (term === "") continue;
    const negative = term.startsWith("-");
    if (negative) term = term.slice(1);
    else positives++;
    addTerm(negative ? exclude : include, term);
    terms.push(negative ? `-${term}` : term);
  }
  if (positives === 0) addTerm(include, "all");
  const scan = include.scan & ~exclude.scan;
  const audit = new Set([...include.audit].filter((c) => !exclude.audit.has(c)));
  const summary = include.summary && !exclude.summary;
  const other = include.other && !exclude.other;
  const normalised = terms.length === 0 ? "all" : terms.join(",");
  if (scan === ALL_SCAN && audit.size === AUDIT_CATEGORY_NAMES.length && summary && other) {
    return { accepts: () => true, text: normalised };
  }
  return {
    text: normalised,
    accepts(event: IwEvent): boolean {
      const type = (event as { log_type?: unknown }).log_type;
      if (type === "scan") {
        const { direction, decision } = event as { direction: unknown; decision: unknown };
        const d = direction === "input" ? 0 : direction === "output" ? 3 : -1;
        const c = decision === "block" ? 2 : decision === "flag" ? 1 : decision === "allow" ? 0 : -1;
        return d >= 0 && c >= 0 && (scan & (1 << (d + c))) !== 0;
      }
      if (type === "audit") return audit.has((event as { category: string }).category);
      if (type === "summary") return summary;
      return other;
    },
  };
}

function addTerm(sel: Selection, term: string): void {
  const [kind, ...quals] = term.split(":");
  switch (kind) {
    case "all":
    case "*":
      if (quals.length > 0) throw new Error(`"${term}" takes no qualifier`);
      sel.scan = ALL_SCAN;
      for (const c of AUDIT_CATEGORY_NAMES) sel.audit.add(c);
      sel.summary = true;
      sel.other = true;
      return;
    case "scan":
      sel.scan |= scanBits(term, quals);
      return;
    case "audit":
      if (quals.length > 1) throw new Error(`"${term}" has more than one category`);
      if (quals.length === 0) {
        for (const c of AUDIT_CATEGORY_NAMES) sel.audit.add(c);
      } else if ((AUDIT_CATEGORY_NAMES as readonly string[]).includes(quals[0]!)) {
        sel.audit.add(quals[0]!);
      } else {
        throw new Error(`"${quals[0]}" is not an audit category (${AUDIT_CATEGORY_NAMES.join(", ")})`);
      }
      return;
    case "summary":
      if (quals.length > 0) throw new Error(`"${term}" takes no qualifier`);
      sel.summary = true;
      return;
    default:
      throw new Error(`"${term}" is not a known term`);
  }
}

function scanBits(term: string, quals: readonly string[]): number {
  let directions: readonly number[] = [0, 1];
  let decisions: readonly number[] = [0, 1, 2];
  let sawDirection = false;
  let sawDecision = false;
  for (const q of quals) {
    const d = (DIRECTIONS as readonly string[]).indexOf(q);
    const c = (DECISIONS as readonly string[]).indexOf(q);
    if (d >= 0 && !sawDirection) {
      directions = [d];
      sawDirection = true;
    } else if (c >= 0 && !sawDecision) {
      decisions = [c];
      sawDecision = true;
    } else if (d >= 0 || c >= 0) {
      throw new Error(`"${term}" repeats a ${d >= 0 ? "direction" : "decision"}; use a comma for a union`);
    } else {
      throw new Error(`"${q}" is not a scan qualifier (block, flag, allow, input, output)`);
    }
  }
  let bits = 0;
  for (const d of directions) for (const c of decisions) bits |= 1 << (d * 3 + c);
  return bits;
}
