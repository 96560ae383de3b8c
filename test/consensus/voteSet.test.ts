// Vote sets: verification against the validator set, +2/3 detection in voting power (block, nil,
// any), equivocation turned into evidence, commits that verify.
import { describe, expect, it } from 'vitest';
import { HeightVoteSet } from '../../consensus/heightVoteSet.ts';
import { ValidatorSet } from '../../consensus/validatorSet.ts';
import { VoteSet } from '../../consensus/voteSet.ts';
import type { Hex } from '../../core/bytes.ts';
import { verifyDuplicateVote } from '../../core/evidence.ts';
import { PRECOMMIT, PREVOTE, VoteError, verifyCommit } from '../../core/vote.ts';
import { makeValidators, plain, vote } from './harness/fixtures.ts';

const B = `0x${'bb'.repeat(32)}` as Hex;
const C = `0x${'cc'.repeat(32)}` as Hex;

function setup(powers: bigint[] = [1n, 1n, 1n, 1n]) {
  const vals = makeValidators(powers, 'vs');
  const validators = new ValidatorSet(vals.map(plain));
  const set = new VoteSet(7n, 5, 2, PRECOMMIT, validators);
  return { vals, validators, set };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof VoteError ? err.code : 'other';
  }
  return undefined;
}

describe('VoteSet', () => {
  it('verifies signer membership, signature and (height, round, type)', () => {
    const { vals, set } = setup();
    const outsider = makeValidators([1n], 'outsider')[0]!;
    expect(codeOf(() => set.add(vote(outsider, PRECOMMIT, 5, 2, B)))).toBe('UNKNOWN_VALIDATOR');
    const forged = { ...vote(vals[0]!, PRECOMMIT, 5, 2, B), blockHash: C };
    expect(codeOf(() => set.add(forged))).toBe('BAD_SIGNATURE');
    expect(codeOf(() => set.add(vote(vals[0]!, PRECOMMIT, 5, 2, B, 8n)))).toBe('BAD_SIGNATURE'); // other chain
    expect(codeOf(() => set.add(vote(vals[0]!, PREVOTE, 5, 2, B)))).toBe('MALFORMED');
    expect(codeOf(() => set.add(vote(vals[0]!, PRECOMMIT, 5, 3, B)))).toBe('MALFORMED');
    expect(set.anyPower).toBe(0n);
  });

  it('detects +2/3 for a block only above two thirds, and +2/3 any', () => {
    const { vals, set } = setup();
    set.add(vote(vals[0]!, PRECOMMIT, 5, 2, B));
    set.add(vote(vals[1]!, PRECOMMIT, 5, 2, B));
    expect(set.twoThirdsMajority()).toBeUndefined();
    set.add(vote(vals[2]!, PRECOMMIT, 5, 2, null));
    expect(set.hasTwoThirdsAny()).toBe(true);
    expect(set.twoThirdsMajority()).toBeUndefined();
    set.add(vote(vals[3]!, PRECOMMIT, 5, 2, B));
    expect(set.twoThirdsMajority()).toBe(B);
    expect(set.powerFor(B)).toBe(3n);
    expect(set.powerFor(null)).toBe(1n);
  });

  it('+2/3 for nil', () => {
    const { vals, set } = setup();
    for (const v of vals.slice(0, 3)) set.add(vote(v, PRECOMMIT, 5, 2, null));
    expect(set.twoThirdsMajority()).toBeNull();
  });

  it('weighs by power: exactly two thirds is not enough', () => {
    const { vals, set } = setup([2n, 1n, 3n]); // total 6
    const [a, b, c] = vals;
    set.add(vote(c!, PRECOMMIT, 5, 2, B)); // 3
    set.add(vote(b!, PRECOMMIT, 5, 2, B)); // 4 = exactly 2/3
    expect(set.twoThirdsMajority()).toBeUndefined();
    set.add(vote(a!, PRECOMMIT, 5, 2, null));
    expect(set.twoThirdsMajority()).toBeUndefined();
    expect(set.hasTwoThirdsAny()).toBe(true);
  });

  it('duplicates are not counted twice; equivocation becomes verifiable evidence', () => {
    const { vals, validators, set } = setup();
    const first = vote(vals[0]!, PRECOMMIT, 5, 2, B);
    expect(set.add(first).status).toBe('added');
    expect(set.add(first).status).toBe('duplicate');
    const second = vote(vals[0]!, PRECOMMIT, 5, 2, C);
    const result = set.add(second);
    expect(result.status).toBe('conflict');
    if (result.status !== 'conflict') return;
    expect(() => verifyDuplicateVote(7n, result.evidence, validators.get(vals[0]!.address)!)).not.toThrow();
    expect(set.anyPower).toBe(1n);
    // The second vote counts for its block too; a third block is neither stored nor new evidence.
    expect(set.powerFor(C)).toBe(1n);
    const third = vote(vals[0]!, PRECOMMIT, 5, 2, null);
    expect(set.isExcess(third)).toBe(true);
    expect(set.add(third).status).toBe('excess');
    expect(set.powerFor(null)).toBe(0n);
    expect(set.voteOf(vals[0]!.address)).toEqual(first);
  });

  it('makes a commit certificate that verifyCommit accepts', () => {
    const { vals, validators, set } = setup();
    for (const v of vals.slice(1)) set.add(vote(v, PRECOMMIT, 5, 2, B));
    set.add(vote(vals[0]!, PRECOMMIT, 5, 2, null));
    const commit = set.makeCommit();
    expect(commit).toMatchObject({ height: 5, round: 2, blockHash: B });
    expect(commit.signatures).toHaveLength(3);
    expect(() => verifyCommit(7n, commit, validators.validators)).not.toThrow();
  });

  it('refuses to make a commit without a block majority', () => {
    const { vals, set } = setup();
    for (const v of vals.slice(1)) set.add(vote(v, PRECOMMIT, 5, 2, null));
    expect(codeOf(() => set.makeCommit())).toBe('INSUFFICIENT_POWER');
  });
});

