// Finding the output spans to attribute (docs/attribution.md, "Prover"):
// 1. For every output position i, the longest prefix of output[i..] that occurs verbatim in some
//    contribution (matching statistics), by binary search over the suffix array.
// 2. The maximal spans: [i, i + len(i)) of at least minLength bytes and not inside the span at i-1.
//    Their starts and ends both increase.
// 3. The fewest of them that cover the same output bytes (greedy: from each chosen span, the next is
//    the one reaching furthest among those starting inside it, or the next one after a gap). Chosen
//    spans may overlap; the chain pays each byte once, to the earlier span, exactly as the prover
//    counts it here.
// 4. If more than maxSpans remain, the span adding the fewest bytes is dropped (the later one on a
//    tie) until they fit.
// 5. Each span cites its earliest occurrence: the lowest contribution id, then the lowest offset.
// Every step is a function of the index and the output, so the result is deterministic.
import type { ContributionFile, CorpusIndex } from './corpus.ts';

export interface FoundSpan {
  readonly outputStart: number;
  readonly length: number;
  /** Output bytes this span is paid for (not covered by the span before it). */
  readonly attributedBytes: number;
  readonly file: ContributionFile;
  /** Byte offset of the match in the contribution. */
  readonly offset: number;
}

export interface FindSpansOptions {
  /** Most spans to return (the chain's maxSpansPerRecord). */
  readonly maxSpans?: number;
}

export function findSpans(
  index: CorpusIndex,
  output: Uint8Array,
  minLength: number,
  opts: FindSpansOptions = {},
): FoundSpan[] {
  if (!Number.isSafeInteger(minLength) || minLength < 1)
    throw new RangeError('minLength must be a positive integer');
  const maximal: { start: number; end: number }[] = [];
  let previous = 0;
  for (let i = 0; i + minLength <= output.length; i++) {
    const length = longestMatch(index, output, i);
    if (length >= minLength && length >= previous) maximal.push({ start: i, end: i + length });
    previous = length;
  }

  const chosen = cover(maximal);
  const maxSpans = opts.maxSpans ?? Number.POSITIVE_INFINITY;
  while (chosen.length > maxSpans) chosen.splice(leastUseful(chosen), 1);

  let covered = 0;
  return chosen.map(({ start, end }) => {
    const attributedBytes = end - Math.max(start, covered);
    covered = end;
    const { file, offset } = index.locate(earliestOccurrence(index, output, start, end - start));
    return { outputStart: start, length: end - start, attributedBytes, file, offset };
  });
}

/** Fewest maximal spans covering the union of all of them (the input is sorted by start and end). */
function cover(spans: readonly { start: number; end: number }[]): { start: number; end: number }[] {
  const chosen: { start: number; end: number }[] = [];
  let k = 0;
  while (k < spans.length) {
    const current = spans[k]!;
    chosen.push(current);
    let next = k + 1;
    while (next + 1 < spans.length && spans[next + 1]!.start <= current.end) next++;
    k = next;
  }
  return chosen;
}

/** Index of the span whose removal loses the fewest covered bytes (the later one on a tie). */
function leastUseful(spans: readonly { start: number; end: number }[]): number {
  let worst = -1;
  let worstGain = Number.POSITIVE_INFINITY;
  spans.forEach((s, k) => {
    // Neighbours of a greedy cover never overlap each other, so this is what only span k covers.
    const from = Math.max(s.start, spans[k - 1]?.end ?? 0);
    const to = Math.min(s.end, spans[k + 1]?.start ?? s.end);
    const gain = Math.max(0, to - from);
    if (gain <= worstGain) {
      worst = k;
      worstGain = gain;
    }
  });
  return worst;
}

/**
 * Compares output[from + skip ..] with the suffix at `position` from `skip` on. Returns their common
 * prefix length and the sign of output-part minus suffix (0 when the whole output part matched)
 * packed as lcp * 4 + sign + 1: no tuple, since this runs a few dozen times per output byte. The
 * end of the suffix's file is smaller than every byte.
 */
function compare(
  index: CorpusIndex,
  output: Uint8Array,
  from: number,
  position: number,
  skip: number,
): number {
  const text = index.text;
  const limit = Math.min(output.length - from, index.endOf(position) - position);
  let k = skip;
  while (k < limit && output[from + k] === text[position + k]) k++;
  let sign: number;
  if (k === output.length - from) sign = 0;
  else if (k === limit) sign = 1;
  else sign = output[from + k]! < text[position + k]! ? -1 : 1;
  return k * 4 + sign + 1;
}

const lcpOf = (packed: number) => Math.floor(packed / 4);
const signOf = (packed: number) => (packed % 4) - 1;

/** Length of the longest prefix of output[from..] occurring in the corpus. */
function longestMatch(index: CorpusIndex, output: Uint8Array, from: number): number {
  const sa = index.suffixes;
  // Binary search for the insertion point of output[from..], remembering how much of it each bound
  // shares: the suffixes between the bounds share at least the smaller of the two (Manber-Myers).
  let lo = -1;
  let hi = sa.length;
  let lcpLo = 0;
  let lcpHi = 0;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    const packed = compare(index, output, from, sa[mid]!, Math.min(lcpLo, lcpHi));
    const lcp = lcpOf(packed);
    const sign = signOf(packed);
    if (sign === 0) return lcp;
    if (sign < 0) {
      hi = mid;
      lcpHi = lcp;
    } else {
      lo = mid;
      lcpLo = lcp;
    }
  }
  // The longest match is next to the insertion point.
  return Math.max(lo >= 0 ? lcpLo : 0, hi < sa.length ? lcpHi : 0);
}

/** Smallest text position (lowest contribution id, then offset) where output[from, from + length) occurs. */
function earliestOccurrence(index: CorpusIndex, output: Uint8Array, from: number, length: number): number {
  const sa = index.suffixes;
  const pattern = output.subarray(0, from + length);
  // First suffix not below the pattern, and first suffix above every string starting with it.
  const bound = (upper: boolean) => {
    let lo = 0;
    let hi = sa.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const sign = signOf(compare(index, pattern, from, sa[mid]!, 0));
      if (sign > 0 || (upper && sign === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let best = Number.POSITIVE_INFINITY;
  for (let r = bound(false), end = bound(true); r < end; r++) best = Math.min(best, sa[r]!);
  return best;
}
