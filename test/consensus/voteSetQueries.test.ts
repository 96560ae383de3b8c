// VoteSet beyond the basics in voteSet.test.ts: which block stays the +2/3 majority when
// equivocators push a second one over, what counts as the same vote, trusted (already verified)
// votes, and the per-block views a commit and gossip are built from.
import { describe, expect, it } from 'vitest';
import { ValidatorSet } from '../../consensus/validatorSet.ts';
import { VoteSet, verifyVote } from '../../consensus/voteSet.ts';
import type { Hex } from '../../core/bytes.ts';
import { PRECOMMIT, PREVOTE } from '../../core/vote.ts';
import { makeValidators, plain, vote } from './harness/fixtures.ts';

const B = `0x${'bb'.repeat(32)}` as Hex;
const C = `0x${'cc'.repeat(32)}` as Hex;
const vals = makeValidators([1n, 1n, 1n, 1n], 'vsq');
const validators = new ValidatorSet(vals.map(plain));
const precommits = () => new VoteSet(7n, 5, 2, PRECOMMIT, validators);

describe('VoteSet majority under equivocation', () => {
  it('keeps the first block to reach +2/3 when equivocators give a second block +2/3 too', () => {
    const set = precommits();
    for (const v of vals.slice(0, 3)) set.add(vote(v, PRECOMMIT, 5, 2, B));
    for (const v of vals.slice(0, 3)) expect(set.add(vote(v, PRECOMMIT, 5, 2, C)).status).toBe('conflict');
    expect(set.powerFor(C)).toBe(3n);
    expect(set.twoThirdsMajority()).toBe(B);
    expect(set.makeCommit().blockHash).toBe(B);
    expect(set.anyPower).toBe(3n);
  });

  it('pairs the first conflicting vote with the validator first vote as evidence; later ones are excess', () => {
    const set = precommits();
    const first = vote(vals[0]!, PRECOMMIT, 5, 2, B);
    const second = vote(vals[0]!, PRECOMMIT, 5, 2, C);
    set.add(first);
    const conflict = set.add(second);
    if (conflict.status !== 'conflict') throw new Error(`expected a conflict, got ${conflict.status}`);
    const pair = [conflict.evidence.voteA, conflict.evidence.voteB].map((v) => v.blockHash);
    expect(pair).toContain(B);
    expect(pair).toContain(C);
    expect(set.add(second)).toEqual({ status: 'duplicate' });
    expect(set.has(second)).toBe(true);
    // One offence is one piece of evidence: a third vote of the same step is neither kept nor paired.
    const third = vote(vals[0]!, PRECOMMIT, 5, 2, null);
    expect(set.add(third)).toEqual({ status: 'excess' });
    expect(set.has(third)).toBe(false);
  });
});

describe('VoteSet queries', () => {
  it('knows a vote by validator and block, whatever the letter case of the hash', () => {
    const set = precommits();
    const v = vote(vals[0]!, PRECOMMIT, 5, 2, B);
    set.add(v);
    expect(set.has(v)).toBe(true);
    expect(set.has({ ...v, blockHash: B.toUpperCase().replace('0X', '0x') as Hex })).toBe(true);
    expect(set.has({ ...v, blockHash: C })).toBe(false);
    expect(set.has({ ...v, validator: vals[1]!.address })).toBe(false);
    expect(set.powerFor(B.toUpperCase().replace('0X', '0x') as Hex)).toBe(1n);
  });

  it('counts a vote the caller verified without checking its signature, but never a non-member', () => {
    const set = precommits();
    const unchecked = { ...vote(vals[0]!, PRECOMMIT, 5, 2, B), signature: new Uint8Array(64) };
    expect(set.add(unchecked, true).status).toBe('added');
    expect(set.powerFor(B)).toBe(1n);
    const outsider = makeValidators([1n], 'vsq-out')[0]!;
    expect(() => set.add(vote(outsider, PRECOMMIT, 5, 2, B), true)).toThrow(
      expect.objectContaining({
        code: 'UNKNOWN_VALIDATOR',
        message: `${outsider.address} is not a validator`,
      }),
    );
    expect(set.anyPower).toBe(1n);
  });

  it('lists the votes for one block sorted by validator, an equivocator with its vote for that block', () => {
    const set = precommits();
    const byAddress = [...vals].sort((a, b) => (a.address < b.address ? -1 : 1));
    for (const v of [...byAddress].reverse()) set.add(vote(v, PRECOMMIT, 5, 2, B));
    const equivocation = vote(byAddress[0]!, PRECOMMIT, 5, 2, C);
    set.add(equivocation);
    expect(set.votesFor(B).map((v) => v.validator)).toEqual(byAddress.map((v) => v.address));
    expect(set.votesFor(C)).toEqual([equivocation]);
    expect(set.votesFor(null)).toEqual([]);
    expect(set.makeCommit().signatures.map((s) => s.validator)).toEqual(byAddress.map((v) => v.address));
  });

  it('makes commits from precommits only', () => {
    const set = new VoteSet(7n, 5, 2, PREVOTE, validators);
    for (const v of vals) set.add(vote(v, PREVOTE, 5, 2, B));
    expect(set.twoThirdsMajority()).toBe(B);
    expect(() => set.makeCommit()).toThrow(
      expect.objectContaining({
        code: 'INSUFFICIENT_POWER',
        message: 'no +2/3 precommits for a block at 5/2',
      }),
    );
  });

  it('verifyVote returns the signer, and says which vote it refuses and why', () => {
    const v = vote(vals[2]!, PREVOTE, 5, 2, null);
    expect(verifyVote(7n, v, validators)).toEqual(plain(vals[2]!));
    const outsider = makeValidators([1n], 'vsq-out')[0]!;
    expect(() => verifyVote(7n, vote(outsider, PREVOTE, 5, 2, null), validators)).toThrow(
      `${outsider.address} is not a validator at height 5`,
    );
    expect(() => verifyVote(7n, { ...v, blockHash: B }, validators)).toThrow(
      `vote signature of ${vals[2]!.address} does not verify`,
    );
  });

  it('refuses a validly signed vote of another height, round or type, naming both', () => {
    const set = precommits();
    expect(() => set.add(vote(vals[0]!, PRECOMMIT, 6, 2, B))).toThrow(
      'vote for 6/2/2 added to the set of 5/2/2',
    );
    expect(set.anyPower).toBe(0n);
  });
});
