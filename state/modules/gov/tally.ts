// The tally (docs/governance.md "Tally"): voting weight is bonded stake at the end of the voting
// period, and a delegator who did not vote follows its validator's vote. It loops over the votes
// and the bonded validators, never over all delegators: each voter's delegations move their shares
// to the voter's option and are deducted from their validator; each validator that voted then adds
// its remaining shares (its own and those of every delegator who did not vote) to its option.
// Shares become tokens once per (validator, option), at the validator's exchange rate.
import type { Address } from '../../../core/address.ts';
import type { StateReader } from '../../stateDb.ts';
import { listValidators } from '../staking/activeSet.ts';
import { tokensForShares } from '../staking/ledger.ts';
import { delegatorValidators, readDelegation } from '../staking/store.ts';
import type { GovParams } from './params.ts';
import { type ProposalRecord, ProposalStatus, type Tally, VoteOption } from './records.ts';
import { readVotes } from './store.ts';

export interface TallyValidator {
  readonly operator: Address;
  readonly tokens: bigint;
  readonly delegatorShares: bigint;
}

export interface TallyVote {
  readonly voter: Address;
  readonly option: VoteOption;
  /** The voter's delegations (shares by validator), whatever the validators' status. */
  readonly delegations: readonly { readonly validator: Address; readonly shares: bigint }[];
}

const OPTIONS = [VoteOption.yes, VoteOption.abstain, VoteOption.no, VoteOption.noWithVeto] as const;

interface Bucket {
  readonly validator: TallyValidator;
  /** Shares by option (index = option). */
  readonly shares: bigint[];
  deducted: bigint;
  vote?: VoteOption;
}

/** The tally of `votes` over the bonded `validators` (delegations to other validators weigh nothing). */
export function tallyVotes(validators: readonly TallyValidator[], votes: readonly TallyVote[]): Tally {
  const buckets = new Map<Address, Bucket>();
  for (const v of validators)
    buckets.set(v.operator, { validator: v, shares: [0n, 0n, 0n, 0n, 0n], deducted: 0n });
  for (const vote of votes) {
    const own = buckets.get(vote.voter);
    if (own) own.vote = vote.option;
    for (const d of vote.delegations) {
      const b = buckets.get(d.validator);
      if (!b) continue;
      b.shares[vote.option]! += d.shares;
      b.deducted += d.shares;
    }
  }
  const totals = [0n, 0n, 0n, 0n, 0n];
  let bonded = 0n;
  for (const b of buckets.values()) {
    bonded += b.validator.tokens;
    if (b.vote !== undefined) b.shares[b.vote]! += b.validator.delegatorShares - b.deducted;
    if (b.validator.delegatorShares === 0n) continue;
    for (const o of OPTIONS) if (b.shares[o]! > 0n) totals[o]! += tokensForShares(b.validator, b.shares[o]!);
  }
  return {
    yes: totals[VoteOption.yes]!,
    abstain: totals[VoteOption.abstain]!,
    no: totals[VoteOption.no]!,
    noWithVeto: totals[VoteOption.noWithVeto]!,
    bonded,
  };
}

/** The tally of a proposal's votes over the stake bonded now (the active set's validators). */
export function currentTally(state: StateReader, p: ProposalRecord): Tally {
  const validators = listValidators(state).filter((v) => v.inSet && !v.jailed);
  const votes = readVotes(state, p).map(({ voter, option }) => ({
    voter,
    option,
    delegations: delegatorValidators(state, voter).map((validator) => ({
      validator,
      shares: readDelegation(state, voter, validator)!.shares,
    })),
  }));
  return tallyVotes(validators, votes);
}

const BPS = 10_000n;

/**
 * The Cosmos SDK's rules: below quorum (abstain counts towards it) → noQuorum; noWithVeto above the
 * veto threshold of all votes → vetoed; yes above the threshold of the non-abstaining votes → passed;
 * else rejected.
 */
export function outcomeOf(t: Tally, params: GovParams): ProposalStatus {
  const voted = t.yes + t.abstain + t.no + t.noWithVeto;
  if (t.bonded === 0n || voted * BPS < BigInt(params.quorumBps) * t.bonded) return ProposalStatus.noQuorum;
  if (t.noWithVeto * BPS > BigInt(params.vetoThresholdBps) * voted) return ProposalStatus.vetoed;
  const decisive = t.yes + t.no + t.noWithVeto;
  if (decisive > 0n && t.yes * BPS > BigInt(params.thresholdBps) * decisive) return ProposalStatus.passed;
  return ProposalStatus.rejected;
}
