import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ngramScores, normalize } from '../../../node/attestation/ngram.ts';
import { MAX_SCORE } from '../../../node/attestation/scorer.ts';

const text = (s: string) => new TextEncoder().encode(s);
/** Bytes drawn from a small alphabet of letters, digits, spaces, punctuation and a UTF-8 letter, so texts share grams. */
const prose = fc
  .array(fc.constantFrom(...['a', 'b', 'C', 'd', '1', ' ', ' ', ',', '.\n', 'é'].map(text)), {
    maxLength: 120,
  })
  .map((parts) => Uint8Array.from(parts.flatMap((p) => [...p])));

describe('normalize', () => {
  it('lowercases ASCII letters, keeps digits and UTF-8, makes each run of other bytes one space', () => {
    expect(new TextDecoder().decode(normalize(text('Hello,  World!\n\tÉtat 42')))).toBe(
      'hello world État 42',
    );
  });

  it('keeps a verbatim quote a substring', () => {
    fc.assert(
      fc.property(prose, prose, prose, (before, quote, after) => {
        const inner = Buffer.from(normalize(quote));
        const outer = Buffer.from(normalize(Buffer.concat([before, quote, after])));
        expect(outer.includes(inner)).toBe(true);
      }),
    );
  });
});

describe('the built-in n-gram scorer', () => {
  it('scores the share of the output 5-grams a content holds (a worked example)', () => {
    // normalize("The cat sat.") = "the cat sat " : 8 distinct 5-grams;
    // "the cat ran" holds "the c", "he ca", "e cat", " cat " (4 of 8).
    expect(
      ngramScores(text('The cat sat.'), [text('the cat ran'), text('THE CAT SAT'), text('dog')]),
    ).toEqual([5000, 8750, 0]);
  });

  it('gives a content holding the output verbatim the top score, and no other content more', () => {
    fc.assert(
      fc.property(prose, prose, prose, fc.array(prose, { maxLength: 4 }), (output, before, after, others) => {
        fc.pre(output.length > 0);
        const scores = ngramScores(output, [Buffer.concat([before, output, after]), ...others]);
        expect(scores[0]).toBe(MAX_SCORE);
        for (const s of scores) expect(s).toBeLessThanOrEqual(scores[0]!);
      }),
    );
  });

  it('scores empty content 0, and everything 0 for an empty output', () => {
    fc.assert(
      fc.property(prose, (output) => {
        expect(ngramScores(output, [new Uint8Array(0)])).toEqual([0]);
        expect(ngramScores(new Uint8Array(0), [output])).toEqual([0]);
      }),
    );
  });

  it('permuting the candidates permutes the scores, each an integer in [0, 10000]', () => {
    fc.assert(
      fc.property(
        prose,
        fc
          .array(prose, { minLength: 1, maxLength: 6 })
          .chain((contents) =>
            fc.tuple(
              fc.constant(contents),
              fc.shuffledSubarray([...contents.keys()], { minLength: contents.length }),
            ),
          ),
        (output, [contents, order]) => {
          const scores = ngramScores(output, contents);
          expect(
            ngramScores(
              output,
              order.map((i) => contents[i]!),
            ),
          ).toEqual(order.map((i) => scores[i]));
          for (const s of scores) {
            expect(Number.isInteger(s)).toBe(true);
            expect(s).toBeGreaterThanOrEqual(0);
            expect(s).toBeLessThanOrEqual(MAX_SCORE);
          }
        },
      ),
    );
  });

  it('compares a short output whole', () => {
    expect(ngramScores(text('Hi!'), [text('oh hi there'), text('high')])).toEqual([MAX_SCORE, 0]);
  });
});
