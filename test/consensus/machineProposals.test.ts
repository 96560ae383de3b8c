// What the machine keeps of proposals and blocks: lookups, duplicates, the two-per-round cap, nothing
// after a decision, a block's recorded validity (kept when it is proposed again, rechecked when it
// was unchecked), and the earlier valid proposal a proposer without a valid value may propose again.
import { describe, expect, it } from 'vitest';
import { blockHash } from '../../core/block.ts';
import { PRECOMMIT, PREVOTE } from '../../core/vote.ts';
import { proposal } from './harness/fixtures.ts';
import { hashOf, ownVotes, setup } from './harness/machineDriver.ts';

describe('a fresh machine', () => {
  it('holds nothing: no lock, no valid value, no proposals, no decision', () => {
    const t = setup();
    expect([t.m.round, t.m.step, t.m.waitingForTxs]).toEqual([0, 'newHeight', false]);
    expect([t.m.lockedRound, t.m.lockedHash, t.m.validRound, t.m.validHash]).toEqual([-1, null, -1, null]);
    expect([t.m.decision, t.m.proposalCount(0), t.m.hasProposal(0, hashOf(t.block(1)))]).toEqual([
      null,
      0,
      false,
    ]);
    expect(t.m.block(hashOf(t.block(1)))).toBeUndefined();
    expect(t.m.uncheckedBlocks()).toEqual([]);
    expect(t.m.self).toBe(t.vals[t.me]!.address);
  });
});

describe('proposals', () => {
  it('are looked up by round and block', () => {
    const t = setup();
    t.start();
    const [b, c] = [t.block(1), t.block(2)];
    t.propose(b, 0);
    expect([
      t.m.hasProposal(0, hashOf(b)),
      t.m.hasProposal(0, hashOf(c)),
      t.m.hasProposal(1, hashOf(b)),
    ]).toEqual([true, false, false]);
    t.propose(c, 0);
    expect([t.m.hasProposal(0, hashOf(b)), t.m.hasProposal(0, hashOf(c))]).toEqual([true, true]);
    expect(t.m.block(hashOf(c))).toEqual({ block: c, hash: hashOf(c), valid: true });
  });

  it('the same proposal again is not counted twice', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    t.propose(b, 0);
    expect(t.propose(b, 0)).toEqual([]);
    expect(t.m.proposalCount(0)).toBe(1);
  });

  it('a round keeps two proposals; a further one does nothing', () => {
    const t = setup();
    t.start();
    t.propose(t.block(1), 0);
    // The second is kept but changes nothing (we prevoted the first).
    expect(t.propose(t.block(2), 0)).toEqual([]);
    expect(t.propose(t.block(3), 0)).toEqual([]);
    expect(t.m.proposalCount(0)).toBe(2);
    expect(t.m.hasProposal(0, hashOf(t.block(3)))).toBe(false);
    expect(t.m.block(hashOf(t.block(3)))).toBeUndefined();
  });

  it('nothing is taken after a decision', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    t.propose(b, 0);
    t.votes(t.others, PRECOMMIT, 0, hashOf(b));
    expect(t.m.decision).toEqual({ round: 0, block: { block: b, hash: hashOf(b), valid: true } });
    const c = t.block(2);
    expect(t.propose(c, 0)).toEqual([]);
    expect([t.m.proposalCount(0), t.m.hasProposal(0, hashOf(c))]).toEqual([1, false]);
  });

  it("a block's validity is kept when it is proposed again", () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    t.propose(b, 0);
    t.votes(t.others, PREVOTE, 0, null);
    t.votes(t.others, PRECOMMIT, 0, null);
    t.timeout('precommit', 0);
    // Round 1 re-proposes b fresh; this time the check could not be made here (validity null).
    expect(ownVotes(t.propose(b, 1, -1, { valid: null }))).toEqual([
      { type: 'prevote', round: 1, hash: hashOf(b) },
    ]);
    expect(t.m.block(hashOf(b))?.valid).toBe(true);
  });
});

