// All prevotes and precommits of one height, by round. Rounds up to current+1 are always tracked;
// beyond that each validator may open at most `futureRoundsPerValidator` rounds (CometBFT bounds
// this per peer with its catch-up rounds; votes are relayed by gossip here, so the signer is the
// accountable party). That is enough for honest validators ahead of us to pull us forward with the
// +1/3 round-skip rule, and it keeps a byzantine validator from making us allocate a vote set for
// every round number it can sign.
import type { Address } from '../core/address.ts';
import type { Hex } from '../core/bytes.ts';
import { PRECOMMIT, PREVOTE, type Vote, VoteError, type VoteType } from '../core/vote.ts';
import type { ValidatorSet } from './validatorSet.ts';
import { type AddVoteResult, VoteSet, verifyVote } from './voteSet.ts';

interface RoundVotes {
  readonly prevotes: VoteSet;
  readonly precommits: VoteSet;
  /** Validators with any vote in the round, and their summed power (for the round-skip rule). */
  readonly voters: Set<Address>;
  voterPower: bigint;
}

export type HeightAddResult = AddVoteResult | { readonly status: 'out-of-window' };

export class HeightVoteSet {
  readonly chainId: bigint;
  readonly height: number;
  readonly validators: ValidatorSet;
  readonly #futureRoundsPerValidator: number;
  readonly #rounds = new Map<number, RoundVotes>();
  /** Rounds each validator has votes in. */
  readonly #roundsOf = new Map<Address, Set<number>>();
  #round = 0;

  constructor(chainId: bigint, height: number, validators: ValidatorSet, futureRoundsPerValidator: number) {
    this.chainId = chainId;
    this.height = height;
    this.validators = validators;
    this.#futureRoundsPerValidator = futureRoundsPerValidator;
  }

  /** Moves the tracking window with the round the engine is in. */
  setRound(round: number): void {
    this.#round = round;
  }

  prevotes(round: number): VoteSet | undefined {
    return this.#rounds.get(round)?.prevotes;
  }

  precommits(round: number): VoteSet | undefined {
    return this.#rounds.get(round)?.precommits;
  }

  get(type: VoteType, round: number): VoteSet | undefined {
    return type === PREVOTE ? this.prevotes(round) : this.precommits(round);
  }

  has(vote: Vote): boolean {
    return this.get(vote.type, vote.round)?.has(vote) ?? false;
  }

  /** A further conflicting vote of a validator that already equivocated in that step (VoteSet). */
  isExcess(vote: Vote): boolean {
    return this.get(vote.type, vote.round)?.isExcess(vote) ?? false;
  }

  /** Membership and signature check, throws VoteError. */
  verify(vote: Vote): void {
    verifyVote(this.chainId, vote, this.validators);
  }

  /** Whether a vote of this round from this validator would be tracked. */
  inWindow(vote: Vote): boolean {
    if (vote.round <= this.#round + 1) return true;
    const rounds = this.#roundsOf.get(vote.validator);
    if (!rounds) return true;
    if (rounds.has(vote.round)) return true;
    let future = 0;
    for (const r of rounds) if (r > this.#round + 1) future++;
    return future < this.#futureRoundsPerValidator;
  }

  /** Counts a vote; throws VoteError (before allocating anything) if it is not a valid vote of this height. */
  add(vote: Vote, verified = false): HeightAddResult {
    if (vote.height !== this.height) {
      throw new VoteError('MALFORMED', `vote for height ${vote.height} added to height ${this.height}`);
    }
    if (!verified) this.verify(vote);
    if (!this.inWindow(vote)) return { status: 'out-of-window' };
    const round = this.#roundVotes(vote.round);
    const result = (vote.type === PREVOTE ? round.prevotes : round.precommits).add(vote, true);
    if ((result.status === 'added' || result.status === 'conflict') && !round.voters.has(vote.validator)) {
      round.voters.add(vote.validator);
      round.voterPower += this.validators.get(vote.validator)!.power;
      const rounds = this.#roundsOf.get(vote.validator) ?? new Set<number>();
      rounds.add(vote.round);
      this.#roundsOf.set(vote.validator, rounds);
    }
    return result;
  }

  #roundVotes(round: number): RoundVotes {
    let votes = this.#rounds.get(round);
    if (!votes) {
      votes = {
        prevotes: new VoteSet(this.chainId, this.height, round, PREVOTE, this.validators),
        precommits: new VoteSet(this.chainId, this.height, round, PRECOMMIT, this.validators),
        voters: new Set(),
        voterPower: 0n,
      };
      this.#rounds.set(round, votes);
    }
    return votes;
  }

  /** The highest round above `round` in which validators with +1/3 of the power voted, or -1. */
  skipRound(round: number): number {
    let best = -1;
    for (const [r, votes] of this.#rounds) {
      if (r > round && r > best && this.validators.hasOneThird(votes.voterPower)) best = r;
    }
    return best;
  }

  /** Rounds in which +2/3 precommitted one block, ascending. */
  committedRounds(): { round: number; blockHash: Hex }[] {
    const out: { round: number; blockHash: Hex }[] = [];
    for (const [round, votes] of this.#rounds) {
      const hash = votes.precommits.twoThirdsMajority();
      if (typeof hash === 'string') out.push({ round, blockHash: hash });
    }
    return out.sort((a, b) => a.round - b.round);
  }
}
