// The votes of one (height, round, type): verified against the validator set, tallied in voting
// power per block (nil included) and in total, with the first block to reach +2/3 remembered.
// A validator voting for two different blocks is equivocating: the pair becomes duplicate-vote
// evidence, and the second vote still counts for its block (counting an equivocator on both sides
// cannot create two quorums: their intersection would be more than 1/3 of the power, all byzantine).
// One offence (validator, height, round, type) is one piece of evidence: later conflicting votes
// are neither stored nor turned into evidence ('excess'), so a byzantine validator can neither grow
// a vote set nor flood the evidence pool (and the WAL) by signing more blocks for the same step.
import type { Address } from '../core/address.ts';
import type { Hex } from '../core/bytes.ts';
import { type DuplicateVoteEvidence, duplicateVoteEvidence } from '../core/evidence.ts';
import type { Validator } from '../core/validator.ts';
import {
  type Commit,
  type CommitSig,
  PRECOMMIT,
  sortCommitSigs,
  type Vote,
  VoteError,
  type VoteType,
  verifyVoteSignature,
} from '../core/vote.ts';
import type { ValidatorSet } from './validatorSet.ts';

const MAX_VOTES_PER_VALIDATOR = 2;

/** Map key of a vote's block: the lowercase hash, or 'nil'. */
export type BlockKey = Hex | 'nil';

export function blockKey(hash: Hex | null): BlockKey {
  return hash === null ? 'nil' : (hash.toLowerCase() as Hex);
}

function fromKey(key: BlockKey): Hex | null {
  return key === 'nil' ? null : key;
}

export type AddVoteResult =
  | { readonly status: 'added' }
  | { readonly status: 'duplicate' }
  /** A second block from the same validator: stored (if within the cap) and proven by the evidence. */
  | { readonly status: 'conflict'; readonly evidence: DuplicateVoteEvidence }
  /** A further block from a validator already proven to equivocate here: dropped. */
  | { readonly status: 'excess' };

/** Membership and signature check. Throws VoteError (UNKNOWN_VALIDATOR, BAD_SIGNATURE). */
export function verifyVote(chainId: bigint, vote: Vote, validators: ValidatorSet): Validator {
  const validator = validators.get(vote.validator);
  if (!validator)
    throw new VoteError('UNKNOWN_VALIDATOR', `${vote.validator} is not a validator at height ${vote.height}`);
  if (!verifyVoteSignature(chainId, vote, validator)) {
    throw new VoteError('BAD_SIGNATURE', `vote signature of ${vote.validator} does not verify`);
  }
  return validator;
}

export class VoteSet {
  readonly chainId: bigint;
  readonly height: number;
  readonly round: number;
  readonly type: VoteType;
  readonly validators: ValidatorSet;
  readonly #votes = new Map<Address, Vote[]>();
  readonly #power = new Map<BlockKey, bigint>();
  #anyPower = 0n;
  #majority: BlockKey | undefined;

  constructor(chainId: bigint, height: number, round: number, type: VoteType, validators: ValidatorSet) {
    this.chainId = chainId;
    this.height = height;
    this.round = round;
    this.type = type;
    this.validators = validators;
  }

  /** Whether this exact (validator, block) vote is already counted. */
  has(vote: Vote): boolean {
    const key = blockKey(vote.blockHash);
    return this.#votes.get(vote.validator)?.some((v) => blockKey(v.blockHash) === key) ?? false;
  }

  /** Whether `vote` is a further conflicting vote from a validator that already equivocated here. */
  isExcess(vote: Vote): boolean {
    const existing = this.#votes.get(vote.validator);
    return existing !== undefined && existing.length >= MAX_VOTES_PER_VALIDATOR && !this.has(vote);
  }

  /**
   * Counts a vote. Throws VoteError if it is for another (height, round, type), from a non-member,
   * or (unless `verified`, i.e. already checked by verifyVote) badly signed.
   */
  add(vote: Vote, verified = false): AddVoteResult {
    if (vote.height !== this.height || vote.round !== this.round || vote.type !== this.type) {
      throw new VoteError(
        'MALFORMED',
        `vote for ${vote.height}/${vote.round}/${vote.type} added to the set of ${this.height}/${this.round}/${this.type}`,
      );
    }
    const validator = verified
      ? this.validators.get(vote.validator)
      : verifyVote(this.chainId, vote, this.validators);
    if (!validator) throw new VoteError('UNKNOWN_VALIDATOR', `${vote.validator} is not a validator`);
    const key = blockKey(vote.blockHash);
    const existing = this.#votes.get(vote.validator);
    if (!existing) {
      this.#votes.set(vote.validator, [vote]);
      this.#anyPower += validator.power;
      this.#count(key, validator.power);
      return { status: 'added' };
    }
    if (existing.some((v) => blockKey(v.blockHash) === key)) return { status: 'duplicate' };
    if (existing.length >= MAX_VOTES_PER_VALIDATOR) return { status: 'excess' };
    existing.push(vote);
    this.#count(key, validator.power);
    return { status: 'conflict', evidence: duplicateVoteEvidence(existing[0]!, vote) };
  }

  #count(key: BlockKey, power: bigint): void {
    const total = (this.#power.get(key) ?? 0n) + power;
    this.#power.set(key, total);
    if (this.#majority === undefined && this.validators.hasTwoThirds(total)) this.#majority = key;
  }

  /** The block (or null for nil) with +2/3 of the power, or undefined if none has it. */
  twoThirdsMajority(): Hex | null | undefined {
    return this.#majority === undefined ? undefined : fromKey(this.#majority);
  }

  /** +2/3 of the power voted, for anything. */
  hasTwoThirdsAny(): boolean {
    return this.validators.hasTwoThirds(this.#anyPower);
  }

  get anyPower(): bigint {
    return this.#anyPower;
  }

  powerFor(hash: Hex | null): bigint {
    return this.#power.get(blockKey(hash)) ?? 0n;
  }

  /** The validator's first vote in this set. */
  voteOf(address: Address): Vote | undefined {
    return this.#votes.get(address)?.[0];
  }

  /** The votes for one block (or nil), by validator address. */
  votesFor(hash: Hex | null): Vote[] {
    const key = blockKey(hash);
    const out: Vote[] = [];
    for (const votes of this.#votes.values()) {
      const vote = votes.find((v) => blockKey(v.blockHash) === key);
      if (vote) out.push(vote);
    }
    return out.sort((a, b) => (a.validator < b.validator ? -1 : a.validator > b.validator ? 1 : 0));
  }

  /** The commit certificate of the +2/3 block (precommit sets only). */
  makeCommit(): Commit {
    const hash = this.twoThirdsMajority();
    if (this.type !== PRECOMMIT || typeof hash !== 'string') {
      throw new VoteError(
        'INSUFFICIENT_POWER',
        `no +2/3 precommits for a block at ${this.height}/${this.round}`,
      );
    }
    const signatures: CommitSig[] = this.votesFor(hash).map((v) => ({
      validator: v.validator,
      signature: v.signature,
    }));
    return {
      height: this.height,
      round: this.round,
      blockHash: hash,
      signatures: sortCommitSigs(signatures),
    };
  }
}
