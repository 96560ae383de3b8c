// Which timeouts still do something in each step (stale ones are not written to the WAL), and the
// "for the first time" rules that schedule timeoutPrevote and timeoutPrecommit: once per round, only
// in the steps the paper gives (L34, L47), including the first time in a round after round 0.
import { describe, expect, it } from 'vitest';
import type { TimeoutInfo } from '../../consensus/machine.ts';
import { PRECOMMIT, PREVOTE } from '../../core/vote.ts';
import { hashOf, ownVotes, scheduled, setup } from './harness/machineDriver.ts';

type Machine = ReturnType<typeof setup>['m'];

function relevance(m: Machine, height = 1) {
  const steps: TimeoutInfo['step'][] = ['commit', 'propose', 'prevote', 'precommit'];
  const out: string[] = [];
  for (const step of steps)
    for (const round of [0, 1])
      if (m.isTimeoutRelevant({ height, round, step })) out.push(`${step}@${round}`);
  return out;
}

describe('relevant timeouts', () => {
  it('before round 0 only the commit timeout of this height starts anything', () => {
    const t = setup();
    expect(relevance(t.m)).toEqual(['commit@0', 'commit@1']);
    expect(relevance(t.m, 2)).toEqual([]);
    expect(t.timeout('precommit', 0)).toEqual([]);
    expect(t.timeout('prevote', 0)).toEqual([]);
    expect([t.m.round, t.m.step]).toEqual([0, 'newHeight']);
  });

  it("in propose: the round's propose and precommit timeouts", () => {
    const t = setup();
    t.start();
    expect(relevance(t.m)).toEqual(['propose@0', 'precommit@0']);
    expect(relevance(t.m, 2)).toEqual([]);
  });

  it('in prevote: the prevote and precommit timeouts of the round', () => {
    const t = setup();
    t.start();
    t.timeout('propose', 0);
    expect(relevance(t.m)).toEqual(['prevote@0', 'precommit@0']);
    expect(relevance(t.m, 2)).toEqual([]);
  });

  it('in precommit: only the precommit timeout of the round', () => {
    const t = setup();
    t.start();
    t.timeout('propose', 0);
    t.timeout('prevote', 0);
    expect(t.m.step).toBe('precommit');
    expect(relevance(t.m)).toEqual(['precommit@0']);
  });

  it('while round 0 waits for transactions its propose timeout does nothing', () => {
    const t = setup({ waitForTxs: () => true });
    t.start();
    expect(relevance(t.m)).toEqual(['precommit@0']);
  });

  it('after a decision none does', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    t.propose(b, 0);
    t.votes(t.others, PRECOMMIT, 0, hashOf(b));
    expect(t.m.decision).not.toBeNull();
    expect(relevance(t.m)).toEqual([]);
  });
});

describe('timeoutPrevote is scheduled once per round, while prevoting (L34)', () => {
  it('not while still in propose', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    expect(t.votes(t.others.slice(0, 1), PREVOTE, 0, hashOf(b))).toEqual([]);
    expect(t.votes(t.others.slice(1, 2), PREVOTE, 0, hashOf(t.block(2)))).toEqual([]);
    expect(t.votes(t.others.slice(2), PREVOTE, 0, null)).toEqual([]);
    expect(t.m.step).toBe('propose');
  });

  it('once, however many prevotes follow', () => {
    const t = setup();
    t.start();
    t.timeout('propose', 0);
    t.votes(t.others.slice(0, 1), PREVOTE, 0, hashOf(t.block(1)));
    expect(scheduled(t.votes(t.others.slice(1, 2), PREVOTE, 0, hashOf(t.block(2))))).toEqual(['prevote@0']);
    expect(t.votes(t.others.slice(2), PREVOTE, 0, hashOf(t.block(1)))).toEqual([]);
  });

  it('not after precommitting', () => {
    const t = setup();
    t.start();
    t.timeout('propose', 0);
    t.timeout('prevote', 0);
    expect(t.votes(t.others.slice(0, 1), PREVOTE, 0, hashOf(t.block(1)))).toEqual([]);
    expect(t.votes(t.others.slice(1, 2), PREVOTE, 0, hashOf(t.block(2)))).toEqual([]);
  });
});

describe('timeoutPrecommit is scheduled once per round (L47)', () => {
  it('once, however many precommits follow', () => {
    const t = setup();
    t.start();
    t.timeout('propose', 0);
    t.votes(t.others.slice(0, 2), PREVOTE, 0, null);
    t.votes(t.others.slice(0, 1), PRECOMMIT, 0, hashOf(t.block(1)));
    expect(scheduled(t.votes(t.others.slice(1, 2), PRECOMMIT, 0, null))).toEqual(['precommit@0']);
    expect(t.votes(t.others.slice(2), PRECOMMIT, 0, hashOf(t.block(2)))).toEqual([]);
  });

  it('not before round 0 starts (votes are only collected)', () => {
    const t = setup();
    expect(t.votes(t.others.slice(0, 1), PRECOMMIT, 0, hashOf(t.block(1)))).toEqual([]);
    expect(t.votes(t.others.slice(1, 2), PRECOMMIT, 0, hashOf(t.block(2)))).toEqual([]);
    expect(t.votes(t.others.slice(2), PRECOMMIT, 0, null)).toEqual([]);
    expect(t.m.step).toBe('newHeight');
  });
});

describe('the first round after round 0', () => {
  it('schedules both waits and locks for the first time', () => {
    const t = setup();
    t.start();
    // Two of four in round 1 are more than a third: we move there (L55) without acting in round 0.
    t.votes(t.others.slice(0, 2), PREVOTE, 1, null);
    expect([t.m.round, t.m.step]).toEqual([1, 'propose']);
    const prevoted = t.timeout('propose', 1);
    expect(scheduled(prevoted)).toContain('prevote@1');
    expect(ownVotes(prevoted)).toEqual([
      { type: 'prevote', round: 1, hash: null },
      { type: 'precommit', round: 1, hash: null },
    ]);
    expect(scheduled(t.votes(t.others.slice(0, 2), PRECOMMIT, 1, null))).toEqual(['precommit@1']);
  });

  it('locks on +2/3 prevotes in round 1', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    t.votes(t.others.slice(0, 2), PRECOMMIT, 1, null);
    expect(t.m.round).toBe(1);
    expect(ownVotes(t.propose(b, 1))).toEqual([{ type: 'prevote', round: 1, hash: hashOf(b) }]);
    expect(ownVotes(t.votes(t.others.slice(0, 2), PREVOTE, 1, hashOf(b)))).toEqual([
      { type: 'precommit', round: 1, hash: hashOf(b) },
    ]);
    expect([t.m.lockedRound, t.m.lockedHash]).toEqual([1, hashOf(b)]);
  });
});

describe('a timeout is evaluated with the votes already held', () => {
  it('timeoutPropose with +2/3 nil prevotes already in: prevote and precommit nil at once', () => {
    const t = setup();
    t.start();
    t.votes(t.others, PREVOTE, 0, null);
    expect(t.m.step).toBe('propose');
    // Not driven: the actions of the timeout alone, before our own prevote comes back.
    const actions = t.m.onTimeout({ height: 1, round: 0, step: 'propose' });
    expect(ownVotes(actions)).toEqual([
      { type: 'prevote', round: 0, hash: null },
      { type: 'precommit', round: 0, hash: null },
    ]);
  });
});
