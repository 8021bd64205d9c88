/** Which text a signature looks at: the user's prompt, the model's answer, or both. */
export type Direction = "input" | "output";

/**
 * One detection rule, in InferenceWall style. `score × confidence` is what a match adds to the
 * anomaly score; `severity` (0–10) is reported with the match for triage.
 */
export interface Signature {
  /** Stable id: `<family>-<kind>-<n>` (INJ injection, JB jailbreak, DL data leak, EX exfiltration). */
  readonly id: string;
  /** What the rule detects, for humans. */
  readonly description: string;
  readonly directions: readonly Direction[];
  /** Tried in order; the first that matches (and passes `verify`) is reported. */
  readonly patterns: readonly RegExp[];
  readonly score: number;
  readonly confidence: number;
  readonly severity: number;
  /** A second check on the matched text that a regex cannot express (a Luhn checksum). */
  readonly verify?: (matched: string) => boolean;
}

/** True when the digits of `text` pass the Luhn checksum (payment card numbers). */
export function luhnValid(text: string): boolean {
  const digits = text.replace(/\D/g, "");
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * The built-in signatures. Small on purpose: this host exists to produce realistic events, not
 * to be a complete firewall. A single strong injection or a leaked secret blocks on its own
 * under the `default` policy; weaker signals flag, and add up.
 */
export const SIGNATURES: readonly Signature[] = [
  {
    id: "INJ-D-001",
    description: "Direct prompt injection: ignore previous instructions",
    directions: ["input"],
    patterns: [
      /\bignore\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+)?(?:previous|prior|above|earlier|preceding)\s+(?:instructions|directions|prompts|rules)\b/i,
    ],
    score: 11,
    confidence: 0.95,
    severity: 8,
  },
  {
    id: "INJ-D-002",
    description: "Direct prompt injection: disregard or forget the system prompt",
    directions: ["input"],
    patterns: [/\b(?:disregard|forget|override)\s+(?:your|the)\s+(?:system\s+prompt|system\s+message|guidelines|instructions)\b/i],
    score: 8,
    confidence: 0.9,
    severity: 7,
  },
  {
    id: "INJ-D-003",
    description: "System prompt extraction attempt",
    directions: ["input"],
    patterns: [
      /\b(?:reveal|print|show|repeat|output)\s+(?:me\s+)?(?:your|the)\s+(?:full\s+|hidden\s+|initial\s+)?(?:system\s+prompt|system\s+message|initial\s+instructions)\b/i,
    ],
    score: 6,
    confidence: 0.85,
    severity: 6,
  },
  {
    id: "JB-R-001",
    description: "Role-play jailbreak: DAN / developer mode",
    directions: ["input"],
    patterns: [
      /\byou\s+are\s+(?:now\s+)?DAN\b/i,
      /\bdo\s+anything\s+now\b/i,
      /\b(?:enable|enter|activate)\s+developer\s+mode\b/i,
      /\bdeveloper\s+mode\s+(?:enabled|on)\b/i,
    ],
    score: 7,
    confidence: 0.85,
    severity: 7,
  },
  {
    id: "DL-S-001",
    description: "Secret material: AWS access key id or private key",
    directions: ["input", "output"],
    patterns: [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, /-----BEGIN (?:RSA |EC |OPENSSH |DSA |ENCRYPTED )?PRIVATE KEY-----/],
    score: 12,
    confidence: 0.99,
    severity: 9,
  },
  {
    id: "DL-P-001",
    description: "Personal data in a model answer: e-mail address",
    directions: ["output"],
    patterns: [/\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}\b/],
    score: 6,
    confidence: 0.9,
    severity: 5,
  },
  {
    id: "DL-P-002",
    description: "Personal data in a model answer: payment card number (Luhn-checked)",
    directions: ["output"],
    patterns: [/\b\d(?:[ -]?\d){12,18}\b/],
    score: 9,
    confidence: 0.95,
    severity: 8,
    verify: luhnValid,
  },
  {
    id: "EX-C-001",
    description: "Command execution / exfiltration: pipe to shell, reverse shell, credential files",
    directions: ["input", "output"],
    patterns: [
      /\b(?:curl|wget)\s+[^\n|;]{1,200}\|\s*(?:sudo\s+)?(?:ba|z|da)?sh\b/i,
      /\b(?:nc|ncat|netcat)\s+(?:-\w+\s+)*-e\s+\/bin\/(?:ba)?sh\b/i,
      /\bbash\s+-i\s+>&\s*\/dev\/tcp\//i,
      /\bcat\s+(?:\/etc\/(?:passwd|shadow)|~\/\.ssh\/id_\w+|~\/\.aws\/credentials)\b/i,
      /\brm\s+-rf\s+\/(?:\s|$)/,
    ],
    score: 12,
    confidence: 0.9,
    severity: 9,
  },
];
