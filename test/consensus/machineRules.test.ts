// The guards of the Tendermint rules that the main scenarios do not reach: who is asked to propose
// and vote, a POL only from an earlier round, a lock kept by a re-proposal of the locked block with an
// older POL, L36 only once prevoting, deciding ends the height's actions, conflicting votes still
// count, votes are signature-checked unless the engine did it, and the round window follows the round.
import { describe, expect, it } from 'vitest';
import { PRECOMMIT, PREVOTE, VoteError } from '../../core/vote.ts';
import { makeValidators, plain, proposerOrder, vote } from './harness/fixtures.ts';
import { hashOf, ownVotes, scheduled, setup } from './harness/machineDriver.ts';

describe('who acts', () => {
  it('a validator that is not the proposer is only given the propose timeout', () => {
    const t = setup();
    expect(t.start()).toEqual([{ kind: 'schedule', timeout: { height: 1, round: 0, step: 'propose' } }]);
  });

  it('a node that is not a validator follows the height without proposing or voting', () => {
    // Left out of the set it would be the proposer of round 0.
    const vals = makeValidators([1n, 1n, 1n, 1n], 'machine');
    const t = setup({ observer: true, me: proposerOrder(vals.map(plain), 1)[0]! });
    expect(t.m.self).toBeNull();
    expect(t.start().map((a) => a.kind)).toEqual(['schedule']);
    const b = t.block(1);
    t.votes(t.others, PREVOTE, 0, null);
    expect(t.timeout('propose', 0).map((a) => a.kind)).toEqual(['schedule']);
    expect(t.m.step).toBe('precommit');
    const decided = t.votes(t.others, PRECOMMIT, 0, hashOf(b));
    expect(decided.filter((a) => a.kind === 'vote')).toEqual([]);
    expect(t.propose(b, 0).map((a) => a.kind)).toEqual(['decide']);
  });

  it('transactions arriving while not waiting for them change nothing', () => {
    const t = setup();
    t.start();
    expect(t.m.txsAvailable()).toEqual([]);
    expect(t.m.step).toBe('propose');
  });
});

describe('prevoting a re-proposal (L28)', () => {
  it('a POL must come from an earlier round than the proposal', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    t.votes(t.others, PREVOTE, 0, hashOf(b));
    expect(ownVotes(t.propose(b, 0, 0))).toEqual([]);
    expect(t.m.step).toBe('propose');
  });

  it('an invalid block is prevoted nil even with a POL', () => {
    const t = setup();
    t.start();
    const c = t.block(2);
    t.propose(c, 0, -1, { valid: false });
    t.votes(t.others, PREVOTE, 0, hashOf(c));
    t.timeout('prevote', 0);
    t.votes(t.others, PRECOMMIT, 0, null);
    t.timeout('precommit', 0);
    expect(ownVotes(t.propose(c, 1, 0, { valid: false }))).toEqual([
      { type: 'prevote', round: 1, hash: null },
    ]);
  });

  it('a POL newer than the lock unlocks: another block re-proposed with it is prevoted', () => {
    const t = setup();
    t.start();
    const [b, c] = [t.block(1), t.block(2)];
    // Round 0: we lock on b; the others precommit nil.
    t.propose(b, 0);
    t.votes(t.others.slice(0, 2), PREVOTE, 0, hashOf(b));
    expect([t.m.lockedRound, t.m.lockedHash]).toEqual([0, hashOf(b)]);
    t.votes(t.others, PRECOMMIT, 0, null);
    t.timeout('precommit', 0);
    // Round 1: we precommit nil on the timeouts; only then do +2/3 prevotes for c arrive (we stay locked on b).
    t.timeout('propose', 1);
    t.timeout('prevote', 1);
    t.votes(t.others, PREVOTE, 1, hashOf(c));
    t.votes(t.others, PRECOMMIT, 1, null);
    t.timeout('precommit', 1);
    expect([t.m.round, t.m.lockedRound, t.m.lockedHash]).toEqual([2, 0, hashOf(b)]);
    // Round 2: c with its POL of round 1, newer than our lock of round 0.
    expect(ownVotes(t.propose(c, 2, 1))).toEqual([{ type: 'prevote', round: 2, hash: hashOf(c) }]);
  });

  it('the locked block re-proposed with a POL older than the lock is prevoted', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    // Round 0: +2/3 prevote b, but we never see its proposal then: no lock, precommit nil.
    t.timeout('propose', 0);
    t.votes(t.others, PREVOTE, 0, hashOf(b));
    t.timeout('prevote', 0);
    t.votes(t.others, PRECOMMIT, 0, null);
    t.timeout('precommit', 0);
    // Round 1: b proposed fresh, we lock on it.
    t.propose(b, 1);
    t.votes(t.others.slice(0, 2), PREVOTE, 1, hashOf(b));
    expect([t.m.lockedRound, t.m.lockedHash]).toEqual([1, hashOf(b)]);
    t.votes(t.others, PRECOMMIT, 1, null);
    t.timeout('precommit', 1);
    // Round 2: b again, with the POL of round 0 (older than our lock, but for the block we hold).
    expect(ownVotes(t.propose(b, 2, 0))).toEqual([{ type: 'prevote', round: 2, hash: hashOf(b) }]);
  });
});