describe('unchecked blocks (validity null)', () => {
  it('are prevoted nil, reported once per round when decided, and decided once rechecked valid', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    expect(ownVotes(t.propose(b, 0, -1, { valid: null }))).toEqual([
      { type: 'prevote', round: 0, hash: null },
    ]);
    expect(t.m.uncheckedBlocks()).toEqual([{ block: b, hash: hashOf(b), valid: null }]);
    const reported = t.votes(t.others, PRECOMMIT, 0, hashOf(b));
    expect(reported.filter((a) => a.kind !== 'schedule')).toEqual([
      { kind: 'uncheckedDecision', round: 0, blockHash: hashOf(b) },
    ]);
    // Further votes re-evaluate the rules, but the report is not repeated.
    expect(t.votes(t.others.slice(0, 1), PREVOTE, 0, hashOf(b))).toEqual([]);
    // The same block decided in another round is a report of its own.
    const again = t.votes(t.others, PRECOMMIT, 1, hashOf(b));
    expect(again.filter((a) => a.kind === 'uncheckedDecision')).toEqual([
      { kind: 'uncheckedDecision', round: 1, blockHash: hashOf(b) },
    ]);
    expect(t.m.decision).toBeNull();
    const decided = t.drive(t.m.setValidity(hashOf(b), true));
    expect(decided.find((a) => a.kind === 'decide')).toMatchObject({ block: b });
    expect(t.m.uncheckedBlocks()).toEqual([]);
  });

  it('a decided block that is missing, then unchecked, is reported each way', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    const missing = t.votes(t.others, PRECOMMIT, 0, hashOf(b));
    expect(missing.filter((a) => a.kind === 'missingBlock')).toEqual([
      { kind: 'missingBlock', round: 0, blockHash: hashOf(b) },
    ]);
    expect(t.propose(b, 0, -1, { valid: null }).filter((a) => a.kind === 'uncheckedDecision')).toEqual([
      { kind: 'uncheckedDecision', round: 0, blockHash: hashOf(b) },
    ]);
  });

  it('rechecking applies only to a known, unchecked block', () => {
    const t = setup();
    t.start();
    const [b, c] = [t.block(1), t.block(2)];
    t.propose(b, 0, -1, { valid: false });
    expect(t.m.setValidity(hashOf(b), true)).toEqual([]);
    expect(t.m.block(hashOf(b))?.valid).toBe(false);
    expect(t.m.setValidity(hashOf(c), true)).toEqual([]);
    expect(t.m.block(hashOf(c))).toBeUndefined();
  });

  it('rechecked invalid, it stays undecided and is reported invalid', () => {
    const t = setup();
    t.start();
    const b = t.block(1);
    t.propose(b, 0, -1, { valid: null });
    t.votes(t.others, PRECOMMIT, 0, hashOf(b));
    expect(t.m.setValidity(hashOf(b), false)).toContainEqual({
      kind: 'invalidDecision',
      round: 0,
      blockHash: hashOf(b),
    });
    expect(t.m.decision).toBeNull();
  });
});

describe('an earlier valid proposal to propose again', () => {
  it('is the latest valid one from a round before the given one, up to the current round', () => {
    const t = setup();
    t.start();
    const [b, c, d, e] = [t.block(1), t.block(2), t.block(3), t.block(4)];
    expect(t.m.validProposalBefore(1)).toBeUndefined();
    // Round 0: an invalid proposal, then a valid one.
    t.propose(b, 0, -1, { valid: false });
    t.propose(c, 0);
    expect(t.m.validProposalBefore(0)).toBeUndefined();
    expect(t.m.validProposalBefore(1)?.block).toBe(c);
    // Round 2 (round 1 had no proposal): we go there on +1/3 of the votes.
    t.votes(t.others.slice(0, 2), PREVOTE, 2, null);
    expect(t.m.round).toBe(2);
    expect(t.m.validProposalBefore(2)?.block).toBe(c);
    t.propose(d, 2);
    // A proposal for a round we have not reached yet does not count.
    t.m.onProposal({
      proposal: proposal(t.vals[t.order[4]!]!, e, 4),
      hash: blockHash(e.header),
      valid: true,
      timely: true,
    });
    expect(t.m.validProposalBefore(3)?.block).toBe(d);
    expect(t.m.validProposalBefore(9)?.block).toBe(d);
    expect(t.m.validProposalBefore(2)?.block).toBe(c);
  });

  it('skips unchecked blocks', () => {
    const t = setup();
    t.start();
    t.propose(t.block(1), 0, -1, { valid: null });
    expect(t.m.validProposalBefore(1)).toBeUndefined();
  });
});
