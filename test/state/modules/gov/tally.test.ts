// The tally against a naive reference that walks every delegation of every validator (what the
// module avoids): each delegation weighs by its own vote, or else its validator's.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../../core/address.ts';
import {
  type GovParams,
  outcomeOf,
  ProposalStatus,
  type Tally,
  type TallyValidator,
  tallyVotes,
  VoteOption,
} from '../../../../state/modules/gov/index.ts';

const addr = (n: number): Address => `0x${n.toString(16).padStart(40, '0')}`;
const OPTIONS = [VoteOption.yes, VoteOption.abstain, VoteOption.no, VoteOption.noWithVeto] as const;

interface World {
  readonly validators: (TallyValidator & { bonded: boolean })[];
  readonly delegations: { delegator: Address; validator: Address; shares: bigint }[];
  readonly votes: Map<Address, VoteOption>;
}

/** Accounts 1..4 operate validators 1..4 and delegate too; accounts 5..12 only delegate. */
const world = fc
  .record({
    validators: fc.array(fc.record({ bonded: fc.boolean(), rate: fc.integer({ min: 1, max: 1000 }) }), {
      minLength: 1,
      maxLength: 4,
    }),
    delegations: fc.array(
      fc.record({
        delegator: fc.integer({ min: 1, max: 12 }),
        validator: fc.integer({ min: 1, max: 4 }),
        shares: fc.bigInt({ min: 1n, max: 10n ** 24n }),
      }),
      { maxLength: 30 },
    ),
    votes: fc.array(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.constantFrom(...OPTIONS)), {
      maxLength: 12,
    }),
  })
  .map(({ validators, delegations, votes }): World => {
    // One delegation per (delegator, validator), as the staking module keeps them.
    const merged = new Map<string, { delegator: Address; validator: Address; shares: bigint }>();
    for (const d of delegations) {
      if (d.validator > validators.length) continue;
      const k = `${d.delegator}:${d.validator}`;
      const prev = merged.get(k);
      merged.set(k, {
        delegator: addr(d.delegator),
        validator: addr(d.validator),
        shares: (prev?.shares ?? 0n) + d.shares,
      });
    }
    const list = [...merged.values()];
    return {
      validators: validators.map((v, i) => {
        const operator = addr(i + 1);
        const delegatorShares = list
          .filter((d) => d.validator === operator)
          .reduce((s, d) => s + d.shares, 0n);
        // Slashes leave fewer tokens than shares: tokens = shares × rate / 1000.
        return {
          operator,
          delegatorShares,
          tokens: (delegatorShares * BigInt(v.rate)) / 1000n,
          bonded: v.bonded,
        };
      }),
      delegations: list,
      votes: new Map(votes.map(([who, option]) => [addr(who), option])),
    };
  });

function naiveTally(w: World): Tally {
  const totals = new Map<VoteOption, bigint>(OPTIONS.map((o) => [o, 0n]));
  let bonded = 0n;
  for (const v of w.validators.filter((x) => x.bonded)) {
    bonded += v.tokens;
    const byOption = new Map<VoteOption, bigint>();
    for (const d of w.delegations.filter((x) => x.validator === v.operator)) {
      const option = w.votes.get(d.delegator) ?? w.votes.get(v.operator);
      if (option !== undefined) byOption.set(option, (byOption.get(option) ?? 0n) + d.shares);
    }
    for (const [option, shares] of byOption)
      totals.set(option, totals.get(option)! + (shares * v.tokens) / v.delegatorShares);
  }
  return {
    yes: totals.get(VoteOption.yes)!,
    abstain: totals.get(VoteOption.abstain)!,
    no: totals.get(VoteOption.no)!,
    noWithVeto: totals.get(VoteOption.noWithVeto)!,
    bonded,
  };
}

function moduleTally(w: World): Tally {
  return tallyVotes(
    w.validators.filter((v) => v.bonded),
    [...w.votes].map(([voter, option]) => ({
      voter,
      option,
      delegations: w.delegations.filter((d) => d.delegator === voter),
    })),
  );
}

describe('tally', () => {
  it('equals the naive walk over every delegation', () => {
    fc.assert(
      fc.property(world, (w) => {
        expect(moduleTally(w)).toEqual(naiveTally(w));
      }),
      { numRuns: 500 },
    );
  });

  it('is within a wei per validator of summing each delegator’s own stake, and never above the bonded stake', () => {
    fc.assert(
      fc.property(world, (w) => {
        const t = moduleTally(w);
        let perDelegator = 0n;
        for (const v of w.validators.filter((x) => x.bonded))
          for (const d of w.delegations.filter((x) => x.validator === v.operator))
            if (w.votes.has(d.delegator) || w.votes.has(v.operator))
              perDelegator += (d.shares * v.tokens) / v.delegatorShares;
        const voted = t.yes + t.abstain + t.no + t.noWithVeto;
        expect(voted >= perDelegator).toBe(true);
        expect(voted - perDelegator <= BigInt(4 * w.validators.length)).toBe(true);
        expect(voted <= t.bonded).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('lets a delegator override its validator', () => {
    const v = { operator: addr(1), tokens: 100n, delegatorShares: 100n };
    const validatorOnly = tallyVotes(
      [v],
      [{ voter: addr(1), option: VoteOption.yes, delegations: [{ validator: addr(1), shares: 60n }] }],
    );
    expect(validatorOnly).toEqual({ yes: 100n, abstain: 0n, no: 0n, noWithVeto: 0n, bonded: 100n });
    const overridden = tallyVotes(
      [v],
      [
        { voter: addr(1), option: VoteOption.yes, delegations: [{ validator: addr(1), shares: 60n }] },
        { voter: addr(9), option: VoteOption.no, delegations: [{ validator: addr(1), shares: 40n }] },
      ],
    );
    expect(overridden).toEqual({ yes: 60n, abstain: 0n, no: 40n, noWithVeto: 0n, bonded: 100n });
  });
});

describe('outcome', () => {
  const params: GovParams = {
    minDeposit: 1n,
    minInitialDepositBps: 0,
    maxDepositPeriodBlocks: 1,
    votingPeriodBlocks: 1,
    quorumBps: 3_340,
    thresholdBps: 5_000,
    vetoThresholdBps: 3_340,
  };
  const t = (yes: bigint, abstain: bigint, no: bigint, noWithVeto: bigint): Tally => ({
    yes,
    abstain,
    no,
    noWithVeto,
    bonded: 1000n,
  });
  it.each([
    ['below quorum', t(333n, 0n, 0n, 0n), ProposalStatus.noQuorum],
    ['at quorum, all yes', t(334n, 0n, 0n, 0n), ProposalStatus.passed],
    ['abstain counts to quorum only', t(100n, 300n, 0n, 0n), ProposalStatus.passed],
    ['all abstain', t(0n, 500n, 0n, 0n), ProposalStatus.rejected],
    ['a tie is not a majority', t(250n, 0n, 250n, 0n), ProposalStatus.rejected],
    ['yes above half of yes+no+veto', t(251n, 0n, 250n, 0n), ProposalStatus.passed],
    ['veto above a third of all votes', t(600n, 0n, 0n, 301n), ProposalStatus.vetoed],
    ['veto at a third is not a veto', t(666n, 0n, 0n, 334n), ProposalStatus.passed],
  ])('%s', (_name, tally, expected) => expect(outcomeOf(tally, params)).toBe(expected));

  it('is no quorum when nothing is bonded', () => {
    expect(outcomeOf({ ...t(0n, 0n, 0n, 0n), bonded: 0n }, params)).toBe(ProposalStatus.noQuorum);
  });
});
