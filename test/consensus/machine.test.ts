// The Tendermint rules of one height, driven by scripted message sequences: what a validator sends
// for each input, including the locking and valid-value scenarios of the paper (Buchman, Kwon,
// Milosevic 2018). The driver plays the engine: own votes are signed and fed back as inputs.
import { describe, expect, it } from 'vitest';
import type { Action } from '../../consensus/machine.ts';
import { PRECOMMIT, PREVOTE } from '../../core/vote.ts';
import { makeValidators, plain, proposerOrder, vote } from './harness/fixtures.ts';
import { hashOf, ownVotes, scheduled, setup } from './harness/machineDriver.ts';

describe('one round, all honest', () => {
  it('prevotes the proposal, locks on +2/3 prevotes, decides on +2/3 precommits', () => {
    const t = setup();
    expect(scheduled(t.start())).toEqual(['propose@0']);
    expect(t.m.step).toBe('propose');
    const b = t.block(1);
    expect(ownVotes(t.propose(b, 0))).toEqual([{ type: 'prevote', round: 0, hash: hashOf(b) }]);
    // One more prevote: 2 of 4 is not +2/3.
    expect(t.votes(t.others.slice(0, 1), PREVOTE, 0, hashOf(b))).toEqual([]);
    const locked = t.votes(t.others.slice(1, 2), PREVOTE, 0, hashOf(b));
    expect(ownVotes(locked)).toEqual([{ type: 'precommit', round: 0, hash: hashOf(b) }]);
    expect(t.m.lockedRound).toBe(0);
    expect(t.m.lockedHash).toBe(hashOf(b));
    expect(t.m.validRound).toBe(0);
    const decided = t.votes(t.others.slice(0, 2), PRECOMMIT, 0, hashOf(b));
    const decide = decided.find((a) => a.kind === 'decide');
    expect(decide).toMatchObject({ kind: 'decide', round: 0, block: b });
    expect((decide as Extract<Action, { kind: 'decide' }>).commit.signatures).toHaveLength(3);
    expect(t.m.step).toBe('commit');
    // Nothing more once decided.
    expect(t.votes(t.others.slice(2), PRECOMMIT, 0, hashOf(b))).toEqual([]);
  });

  it('the proposer is asked to propose and prevotes its own proposal', () => {
    const vals = makeValidators([1n, 1n, 1n, 1n], 'machine');
    const order = proposerOrder(vals.map(plain), 1);
    const t = setup({ me: order[0]! });
    const actions = t.start();
    expect(actions).toContainEqual({ kind: 'propose', round: 0, block: null, polRound: -1 });
    expect(scheduled(actions)).toEqual(['propose@0']);
    const b = t.block(1);
    expect(ownVotes(t.propose(b, 0))).toEqual([{ type: 'prevote', round: 0, hash: hashOf(b) }]);
  });

  it('an invalid block is prevoted nil', () => {
    const t = setup();
    t.start();
    expect(ownVotes(t.propose(t.block(1), 0, -1, { valid: false }))).toEqual([
      { type: 'prevote', round: 0, hash: null },
    ]);
  });

  it('a fresh proposal too far in the future is prevoted nil, but +2/3 prevotes for it still lock it', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    expect(ownVotes(t.propose(b, 0, -1, { timely: false }))).toEqual([
      { type: 'prevote', round: 0, hash: null },
    ]);
    // The others' clocks agree with the proposer: a quorum overrides ours (valid(v) is the app's verdict).
    const locked = t.votes(t.others, PREVOTE, 0, hashOf(b));
    expect(ownVotes(locked)).toEqual([{ type: 'precommit', round: 0, hash: hashOf(b) }]);
  });

  it('timeliness is not asked of a re-proposal with a POL', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    t.timeout('propose', 0);
    t.votes(t.others, PREVOTE, 0, null);
    t.votes(t.others, PRECOMMIT, 0, null);
    t.timeout('precommit', 0);
    t.timeout('propose', 1);
    // b got +2/3 prevotes in round 1 while we were not looking (we prevoted nil, then saw them late).
    t.votes(t.others, PREVOTE, 1, hashOf(b));
    t.votes(t.others, PRECOMMIT, 1, null);
    t.timeout('precommit', 1);
    expect(ownVotes(t.propose(b, 2, 1, { timely: false }))).toEqual([
      { type: 'prevote', round: 2, hash: hashOf(b) },
    ]);
  });
});

