// The built-in scorer, the devnet's default (docs/attribution.md, "Attested scores: the attestor"):
// the share of the output's distinct normalized byte 5-grams that also occur in the candidate's
// content. A baseline for tests and devnets, not a measure of influence. Integer arithmetic on
// bytes only, so the same output and contents give the same scores on every machine.
import { MAX_SCORE } from './scorer.ts';

/** Gram length in bytes; 5 bytes keep a key below 2^40, exact in a JS number. */
export const GRAM = 5;

/**
 * ASCII letters lowercased, and every run of bytes that are neither ASCII letters nor digits nor
 * non-ASCII (UTF-8 multi-byte sequences, kept as they are) made one space. If `content` holds
 * `output` verbatim, normalize(content) holds normalize(output).
 */
export function normalize(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  let inGap = false;
  for (const b of bytes) {
    const word = (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7a) || b >= 0x80;
    if (b >= 0x41 && b <= 0x5a) {
      out[n++] = b + 0x20;
      inGap = false;
    } else if (word) {
      out[n++] = b;
      inGap = false;
    } else if (!inGap) {
      out[n++] = 0x20;
      inGap = true;
    }
  }
  return out.subarray(0, n);
}

/** Calls `visit` with the key of every `length`-byte gram of `bytes`. */
function forEachGram(bytes: Uint8Array, length: number, visit: (key: number) => boolean | undefined): void {
  for (let i = 0; i + length <= bytes.length; i++) {
    let key = 0;
    for (let j = 0; j < length; j++) key = key * 256 + bytes[i + j]!;
    if (visit(key) === false) return;
  }
}

/**
 * floor(MAX_SCORE × |G(output) ∩ G(content)| / |G(output)|), G = the distinct grams of the
 * normalized text, of GRAM bytes, or of the whole normalized output if it is shorter. An empty
 * content, or an output with nothing left after normalizing, scores 0.
 */
export function ngramScores(output: Uint8Array, contents: readonly Uint8Array[]): number[] {
  const out = normalize(output);
  const length = Math.min(GRAM, out.length);
  if (length === 0) return contents.map(() => 0);
  const grams = new Set<number>();
  forEachGram(out, length, (key) => {
    grams.add(key);
    return undefined;
  });
  return contents.map((content) => {
    const found = new Set<number>();
    forEachGram(normalize(content), length, (key) => {
      if (grams.has(key)) found.add(key);
      return found.size < grams.size; // every gram found: the rest cannot raise the score
    });
    const scaled = MAX_SCORE * found.size;
    return (scaled - (scaled % grams.size)) / grams.size;
  });
}
