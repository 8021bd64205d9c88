import type { Match } from "@iw/core";
import { SIGNATURES, type Direction, type Signature } from "./signatures.js";

/** Anomaly-score thresholds of a policy: a score at or above `flag` flags, at or above `block` blocks. */
export interface Policy {
  readonly name: string;
  readonly flag: number;
  readonly block: number;
}

/** The built-in policies. `default` is InferenceWall's: flag at 5, block at 10. */
export const POLICIES = {
  default: { name: "default", flag: 5, block: 10 },
  strict: { name: "strict", flag: 3, block: 6 },
  permissive: { name: "permissive", flag: 8, block: 15 },
} as const satisfies Record<string, Policy>;

/** A built-in policy name. */
export type PolicyName = keyof typeof POLICIES;

/** What one scan decided. */
export type Decision = "allow" | "flag" | "block";

/** The outcome of `scan()`: what the HTTP answer and the scan log carry. */
export interface ScanResult {
  readonly decision: Decision;
  /** Sum of `score × confidence` over the matches, rounded to 2 decimals. */
  readonly anomaly_score: number;
  /** The policy's block threshold (InferenceWall reports this one). */
  readonly threshold: number;
  readonly policy: string;
  readonly matches: Match[];
}

/** Longest `matched_text` reported; longer matches are cut (the text can hold personal data). */
export const MAX_MATCHED_TEXT = 200;

/** Maps a score to a decision under `policy`. */
export function decide(score: number, policy: Policy): Decision {
  if (score >= policy.block) return "block";
  if (score >= policy.flag) return "flag";
  return "allow";
}

function findMatch(signature: Signature, text: string): string | undefined {
  for (const pattern of signature.patterns) {
    if (signature.verify === undefined) {
      const m = pattern.exec(text);
      if (m) return m[0];
      continue;
    }
    // A checksum can reject the first candidate and accept a later one: look at all of them.
    const global = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`);
    for (const m of text.matchAll(global)) {
      if (signature.verify(m[0])) return m[0];
    }
  }
  return undefined;
}

/**
 * Scans `text` with every signature that applies to `direction`. Pure: no I/O, no clock.
 * Each signature is reported at most once, with the first substring it matched.
 */
export function scan(
  text: string,
  direction: Direction,
  policy: Policy = POLICIES.default,
  signatures: readonly Signature[] = SIGNATURES,
): ScanResult {
  const matches: Match[] = [];
  let score = 0;
  for (const signature of signatures) {
    if (!signature.directions.includes(direction)) continue;
    const matched = findMatch(signature, text);
    if (matched === undefined) continue;
    matches.push({
      signature_id: signature.id,
      matched_text: matched.length > MAX_MATCHED_TEXT ? matched.slice(0, MAX_MATCHED_TEXT) : matched,
      score: signature.score,
      confidence: signature.confidence,
      severity: signature.severity,
    });
    score += signature.score * signature.confidence;
  }
  const anomaly_score = Math.round(score * 100) / 100;
  return {
    decision: decide(anomaly_score, policy),
    anomaly_score,
    threshold: policy.block,
    policy: policy.name,
    matches,
  };
}