describe('timeouts', () => {
  it('propose timeout: prevote nil', () => {
    const t = setup();
    t.start();
    expect(ownVotes(t.timeout('propose', 0))).toEqual([{ type: 'prevote', round: 0, hash: null }]);
    expect(t.m.step).toBe('prevote');
    // Stale or repeated timeouts do nothing.
    expect(t.timeout('propose', 0)).toEqual([]);
  });

  it('prevote timeout: scheduled on +2/3 prevotes for anything, then precommit nil', () => {
    const t = setup();
    t.start();
    t.timeout('propose', 0);
    const b = t.block(1);
    expect(scheduled(t.votes(t.others.slice(0, 1), PREVOTE, 0, hashOf(b)))).toEqual([]);
    // Own nil + b + c: +2/3 voted, no majority for anything.
    const mixed = t.votes(t.others.slice(1, 2), PREVOTE, 0, hashOf(t.block(2)));
    expect(scheduled(mixed)).toEqual(['prevote@0']);
    expect(ownVotes(mixed)).toEqual([]);
    expect(ownVotes(t.timeout('prevote', 0))).toEqual([{ type: 'precommit', round: 0, hash: null }]);
  });

  it('+2/3 prevotes for nil: precommit nil without waiting', () => {
    const t = setup();
    t.start();
    t.timeout('propose', 0);
    expect(ownVotes(t.votes(t.others.slice(0, 2), PREVOTE, 0, null))).toEqual([
      { type: 'precommit', round: 0, hash: null },
    ]);
  });

  it('precommit timeout: scheduled on +2/3 precommits for anything, then the next round', () => {
    const t = setup();
    t.start();
    t.timeout('propose', 0);
    t.votes(t.others.slice(0, 2), PREVOTE, 0, null);
    // Own nil + a block + nil: +2/3 precommitted, nothing has a majority.
    expect(scheduled(t.votes(t.others.slice(0, 1), PRECOMMIT, 0, hashOf(t.block(1))))).toEqual([]);
    const waited = t.votes(t.others.slice(1, 2), PRECOMMIT, 0, null);
    expect(scheduled(waited)).toEqual(['precommit@0']);
    const next = t.timeout('precommit', 0);
    expect(t.m.round).toBe(1);
    expect(t.m.step).toBe('propose');
    expect(scheduled(next)).toEqual(['propose@1']);
  });

  it('timeouts grow with the round (the engine computes durations from the round it is given)', () => {
    const t = setup();
    t.start();
    for (let r = 0; r < 3; r++) {
      t.timeout('propose', r);
      t.votes(t.others, PREVOTE, r, null);
      const next = t.timeout('precommit', r);
      expect(scheduled(next)).toEqual([`propose@${r + 1}`]);
    }
    expect(t.m.round).toBe(3);
  });
});

describe('round skipping (L55)', () => {
  it('+1/3 of the power voting in a higher round moves us there; 1/4 does not', () => {
    const t = setup();
    t.start();
    t.votes(t.others.slice(0, 1), PREVOTE, 3, null);
    expect(t.m.round).toBe(0);
    const skipped = t.votes(t.others.slice(1, 2), PRECOMMIT, 3, null);
    expect(t.m.round).toBe(3);
    expect(scheduled(skipped)).toEqual(['propose@3']);
  });

  it('counts voting power, not validators', () => {
    // Powers 1, 1, 1, 5 (total 8): the heavy validator alone is more than a third.
    const t = setup({ powers: [1n, 1n, 1n, 5n] });
    t.start();
    const heavy = t.vals.find((v) => v.power === 5n)!;
    if (heavy.address === t.vals[t.me]!.address) return; // this seed made us the heavy one
    t.votes([heavy], PREVOTE, 2, null);
    expect(t.m.round).toBe(2);
  });

  it('bounds the future rounds one validator can open', () => {
    const t = setup();
    t.start();
    const v = t.others[0]!;
    expect(t.m.onVote(vote(v, PREVOTE, 1, 5, null)).result.status).toBe('added');
    expect(t.m.onVote(vote(v, PREVOTE, 1, 6, null)).result.status).toBe('added');
    expect(t.m.onVote(vote(v, PREVOTE, 1, 7, null)).result.status).toBe('out-of-window');
    // Its votes in rounds it already opened, and in round+1, are still taken.
    expect(t.m.onVote(vote(v, PRECOMMIT, 1, 6, null)).result.status).toBe('added');
    expect(t.m.onVote(vote(v, PREVOTE, 1, 1, null)).result.status).toBe('added');
    // Another validator has its own allowance.
    expect(t.m.onVote(vote(t.others[1]!, PREVOTE, 1, 7, null)).result.status).toBe('added');
  });
});