describe('L36 fires only once prevoting', () => {
  it('+2/3 prevotes for a known block during propose neither lock nor set the valid value', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    t.propose(b, 0);
    // Round 1 starts on +1/3 of the votes; b then gets +2/3 prevotes there, with no proposal of round 1.
    t.votes(t.others, PREVOTE, 1, hashOf(b));
    expect([t.m.round, t.m.step]).toEqual([1, 'propose']);
    expect([t.m.lockedRound, t.m.validRound]).toEqual([-1, -1]);
    // Once we prevote (nil, on the timeout), the rule fires: lock and precommit b.
    expect(ownVotes(t.timeout('propose', 1))).toEqual([
      { type: 'prevote', round: 1, hash: null },
      { type: 'precommit', round: 1, hash: hashOf(b) },
    ]);
    expect([t.m.lockedRound, t.m.validRound]).toEqual([1, 1]);
  });
});

describe('deciding', () => {
  it('the deciding vote yields the decision and nothing else', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    t.propose(b, 0);
    t.votes(t.others.slice(0, 2), PREVOTE, 0, hashOf(b));
    expect(t.votes(t.others.slice(0, 1), PRECOMMIT, 0, hashOf(b))).toEqual([]);
    expect(t.votes(t.others.slice(1, 2), PRECOMMIT, 0, hashOf(b)).map((a) => a.kind)).toEqual(['decide']);
  });
});

describe('votes', () => {
  it('a conflicting vote counts for its block: it can complete the quorum that decides', () => {
    const t = setup();
    t.start();
    const [b, c] = [t.block(1), t.block(2)];
    t.propose(c, 0);
    const [byzantine, ...honest] = t.others;
    t.votes([byzantine!], PRECOMMIT, 0, hashOf(b));
    t.votes(honest, PRECOMMIT, 0, hashOf(c));
    expect(t.m.decision).toBeNull();
    const out = t.drive(t.m.onVote(vote(byzantine!, PRECOMMIT, 1, 0, hashOf(c))).actions);
    expect(out.map((a) => a.kind)).toEqual(['evidence', 'decide']);
    expect(t.m.decision?.block.block).toBe(c);
  });

  it('are signature-checked unless the caller says it verified them', () => {
    const t = setup();
    t.start();
    const signed = vote(t.others[0]!, PREVOTE, 1, 0, null);
    const forged = { ...signed, signature: new Uint8Array(64) };
    expect(() => t.m.onVote(forged)).toThrow(VoteError);
    expect(t.m.votes.has(signed)).toBe(false);
    expect(t.m.onVote(signed).result.status).toBe('added');
  });

  it('the window of future rounds moves with the round', () => {
    const t = setup();
    t.start();
    const v = t.others[0]!;
    // v opens its two future rounds while we are in round 0.
    t.votes([v], PREVOTE, 5, null);
    t.votes([v], PREVOTE, 6, null);
    expect(t.m.onVote(vote(v, PREVOTE, 1, 4, null)).result.status).toBe('out-of-window');
    // +1/3 in round 3 takes us there: round 4 is now the next round, always taken.
    t.votes(t.others.slice(1), PREVOTE, 3, null);
    expect(t.m.round).toBe(3);
    expect(scheduled(t.sent)).toContain('propose@3');
    expect(t.m.onVote(vote(v, PREVOTE, 1, 4, null)).result.status).toBe('added');
  });
});
