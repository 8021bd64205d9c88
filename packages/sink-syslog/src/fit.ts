import { cutUtf8, utf8Length } from "./text.js";

/**
 * Where a format writes a message, piece by piece in wire order. A message over the size limit
 * is shortened by rule: pieces with the lowest `keep` go first (a long free-text value before the
 * fields a SOC pivots on); a piece with `shrink` is shortened instead of dropped when that is
 * enough. Pieces without `keep` (the header, the event id, a closing bracket) always stay.
 *
 * Formats write every message twice at most: first to a {@link TextOut}, which only
 * concatenates (`slow` is false, so no `shrink` function is even created); only a message over
 * the limit is written again to a {@link PieceOut} and shortened.
 */
export interface Out {
  readonly slow: boolean;
  /**
   * @param keep lower is given up sooner; unset: never given up.
   * @param shrink a shorter form of this piece within `maxBytes`, or `undefined` to drop it.
   */
  push(text: string, keep?: number, shrink?: (maxBytes: number) => string | undefined): void;
}

/** The fast path: just the text. Reused across messages (`reset`). */
export class TextOut implements Out {
  readonly slow = false;
  text = "";
  reset(): void {
    this.text = "";
  }
  push(text: string): void {
    this.text += text;
  }
}

interface Piece {
  readonly text: string;
  readonly keep: number | undefined;
  readonly shrink: ((maxBytes: number) => string | undefined) | undefined;
}

/** The slow path: every piece with its rule. */
export class PieceOut implements Out {
  readonly slow = true;
  readonly pieces: Piece[] = [];
  push(text: string, keep?: number, shrink?: (maxBytes: number) => string | undefined): void {
    this.pieces.push({ text, keep, shrink });
  }

  /** The message within `maxBytes` UTF-8 bytes. */
  fit(maxBytes: number): string {
    const pieces = this.pieces;
    const texts: (string | undefined)[] = pieces.map((p) => p.text);
    const sizes = pieces.map((p) => utf8Length(p.text));
    let total = sizes.reduce((a, b) => a + b, 0);
    // Lowest keep first; among equals, the later piece first (the tail of a list goes before its head).
    const order = pieces
      .map((p, i) => ({ keep: p.keep, i }))
      .filter((x): x is { keep: number; i: number } => x.keep !== undefined)
      .sort((a, b) => a.keep - b.keep || b.i - a.i);
    for (const { i } of order) {
      if (total <= maxBytes) break;
      const piece = pieces[i]!;
      const size = sizes[i]!;
      const room = size - (total - maxBytes);
      const shorter = piece.shrink !== undefined && room > 0 ? piece.shrink(room) : undefined;
      const next = shorter !== undefined && utf8Length(shorter) <= room ? shorter : undefined;
      texts[i] = next;
      const nextSize = next === undefined ? 0 : utf8Length(next);
      total += nextSize - size;
      sizes[i] = nextSize;
    }
    const text = texts.filter((t) => t !== undefined).join("");
    // Only the pieces that always stay are left and they are still too long (a hostname of 255
    // characters under a 480-byte limit): cut the message itself, as a receiver would.
    return total <= maxBytes ? text : cutUtf8(text, maxBytes);
  }
}

/** A formatted message: its text, its UTF-8 length, and whether it had to be shortened. */
export interface Fitted {
  readonly text: string;
  readonly bytes: number;
  readonly truncated: boolean;
}
