import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, equalBytes, utf8ToBytes } from '../../core/bytes.ts';
import { ChunkTree, chunkLeafHash, verifyChunkPath } from '../../core/chunkTree.ts';
import { attribute, buildIndex, type ContributionFile, findSpans, proveSpan } from '../../prover/index.ts';

const text = (s: string) => utf8ToBytes(s);
const file = (id: bigint, s: string | Uint8Array, chunkSize = 16): ContributionFile => ({
  id,
  content: typeof s === 'string' ? text(s) : s,
  chunkSize,
});

const alpha = file(1n, 'The quick brown fox jumps over the lazy dog near the river bank.');
const beta = file(2n, 'Attribution pays contributors for every verbatim span they supplied.');
const gamma = file(3n, 'Nothing in this file is ever quoted by the model output in these tests.');

describe('findSpans', () => {
  it('finds the maximal spans of an output quoting two files, citing each', () => {
    const output = text(
      'Novel preamble. quick brown fox jumps over the lazy dog! And: pays contributors for every verbatim span.',
    );
    const spans = findSpans(buildIndex([alpha, beta, gamma]), output, 12);
    expect(
      spans.map((s) => [
        s.file.id,
        new TextDecoder().decode(output.subarray(s.outputStart, s.outputStart + s.length)),
      ]),
    ).toEqual([
      [1n, ' quick brown fox jumps over the lazy dog'],
      [2n, ' pays contributors for every verbatim span'],
    ]);
    for (const s of spans) {
      expect(
        equalBytes(
          output.subarray(s.outputStart, s.outputStart + s.length),
          s.file.content.subarray(s.offset, s.offset + s.length),
        ),
      ).toBe(true);
      expect(s.attributedBytes).toBe(s.length);
    }
  });

  it('ignores matches shorter than the minimum', () => {
    // "the lazy " (9 bytes) is in alpha, " every verb" (11 bytes) in beta.
    const output = text('the lazy cat, every verbose word');
    const index = buildIndex([alpha, beta]);
    expect(findSpans(index, output, 12)).toEqual([]);
    expect(findSpans(index, output, 11).map((s) => [s.file.id, s.length])).toEqual([[2n, 11]]);
    expect(findSpans(index, output, 9).map((s) => [s.file.id, s.length])).toEqual([
      [1n, 9],
      [2n, 11],
    ]);
  });

  it('never lets a match run from one contribution into the next', () => {
    const a = file(1n, 'first file ends with this phrase');
    const b = file(2n, 'and the second file starts here');
    const output = text('ends with this phraseand the second file');
    const spans = findSpans(buildIndex([a, b]), output, 8);
    expect(spans.map((s) => [s.file.id, s.outputStart, s.length])).toEqual([
      [1n, 0, 21],
      [2n, 21, 19],
    ]);
  });

  it('cites the earliest contribution holding a repeated passage, whatever order files are given in', () => {
    const shared = 'a passage that three contributors all submitted';
    // The longest match includes the space before the passage, which only 9 and 7 have.
    const files = [file(9n, `x ${shared} y`), file(4n, `${shared}!`), file(7n, `zz ${shared}`)];
    const output = text(`quote: ${shared}.`);
    for (const order of [files, [...files].reverse()]) {
      const [span] = findSpans(buildIndex(order), output, 10);
      expect(span).toMatchObject({ outputStart: 6, length: shared.length + 1, offset: 2 });
      expect(span!.file.id).toBe(7n);
    }
    const once = attribute(buildIndex(files), { modelId: 1n, output, minSpanLength: 10, maxSpans: 8 });
    const again = attribute(buildIndex([...files].reverse()), {
      modelId: 1n,
      output,
      minSpanLength: 10,
      maxSpans: 8,
    });
    expect(again.calldata).toBe(once.calldata);
  });

  it('covers overlapping maximal spans with as few spans as possible, earlier span first', () => {
    // "lazy dog near the river bank" continues "...over the lazy dog" in alpha, but the output
    // goes on with a different file's text that also starts inside the first quote.
    const c = file(5n, 'near the river bank, where otters play all day long');
    const output = text('jumps over the lazy dog near the river bank, where otters play');
    const spans = findSpans(buildIndex([alpha, c]), output, 10);
    expect(spans.map((s) => [s.file.id, s.outputStart, s.length, s.attributedBytes])).toEqual([
      [1n, 0, 43, 43],
      [5n, 24, 38, 19],
    ]);
  });

  it('keeps at most maxSpans, dropping the ones that add the fewest bytes', () => {
    const parts = ['alpha one two three four', 'beta five six seven eight nine', 'gamma ten'];
    const files = parts.map((p, i) => file(BigInt(i + 1), p));
    const output = text(`${parts[0]} | ${parts[1]} | ${parts[2]}`);
    const index = buildIndex(files);
    expect(findSpans(index, output, 8).map((s) => s.file.id)).toEqual([1n, 2n, 3n]);
    expect(findSpans(index, output, 8, { maxSpans: 2 }).map((s) => s.file.id)).toEqual([1n, 2n]);
    expect(findSpans(index, output, 8, { maxSpans: 1 }).map((s) => s.file.id)).toEqual([2n]);
  });

  it('agrees with a brute-force search on random corpora', () => {
    const bytes = (max: number) =>
      fc.uint8Array({ minLength: 1, maxLength: max }).map((b) => b.map((x) => 97 + (x % 3)));
    fc.assert(
      fc.property(
        fc.array(bytes(60), { minLength: 1, maxLength: 4 }),
        bytes(80),
        fc.integer({ min: 1, max: 6 }),
        (contents, output, minLength) => {
          const files = contents.map((content, i) => file(BigInt(i + 1), content, 8));
          const spans = findSpans(buildIndex(files), output, minLength);
          const covered = new Set<number>();
          for (const s of spans) {
            expect(s.length).toBeGreaterThanOrEqual(minLength);
            expect(
              equalBytes(
                output.subarray(s.outputStart, s.outputStart + s.length),
                s.file.content.subarray(s.offset, s.offset + s.length),
              ),
            ).toBe(true);
            for (let i = s.outputStart; i < s.outputStart + s.length; i++) covered.add(i);
          }
          // Exactly the output bytes inside some verbatim match of at least minLength are covered.
          const expected = new Set<number>();
          for (let i = 0; i < output.length; i++) {
            const best = Math.max(...files.map((f) => longestAt(f.content, output, i)));
            if (best >= minLength) for (let j = i; j < i + best; j++) expected.add(j);
          }
          expect([...covered].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
          expect(spans.reduce((sum, s) => sum + s.attributedBytes, 0)).toBe(expected.size);
        },
      ),
      { numRuns: 200 },
    );
  });
});

function longestAt(content: Uint8Array, output: Uint8Array, from: number): number {
  let best = 0;
  for (let o = 0; o < content.length; o++) {
    let k = 0;
    while (from + k < output.length && o + k < content.length && output[from + k] === content[o + k]) k++;
    best = Math.max(best, k);
  }
  return best;
}

describe('proveSpan', () => {
  it('carries every chunk a span touches, each with a path to the contribution root', () => {
    const content = text('0123456789abcdef'.repeat(4));
    const f = file(3n, content, 16);
    const index = buildIndex([f]);
    const output = text('>> cdef0123456789ab <<');
    const [span] = findSpans(index, output, 10);
    expect(span).toMatchObject({ outputStart: 3, length: 16, offset: 12 });
    const proof = proveSpan(index, span!);
    expect(proof).toMatchObject({
      contributionId: 3n,
      chunkIndex: 0n,
      chunkOffset: 12,
      outputStart: 3,
      length: 16,
    });
    expect(proof.chunks.length).toBe(2);
    const tree = new ChunkTree(content, 16);
    proof.chunks.forEach((chunk, j) => {
      expect(verifyChunkPath(tree.root, j, 4, chunkLeafHash(j, chunk), proof.paths[j]!)).toBe(true);
    });
    expect(equalBytes(concatBytes(...proof.chunks).subarray(12, 28), output.subarray(3, 19))).toBe(true);
  });
});