describe('HeightVoteSet', () => {
  it('skip rounds: the highest round where +1/3 of the power has any vote', () => {
    const vals = makeValidators([1n, 1n, 1n, 1n], 'hvs');
    const h = new HeightVoteSet(7n, 1, new ValidatorSet(vals.map(plain)), 2);
    h.add(vote(vals[0]!, PREVOTE, 1, 1, null));
    h.add(vote(vals[0]!, PRECOMMIT, 1, 1, null)); // the same validator twice is still 1/4
    expect(h.skipRound(0)).toBe(-1);
    h.add(vote(vals[1]!, PRECOMMIT, 1, 1, B));
    expect(h.skipRound(0)).toBe(1);
    h.add(vote(vals[2]!, PREVOTE, 1, 3, null));
    h.add(vote(vals[3]!, PREVOTE, 1, 3, null));
    expect(h.skipRound(0)).toBe(3);
    expect(h.skipRound(3)).toBe(-1);
  });

  it('a bad vote is refused before any round is allocated for it', () => {
    const vals = makeValidators([1n, 1n, 1n, 1n], 'hvs');
    const h = new HeightVoteSet(7n, 1, new ValidatorSet(vals.map(plain)), 2);
    const stranger = makeValidators([1n], 'stranger')[0]!;
    expect(codeOf(() => h.add(vote(stranger, PREVOTE, 1, 1_000_000, null)))).toBe('UNKNOWN_VALIDATOR');
    expect(codeOf(() => h.add({ ...vote(vals[0]!, PREVOTE, 1, 999, null), blockHash: C }))).toBe(
      'BAD_SIGNATURE',
    );
    expect(codeOf(() => h.add(vote(vals[0]!, PREVOTE, 2, 0, null)))).toBe('MALFORMED');
    expect(h.prevotes(1_000_000)).toBeUndefined();
    expect(h.prevotes(999)).toBeUndefined();
  });

  it('lists the rounds with +2/3 precommits for a block, in order', () => {
    const vals = makeValidators([1n, 1n, 1n, 1n], 'hvs');
    const h = new HeightVoteSet(7n, 1, new ValidatorSet(vals.map(plain)), 2);
    for (const v of vals.slice(0, 3)) h.add(vote(v, PRECOMMIT, 1, 1, C));
    for (const v of vals.slice(0, 3)) h.add(vote(v, PRECOMMIT, 1, 0, null));
    expect(h.committedRounds()).toEqual([{ round: 1, blockHash: C }]);
  });
});
