// The canonical attribution from the prover's side (docs/attribution.md, "Canonical attribution"):
// every output byte to the earliest-registered contribution that covers it with a verbatim match of
// at least minSpanLength bytes. findSpans over the whole corpus cites, for each maximal match, the
// earliest file holding all of it; a part of the match held by an earlier file would be left to the
// later copy. So each file is matched on its own, every byte goes to the earliest file matching it
// (the chain's own function, canonicalSegments), and a file's spans are kept where they own a byte.
// The chain computes the same attribution from exactly these spans.
import {
  bytesMoved,
  canonicalSegments,
  ownedBytes,
  type Segment,
} from '../state/modules/attribution/canonical.ts';
import { buildIndex, type CorpusIndex } from './corpus.ts';
import { type FoundSpan, findSpans } from './spans.ts';

const perFile = new WeakMap<CorpusIndex, CorpusIndex[]>();

/** One index per file of the corpus (built once per corpus). */
function fileIndexes(index: CorpusIndex): CorpusIndex[] {
  let list = perFile.get(index);
  if (!list) {
    list = index.files.map((f) => buildIndex([f]));
    perFile.set(index, list);
  }
  return list;
}

const toSegment = (s: FoundSpan): Segment => ({
  outputStart: s.outputStart,
  length: s.length,
  contributionId: s.file.id,
});

/**
 * Spans whose canonical attribution gives every output byte to its earliest source, in the chain's
 * canonical order (outputStart ascending, length descending, contribution id ascending). With more
 * than maxSpans, the spans owning the fewest bytes are dropped (a challenge can add them later).
 */
export function canonicalSpans(
  index: CorpusIndex,
  output: Uint8Array,
  minLength: number,
  maxSpans = Number.POSITIVE_INFINITY,
): FoundSpan[] {
  const candidates = fileIndexes(index).flatMap((fileIndex) => findSpans(fileIndex, output, minLength));
  const segments = canonicalSegments(candidates.map(toSegment));
  const owned = (s: FoundSpan) =>
    segments.reduce((sum, g) => {
      if (g.contributionId !== s.file.id) return sum;
      const from = Math.max(g.outputStart, s.outputStart);
      const to = Math.min(g.outputStart + g.length, s.outputStart + s.length);
      return sum + Math.max(0, to - from);
    }, 0);
  let kept = candidates.map((s) => ({ s, owns: owned(s) })).filter((k) => k.owns > 0);
  if (kept.length > maxSpans) {
    kept = [...kept].sort((a, b) => b.owns - a.owns || a.s.outputStart - b.s.outputStart).slice(0, maxSpans);
  }
  const ordered = kept.map((k) => k.s).sort(canonicalOrder);
  const shares = ownedBytes(ordered.map(toSegment), canonicalSegments(ordered.map(toSegment)));
  return ordered.map((s, i) => ({ ...s, attributedBytes: shares[i]! }));
}

function canonicalOrder(a: FoundSpan, b: FoundSpan): number {
  if (a.outputStart !== b.outputStart) return a.outputStart - b.outputStart;
  if (a.length !== b.length) return b.length - a.length;
  return a.file.id < b.file.id ? -1 : a.file.id > b.file.id ? 1 : 0;
}

/**
 * The spans (of `better`, in its order) that change the recorded attribution `recorded`: what a
 * challenge must carry. Empty when the record is already as good as the prover's.
 */
export function improvingSpans(
  recorded: readonly Segment[],
  better: readonly FoundSpan[],
  maxSpans: number,
): FoundSpan[] {
  const chosen: FoundSpan[] = [];
  let current = canonicalSegments(recorded);
  for (const s of better) {
    if (chosen.length === maxSpans) break;
    const next = canonicalSegments([...current, toSegment(s)]);
    if (bytesMoved(current, next) === 0) continue;
    chosen.push(s);
    current = next;
  }
  return chosen;
}