describe('locking (the paper, section 4)', () => {
  /** Locks on `b` in round 0 (our prevote and precommit for b), then moves to round 1 on nil precommits. */
  function lockedOnB() {
    const t = setup();
    t.start();
    const b = t.block(1);
    t.propose(b, 0);
    t.votes(t.others.slice(0, 2), PREVOTE, 0, hashOf(b));
    expect(t.m.lockedHash).toBe(hashOf(b));
    // The others did not see +2/3 in time and precommitted nil; we go to round 1.
    t.votes(t.others, PRECOMMIT, 0, null);
    t.timeout('precommit', 0);
    expect(t.m.round).toBe(1);
    return { t, b };
  }

  it('a validator locked on B prevotes nil for another fresh block', () => {
    const { t } = lockedOnB();
    const c = t.block(2);
    expect(ownVotes(t.propose(c, 1))).toEqual([{ type: 'prevote', round: 1, hash: null }]);
  });

  it('a validator locked on B prevotes B when B is proposed again', () => {
    const { t, b } = lockedOnB();
    expect(ownVotes(t.propose(b, 1))).toEqual([{ type: 'prevote', round: 1, hash: hashOf(b) }]);
  });

  it('a locked validator does not precommit another block without +2/3 prevotes for it; nil on +2/3 nil', () => {
    const { t } = lockedOnB();
    t.propose(t.block(2), 1); // prevote nil
    expect(ownVotes(t.votes(t.others.slice(0, 2), PREVOTE, 1, null))).toEqual([
      { type: 'precommit', round: 1, hash: null },
    ]);
    expect(t.m.lockedRound).toBe(0); // still locked on B
  });

  it('a POL older than the lock does not unlock', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    const c = t.block(2);
    // Round 0: b gets +2/3 prevotes, but we see them (and b) only after precommitting nil: b is the
    // valid value, we are not locked.
    t.timeout('propose', 0);
    t.timeout('prevote', 0);
    t.votes(t.others, PREVOTE, 0, hashOf(b));
    t.propose(b, 0);
    expect([t.m.lockedRound, t.m.validRound]).toEqual([-1, 0]);
    t.votes(t.others, PRECOMMIT, 0, null);
    t.timeout('precommit', 0);
    // Round 1: we lock on c.
    t.propose(c, 1);
    t.votes(t.others.slice(0, 2), PREVOTE, 1, hashOf(c));
    expect([t.m.lockedRound, t.m.lockedHash]).toEqual([1, hashOf(c)]);
    t.votes(t.others, PRECOMMIT, 1, null);
    t.timeout('precommit', 1);
    // Round 2: b re-proposed with its POL from round 0 < our lock round 1.
    expect(ownVotes(t.propose(b, 2, 0))).toEqual([{ type: 'prevote', round: 2, hash: null }]);
  });

  it('a newer POL unlocks: prevote the block re-proposed with +2/3 prevotes from a round after the lock', () => {
    const { t } = lockedOnB();
    const c = t.block(2);
    // Round 1: C gets +2/3 prevotes from the others (we prevote nil, being locked on B).
    t.propose(c, 1);
    t.votes(t.others, PREVOTE, 1, hashOf(c));
    t.votes(t.others, PRECOMMIT, 1, null);
    t.timeout('precommit', 1);
    // Round 2: C re-proposed with polRound 1 > lockedRound 0.
    expect(ownVotes(t.propose(c, 2, 1))).toEqual([{ type: 'prevote', round: 2, hash: hashOf(c) }]);
  });

  it('a re-proposal waits for its POL: prevote once +2/3 prevotes of polRound arrive', () => {
    const { t } = lockedOnB();
    t.timeout('propose', 1);
    t.votes(t.others, PREVOTE, 1, null);
    t.votes(t.others, PRECOMMIT, 1, null);
    t.timeout('precommit', 1);
    const c = t.block(2);
    // Proposed in round 2 with POL round 1, but we never saw round 1 prevotes for C ... (we saw nil).
    expect(ownVotes(t.propose(c, 2, 1))).toEqual([]);
    expect(t.m.step).toBe('propose');
    expect(ownVotes(t.timeout('propose', 2))).toEqual([{ type: 'prevote', round: 2, hash: null }]);
  });
});

describe('valid value (L36, L11)', () => {
  it('+2/3 prevotes seen after precommitting nil make B the valid value, which we re-propose', () => {
    const vals = makeValidators([1n, 1n, 1n, 1n], 'machine');
    const order = proposerOrder(vals.map(plain), 2);
    // We propose round 1 but not round 0.
    const t = setup({ me: order[1]! });
    t.start();
    const b = t.block(1);
    t.timeout('propose', 0); // prevote nil: the proposal was late
    t.votes(t.others.slice(0, 1), PREVOTE, 0, hashOf(b));
    t.timeout('prevote', 0); // precommit nil
    expect(t.m.step).toBe('precommit');
    t.propose(b, 0); // the proposal arrives late
    t.votes(t.others.slice(1), PREVOTE, 0, hashOf(b)); // now +2/3 prevoted b
    expect(t.m.validRound).toBe(0);
    expect(t.m.validHash).toBe(hashOf(b));
    expect(t.m.lockedRound).toBe(-1); // not locked: we had already precommitted
    t.votes(t.others, PRECOMMIT, 0, null);
    const next = t.timeout('precommit', 0);
    expect(next).toContainEqual({ kind: 'propose', round: 1, block: b, polRound: 0 });
  });
});

