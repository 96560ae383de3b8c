// The evidence pool: deduplication, deterministic order, inclusion and expiry.
import { describe, expect, it } from 'vitest';
import { EvidencePool } from '../../consensus/evidencePool.ts';
import type { Hex } from '../../core/bytes.ts';
import { duplicateVoteEvidence } from '../../core/evidence.ts';
import { PREVOTE } from '../../core/vote.ts';
import { makeValidators, vote } from './harness/fixtures.ts';

const vals = makeValidators([1n, 1n, 1n], 'ev');
const H1 = `0x${'01'.repeat(32)}` as Hex;

function evidence(validator: number, height: number, round = 0) {
  return duplicateVoteEvidence(
    vote(vals[validator]!, PREVOTE, height, round, null),
    vote(vals[validator]!, PREVOTE, height, round, H1),
  );
}

describe('EvidencePool', () => {
  it('deduplicates and orders by height, then hash', () => {
    const pool = new EvidencePool(100, 10, 4);
    expect(pool.add(evidence(0, 5), 6)).toBe('added');
    expect(pool.add(evidence(0, 5), 6)).toBe('known');
    expect(pool.add(evidence(1, 3), 6)).toBe('added');
    expect(pool.add(evidence(2, 5), 6)).toBe('added');
    const heights = pool.pending(10).map((e) => e.voteA.height);
    expect(heights).toEqual([3, 5, 5]);
    expect(pool.pending(1)).toHaveLength(1);
    // Insertion order does not matter.
    const other = new EvidencePool(100, 10, 4);
    for (const e of [evidence(2, 5), evidence(1, 3), evidence(0, 5)]) other.add(e, 6);
    expect(other.pending(10)).toEqual(pool.pending(10));
  });

  it('removes what a block includes and does not take it again', () => {
    const pool = new EvidencePool(100, 10, 4);
    pool.add(evidence(0, 5), 6);
    pool.add(evidence(1, 5), 6);
    pool.onBlockCommitted(6, [evidence(0, 5)]);
    expect(pool.pending(10)).toEqual([evidence(1, 5)]);
    expect(pool.add(evidence(0, 5), 7)).toBe('known');
  });

  it('one offence is one piece of evidence, whichever votes prove it', () => {
    const pool = new EvidencePool(100, 10, 4);
    expect(pool.add(evidence(0, 5), 6)).toBe('added');
    const H2 = `0x${'02'.repeat(32)}` as Hex;
    const otherPair = duplicateVoteEvidence(
      vote(vals[0]!, PREVOTE, 5, 0, H1),
      vote(vals[0]!, PREVOTE, 5, 0, H2),
    );
    expect(pool.isKnown(otherPair)).toBe(true);
    expect(pool.add(otherPair, 6)).toBe('known');
    expect(pool.size).toBe(1);
  });

  it("one offender cannot fill the pool: other validators' evidence is still taken", () => {
    const pool = new EvidencePool(100, 4, 2);
    expect(pool.add(evidence(0, 5, 0), 6)).toBe('added');
    expect(pool.add(evidence(0, 5, 1), 6)).toBe('added');
    for (let round = 2; round < 10; round++) expect(pool.add(evidence(0, 5, round), 6)).toBe('offenderLimit');
    expect(pool.add(evidence(1, 5), 6)).toBe('added');
    expect(pool.add(evidence(2, 5), 6)).toBe('added');
    // Once a block includes its evidence, the offender's next offence fits again.
    pool.onBlockCommitted(6, [evidence(0, 5, 0)]);
    expect(pool.add(evidence(0, 5, 2), 7)).toBe('added');
  });

  it('drops evidence older than the maximum age, and is bounded', () => {
    const pool = new EvidencePool(10, 2, 4);
    expect(pool.add(evidence(0, 1), 12)).toBe('expired');
    expect(pool.add(evidence(0, 2), 12)).toBe('added');
    expect(pool.add(evidence(1, 2), 12)).toBe('added');
    expect(pool.add(evidence(2, 2), 12)).toBe('full');
    // Height h + maxAge is the last height that may include evidence of height h.
    pool.onBlockCommitted(11, []);
    expect(pool.size).toBe(2);
    pool.onBlockCommitted(12, []);
    expect(pool.size).toBe(0);
  });
});
