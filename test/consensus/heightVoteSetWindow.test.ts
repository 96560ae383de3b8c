// HeightVoteSet beyond the basics in voteSet.test.ts: the per-validator window of future rounds
// (a byzantine validator cannot make us open a vote set for every round number it can sign), and
// the round queries the engine's round-skip and commit rules rely on, whatever order votes arrive in.
import { describe, expect, it } from 'vitest';
import { HeightVoteSet } from '../../consensus/heightVoteSet.ts';
import { ValidatorSet } from '../../consensus/validatorSet.ts';
import type { Hex } from '../../core/bytes.ts';
import { PRECOMMIT, PREVOTE, VoteError } from '../../core/vote.ts';
import { makeValidators, plain, vote } from './harness/fixtures.ts';

const B = `0x${'bb'.repeat(32)}` as Hex;
const vals = makeValidators([1n, 1n, 1n, 1n], 'hvw');
const validators = new ValidatorSet(vals.map(plain));
const [v0, v1, v2] = [vals[0]!, vals[1]!, vals[2]!];

/** A height's votes at round 0, each validator allowed two rounds beyond the next one. */
const heightVotes = () => new HeightVoteSet(7n, 1, validators, 2);

describe('HeightVoteSet: future-round window', () => {
  it('lets each validator open only so many rounds beyond the next one', () => {
    const h = heightVotes();
    expect(h.add(vote(v0, PREVOTE, 1, 5, null)).status).toBe('added');
    expect(h.add(vote(v0, PREVOTE, 1, 6, null)).status).toBe('added');
    const third = vote(v0, PREVOTE, 1, 7, null);
    expect(h.inWindow(third)).toBe(false);
    expect(h.add(third)).toEqual({ status: 'out-of-window' });
    expect(h.prevotes(7)).toBeUndefined();
    // A round it already opened, the current and the next round stay open to it.
    expect(h.add(vote(v0, PRECOMMIT, 1, 5, B)).status).toBe('added');
    expect(h.add(vote(v0, PREVOTE, 1, 0, null)).status).toBe('added');
    expect(h.add(vote(v0, PREVOTE, 1, 1, null)).status).toBe('added');
    // Other validators have their own window.
    expect(h.add(vote(v1, PREVOTE, 1, 7, null)).status).toBe('added');
    expect(h.prevotes(7)?.powerFor(null)).toBe(1n);
  });

  it('moves with the round: rounds up to the next one no longer count as future', () => {
    const h = heightVotes();
    h.add(vote(v0, PREVOTE, 1, 5, null));
    h.add(vote(v0, PREVOTE, 1, 6, null));
    h.setRound(4); // round 5 is the next round now: only round 6 is in the future
    expect(h.add(vote(v0, PREVOTE, 1, 9, null)).status).toBe('added');
    expect(h.inWindow(vote(v0, PREVOTE, 1, 10, null))).toBe(false);
    h.setRound(9);
    expect(h.inWindow(vote(v0, PREVOTE, 1, 10, null))).toBe(true);
    expect(h.inWindow(vote(v0, PREVOTE, 1, 12, null))).toBe(true);
  });

  it('does not charge a duplicate or an out-of-window vote to the round-skip power', () => {
    const h = heightVotes();
    const v = vote(v0, PREVOTE, 1, 3, null);
    h.add(v);
    expect(h.add(v)).toEqual({ status: 'duplicate' });
    h.add(vote(v2, PREVOTE, 1, 3, null), true);
    expect(h.skipRound(0)).toBe(3); // two of four: more than one third
    expect(h.skipRound(2)).toBe(3);
    // v1 has used its two future rounds; its vote for round 8 is dropped, v0's alone is 1/4.
    h.add(vote(v1, PREVOTE, 1, 5, null));
    h.add(vote(v1, PREVOTE, 1, 6, null));
    expect(h.add(vote(v1, PREVOTE, 1, 8, null))).toEqual({ status: 'out-of-window' });
    expect(h.add(vote(v0, PREVOTE, 1, 8, null)).status).toBe('added');
    expect(h.skipRound(3)).toBe(-1);
  });
});

describe('HeightVoteSet: queries', () => {
  it('finds a vote by type and round', () => {
    const h = heightVotes();
    const prevote = vote(v0, PREVOTE, 1, 2, B);
    h.add(prevote);
    expect(h.has(prevote)).toBe(true);
    expect(h.has({ ...prevote, blockHash: null })).toBe(false);
    expect(h.has({ ...prevote, type: PRECOMMIT })).toBe(false);
    expect(h.has({ ...prevote, round: 3 })).toBe(false);
    expect(h.get(PREVOTE, 2)?.type).toBe(PREVOTE);
    expect(h.get(PRECOMMIT, 2)?.type).toBe(PRECOMMIT);
    expect(h.get(PREVOTE, 2)?.powerFor(B)).toBe(1n);
    expect(h.get(PRECOMMIT, 2)?.powerFor(B)).toBe(0n);
    expect(h.precommits(2)?.round).toBe(2);
  });

  it('has no vote sets for a round nobody voted in', () => {
    const h = heightVotes();
    expect(h.prevotes(9)).toBeUndefined();
    expect(h.precommits(9)).toBeUndefined();
    expect(h.get(PRECOMMIT, 9)).toBeUndefined();
  });

  it('refuses a vote of another height before opening its round', () => {
    const h = heightVotes();
    expect(() => h.add(vote(v0, PREVOTE, 2, 1, null))).toThrow(
      expect.objectContaining({ code: 'MALFORMED', message: 'vote for height 2 added to height 1' }),
    );
    expect(h.prevotes(1)).toBeUndefined();
  });

  it('counts a vote the caller verified without checking its signature again', () => {
    const h = heightVotes();
    const unchecked = { ...vote(v0, PRECOMMIT, 1, 0, B), signature: new Uint8Array(64) };
    expect(h.add(unchecked, true).status).toBe('added');
    expect(h.precommits(0)?.powerFor(B)).toBe(1n);
    expect(() => h.add({ ...unchecked, validator: v1.address })).toThrow(VoteError);
  });

  it('verify throws for a forged vote and passes a real one', () => {
    const h = heightVotes();
    expect(() => h.verify(vote(v0, PREVOTE, 1, 0, B))).not.toThrow();
    expect(() => h.verify({ ...vote(v0, PREVOTE, 1, 0, B), blockHash: null })).toThrow(VoteError);
  });

  it('skips to the highest qualifying round whatever order the rounds arrived in', () => {
    const h = heightVotes();
    for (const v of [v0, v1]) h.add(vote(v, PREVOTE, 1, 3, null));
    for (const v of [v0, v1]) h.add(vote(v, PREVOTE, 1, 2, null));
    expect(h.skipRound(0)).toBe(3);
    expect(h.skipRound(2)).toBe(3);
  });

  it('lists committed rounds in ascending order whatever order they arrived in', () => {
    const h = heightVotes();
    for (const round of [2, 0, 1]) {
      for (const v of [v0, v1, v2]) h.add(vote(v, PRECOMMIT, 1, round, B));
    }
    expect(h.committedRounds().map((c) => c.round)).toEqual([0, 1, 2]);
  });
});