describe('deciding', () => {
  it('decides a block with +2/3 precommits from an earlier round', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    t.propose(b, 0);
    expect(t.timeout('propose', 1)).toEqual([]); // not our round
    // We never see round 0's prevotes; round 1 goes nil.
    t.timeout('precommit', 0);
    t.timeout('propose', 1);
    t.votes(t.others, PREVOTE, 1, null);
    t.timeout('precommit', 1);
    expect(t.m.round).toBe(2);
    // Late precommits for b in round 0 (the others had seen prevotes we missed).
    const decided = t.votes(t.others, PRECOMMIT, 0, hashOf(b));
    expect(decided.find((a) => a.kind === 'decide')).toMatchObject({ round: 0, block: b });
  });

  it('asks for a block it lacks when +2/3 precommit it, and decides once it arrives', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    const missing = t.votes(t.others, PRECOMMIT, 0, hashOf(b));
    expect(missing.filter((a) => a.kind === 'missingBlock')).toEqual([
      { kind: 'missingBlock', round: 0, blockHash: hashOf(b) },
    ]);
    expect(t.m.decision).toBeNull();
    expect(t.propose(b, 0).find((a) => a.kind === 'decide')).toMatchObject({ round: 0, block: b });
  });

  it('reports an invalid block with +2/3 precommits instead of deciding it', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    t.propose(b, 0, -1, { valid: false });
    const out = t.votes(t.others, PRECOMMIT, 0, hashOf(b));
    expect(out).toContainEqual({ kind: 'invalidDecision', round: 0, blockHash: hashOf(b) });
    expect(t.m.decision).toBeNull();
  });

  it('an equivocating proposer: the first proposal is prevoted, either block can still be decided', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    const c = t.block(2);
    expect(ownVotes(t.propose(b, 0))).toEqual([{ type: 'prevote', round: 0, hash: hashOf(b) }]);
    expect(ownVotes(t.propose(c, 0))).toEqual([]);
    expect(t.m.proposalCount(0)).toBe(2);
    // A third proposal is not kept.
    t.propose(t.block(3), 0);
    expect(t.m.proposalCount(0)).toBe(2);
    const out = t.votes(t.others, PRECOMMIT, 0, hashOf(c));
    expect(out.find((a) => a.kind === 'decide')).toMatchObject({ block: c });
  });
});

describe('evidence and duplicates', () => {
  it('two votes from one validator for different blocks become evidence', () => {
    const t = setup();
    t.start();
    const v = t.others[0]!;
    t.votes([v], PREVOTE, 0, hashOf(t.block(1)));
    const out = t.drive(t.m.onVote(vote(v, PREVOTE, 1, 0, hashOf(t.block(2)))).actions);
    const ev = out.find((a) => a.kind === 'evidence');
    expect(ev).toBeDefined();
    const { evidence } = ev as Extract<Action, { kind: 'evidence' }>;
    expect(evidence.voteA.validator).toBe(v.address);
    expect(evidence.voteA.blockHash).not.toBe(evidence.voteB.blockHash);
    // The same vote again is only a duplicate.
    expect(t.m.onVote(vote(v, PREVOTE, 1, 0, hashOf(t.block(1)))).result.status).toBe('duplicate');
  });
});

describe('waiting for transactions', () => {
  it('round 0 waits (no proposal, no timeout) until transactions arrive', () => {
    let pending = false;
    const vals = makeValidators([1n, 1n, 1n, 1n], 'machine');
    const order = proposerOrder(vals.map(plain), 1);
    const t = setup({ me: order[0]!, waitForTxs: () => !pending });
    expect(t.start()).toEqual([]);
    expect(t.m.waitingForTxs).toBe(true);
    expect(t.timeout('propose', 0)).toEqual([]);
    pending = true;
    const go = t.drive(t.m.txsAvailable());
    expect(go).toContainEqual({ kind: 'propose', round: 0, block: null, polRound: -1 });
    expect(t.m.waitingForTxs).toBe(false);
  });

  it('a proposal arriving while waiting is prevoted', () => {
    const t = setup({ waitForTxs: () => true });
    t.start();
    expect(t.m.waitingForTxs).toBe(true);
    const b = t.block(1);
    expect(ownVotes(t.propose(b, 0))).toEqual([{ type: 'prevote', round: 0, hash: hashOf(b) }]);
    expect(t.m.waitingForTxs).toBe(false);
  });
});
