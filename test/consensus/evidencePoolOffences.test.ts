// The evidence pool's bookkeeping in detail: what makes two pieces of evidence one offence (validator
// in any letter case, height, round, vote type), the proposal order among evidence of one height (by
// hash), how long committed offences are remembered, and the per-offender allowance freed by
// inclusion and by expiry but not by someone else's evidence.
import { describe, expect, it } from 'vitest';
import { EvidencePool } from '../../consensus/evidencePool.ts';
import type { Address } from '../../core/address.ts';
import { bytesToHex, type Hex } from '../../core/bytes.ts';
import { duplicateVoteEvidence, type Evidence, evidenceHash } from '../../core/evidence.ts';
import { PRECOMMIT, PREVOTE, type VoteType } from '../../core/vote.ts';
import { makeValidators, vote } from './harness/fixtures.ts';

const vals = makeValidators([1n, 1n, 1n, 1n], 'evo');
const H1 = `0x${'01'.repeat(32)}` as Hex;

function evidence(validator: number, height: number, round = 0, type: VoteType = PREVOTE): Evidence {
  return duplicateVoteEvidence(
    vote(vals[validator]!, type, height, round, null),
    vote(vals[validator]!, type, height, round, H1),
  );
}

const hex = (ev: Evidence) => bytesToHex(evidenceHash(ev));

describe('one offence', () => {
  it('is validator, height, round and vote type: any other differing makes a new one', () => {
    const pool = new EvidencePool(100, 20, 20);
    expect(pool.add(evidence(0, 5, 0, PREVOTE), 6)).toBe('added');
    expect(pool.add(evidence(0, 5, 0, PRECOMMIT), 6)).toBe('added');
    expect(pool.add(evidence(0, 5, 1, PREVOTE), 6)).toBe('added');
    expect(pool.add(evidence(0, 4, 0, PREVOTE), 6)).toBe('added');
    expect(pool.add(evidence(1, 5, 0, PREVOTE), 6)).toBe('added');
    expect(pool.size).toBe(5);
  });

  it('names its validator in any letter case', () => {
    const pool = new EvidencePool(100, 20, 1);
    const ev = evidence(0, 5);
    const upper = (e: Evidence): Evidence => ({
      ...e,
      voteA: { ...e.voteA, validator: `0x${e.voteA.validator.slice(2).toUpperCase()}` as Address },
      voteB: { ...e.voteB, validator: `0x${e.voteB.validator.slice(2).toUpperCase()}` as Address },
    });
    expect(pool.add(upper(ev), 6)).toBe('added');
    expect(pool.isKnown(ev)).toBe(true);
    expect(pool.add(ev, 6)).toBe('known');
    // Its allowance is one offender's, however the address is written.
    expect(pool.add(evidence(0, 5, 1), 6)).toBe('offenderLimit');
  });
});

describe('proposal order', () => {
  it('oldest height first, then by evidence hash', () => {
    const pool = new EvidencePool(100, 20, 20);
    const sameHeight = [0, 1, 2, 3].flatMap((v) => [0, 1].map((r) => evidence(v, 5, r)));
    const older = evidence(3, 4, 7);
    for (const ev of [...sameHeight, older].reverse()) pool.add(ev, 6);
    const byHash = [...sameHeight].sort((a, b) => (hex(a) < hex(b) ? -1 : 1));
    expect(pool.pending(20)).toEqual([older, ...byHash]);
    expect(pool.pending(3)).toEqual([older, ...byHash.slice(0, 2)]);
    expect(pool.pending(0)).toEqual([]);
  });
});

describe('committed offences', () => {
  it('are known until they could no longer be included, then forgotten', () => {
    const pool = new EvidencePool(10, 20, 20);
    const ev = evidence(0, 5);
    pool.add(ev, 6);
    pool.onBlockCommitted(6, [ev]);
    expect([pool.size, pool.isKnown(ev)]).toEqual([0, true]);
    // Height 5 + 10 is the last that may include it.
    pool.onBlockCommitted(14, []);
    expect(pool.isKnown(ev)).toBe(true);
    pool.onBlockCommitted(15, []);
    expect(pool.isKnown(ev)).toBe(false);
  });

  it('committed without having been pending, they are known too', () => {
    const pool = new EvidencePool(10, 20, 20);
    const ev = evidence(2, 5);
    pool.onBlockCommitted(6, [ev]);
    expect(pool.add(ev, 7)).toBe('known');
  });
});

describe('the per-offender allowance', () => {
  it('is freed when pending evidence expires', () => {
    const pool = new EvidencePool(10, 20, 1);
    expect(pool.add(evidence(0, 2), 3)).toBe('added');
    expect(pool.add(evidence(0, 3), 3)).toBe('offenderLimit');
    pool.onBlockCommitted(11, []);
    expect(pool.size).toBe(1);
    pool.onBlockCommitted(12, []);
    expect(pool.size).toBe(0);
    expect(pool.add(evidence(0, 13), 14)).toBe('added');
  });

  it("is not freed by a block including the offender's evidence that was not pending here", () => {
    const pool = new EvidencePool(10, 20, 2);
    pool.add(evidence(0, 5, 0), 6);
    pool.add(evidence(0, 5, 1), 6);
    pool.onBlockCommitted(6, [evidence(0, 5, 2), evidence(1, 5, 0)]);
    expect(pool.add(evidence(0, 5, 3), 7)).toBe('offenderLimit');
    // Freed one at a time, as its entries leave.
    pool.onBlockCommitted(7, [evidence(0, 5, 0)]);
    expect(pool.add(evidence(0, 5, 3), 8)).toBe('added');
    expect(pool.add(evidence(0, 5, 4), 8)).toBe('offenderLimit');
  });
});
