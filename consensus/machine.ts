// The Tendermint algorithm for one height (Buchman, Kwon, Milosevic, "The latest gossip on BFT
// consensus", 2018, Algorithm 1), with voting power in place of process counts: "2f+1" is +2/3 of the
// power, "f+1" is +1/3. Pure and synchronous: inputs are proposals (already signature-checked and
// judged valid or not by the engine), votes and timeouts; outputs are actions the engine performs
// (sign and send a proposal or vote, schedule a timeout, commit). Own messages come back as inputs,
// as they do in the paper. The `Lnn` comments refer to the paper's line numbers.
//
// Deviations from the paper, each safe:
// - L36/L49 need the block, not the proposal of that round: a block known from any proposal of the
//   height is identified by its hash, and +2/3 votes for that hash are what safety rests on.
// - valid(v) for a fresh proposal (L22) also requires its time to be timely (CometBFT's
//   proposer-based timestamps; the engine judges it against when the proposal arrived). Re-proposals (L28), locking and deciding use validity alone, so
//   a node with a bad clock still follows a quorum.
// - valid(v) is three-valued: a block whose check failed locally (not a verdict on it) is treated
//   as invalid for prevoting and locking, and rechecked (setValidity) so it can still be locked on or
//   decided.
// - timeoutPropose is also scheduled for the proposer itself, so a proposer that fails to build or
//   sign its proposal still moves on.
// - In newHeight (during timeoutCommit) votes are collected but nothing is sent; round 0 starts on
//   the commit timeout, or waits for transactions when empty blocks are off.
import type { Address } from '../core/address.ts';
import type { Block } from '../core/block.ts';
import type { Hex } from '../core/bytes.ts';
import type { DuplicateVoteEvidence } from '../core/evidence.ts';
import { type Commit, PRECOMMIT, PREVOTE, type Vote, type VoteType } from '../core/vote.ts';
import type { TimeoutStep } from './config.ts';
import { type HeightAddResult, HeightVoteSet } from './heightVoteSet.ts';
import type { Proposal } from './proposal.ts';
import type { ProposerSchedule } from './proposer.ts';
import type { ValidatorSet } from './validatorSet.ts';
import { type BlockKey, blockKey } from './voteSet.ts';

export type Step = 'newHeight' | 'propose' | 'prevote' | 'precommit' | 'commit';

export interface TimeoutInfo {
  readonly height: number;
  readonly round: number;
  readonly step: TimeoutStep;
}

/**
 * valid(v) as far as this node knows: true or false once checked, null while the check could not be
 * made here (the application failed locally). An unchecked block is treated like an invalid one
 * for prevoting and locking (nil is always safe) but is never taken for invalid: it is checked again
 * (setValidity) and can still be locked on or decided.
 */
export type Validity = boolean | null;

export interface ReceivedProposal {
  readonly proposal: Proposal;
  readonly hash: Hex;
  readonly valid: Validity;
  /** Its time is not too far ahead of the local clock (only consulted for fresh proposals). */
  readonly timely: boolean;
}

export interface KnownBlock {
  readonly block: Block;
  readonly hash: Hex;
  readonly valid: Validity;
}

export type Action =
  /** Propose `block` (the valid value) or, if null, a new block from the application. */
  | {
      readonly kind: 'propose';
      readonly round: number;
      readonly block: Block | null;
      readonly polRound: number;
    }
  | { readonly kind: 'vote'; readonly type: VoteType; readonly round: number; readonly blockHash: Hex | null }
  | { readonly kind: 'schedule'; readonly timeout: TimeoutInfo }
  | { readonly kind: 'decide'; readonly round: number; readonly block: Block; readonly commit: Commit }
  /** +2/3 precommitted a block this node has not seen: it has to be fetched. */
  | { readonly kind: 'missingBlock'; readonly round: number; readonly blockHash: Hex }
  /** +2/3 precommitted a block this node's application rejects. */
  | { readonly kind: 'invalidDecision'; readonly round: number; readonly blockHash: Hex }
  /** +2/3 precommitted a block this node could not check yet: it has to be checked again. */
  | { readonly kind: 'uncheckedDecision'; readonly round: number; readonly blockHash: Hex }
  | { readonly kind: 'evidence'; readonly evidence: DuplicateVoteEvidence };

export interface HeightMachineParams {
  readonly chainId: bigint;
  readonly height: number;
  readonly validators: ValidatorSet;
  readonly proposers: ProposerSchedule;
  /** This node's validator address, or null if it does not vote at this height. */
  readonly self: Address | null;
  readonly futureRoundsPerValidator: number;
  /** Asked when round 0 starts: true to wait for transactions before proposing. */
  readonly waitForTxs?: () => boolean;
}

/** A proposer sending more than one proposal per round is equivocating; two are enough to see it. */
const MAX_PROPOSALS_PER_ROUND = 2;

export class HeightMachine {
  readonly height: number;
  readonly validators: ValidatorSet;
  readonly votes: HeightVoteSet;
  readonly #proposers: ProposerSchedule;
  readonly #self: Address | null;
  readonly #waitForTxs: () => boolean;
  #round = 0;
  #step: Step = 'newHeight';
  #waitingForTxs = false;
  #locked: { readonly round: number; readonly block: KnownBlock } | null = null;
  #valid: { readonly round: number; readonly block: KnownBlock } | null = null;
  readonly #proposals = new Map<number, ReceivedProposal[]>();
  readonly #blocks = new Map<BlockKey, KnownBlock>();
  // The round in which each "for the first time" rule last fired (L34, L36, L47).
  #prevoteWaitRound = -1;
  #polRuleRound = -1;
  #precommitWaitRound = -1;
  readonly #reported = new Set<string>();
  #decision: { readonly round: number; readonly block: KnownBlock } | null = null;

  constructor(params: HeightMachineParams) {
    this.height = params.height;
    this.validators = params.validators;
    this.votes = new HeightVoteSet(
      params.chainId,
      params.height,
      params.validators,
      params.futureRoundsPerValidator,
    );
    this.#proposers = params.proposers;
    this.#self = params.self;
    this.#waitForTxs = params.waitForTxs ?? (() => false);
  }

  get round(): number {
    return this.#round;
  }

  get step(): Step {
    return this.#step;
  }

  get lockedRound(): number {
    return this.#locked?.round ?? -1;
  }

  get lockedHash(): Hex | null {
    return this.#locked?.block.hash ?? null;
  }

  get validRound(): number {
    return this.#valid?.round ?? -1;
  }

  get validHash(): Hex | null {
    return this.#valid?.block.hash ?? null;
  }

  get decision(): { readonly round: number; readonly block: KnownBlock } | null {
    return this.#decision;
  }

  /** Round 0 is waiting for transactions (createEmptyBlocks off). */
  get waitingForTxs(): boolean {
    return this.#waitingForTxs && this.#step === 'propose';
  }

  get self(): Address | null {
    return this.#self;
  }

  proposer(round: number): Address {
    return this.#proposers.proposer(round);
  }

  proposalCount(round: number): number {
    return this.#proposals.get(round)?.length ?? 0;
  }

  hasProposal(round: number, hash: Hex): boolean {
    return this.#proposals.get(round)?.some((p) => blockKey(p.hash) === blockKey(hash)) ?? false;
  }

  block(hash: Hex): KnownBlock | undefined {
    return this.#blocks.get(blockKey(hash));
  }

  /** Blocks of this height whose check failed locally (validity null). */
  uncheckedBlocks(): KnownBlock[] {
    return [...this.#blocks.values()].filter((b) => b.valid === null);
  }

  /** The outcome of checking an unchecked block again; the rules that waited for it may now fire. */
  setValidity(hash: Hex, valid: boolean): Action[] {
    const key = blockKey(hash);
    const known = this.#blocks.get(key);
    if (!known || known.valid !== null) return [];
    this.#blocks.set(key, { ...known, valid });
    return this.#run(() => {});
  }

  /**
   * The block of the latest proposal from a round before `round` that is valid here, if any. A
   * proposer without a valid value may propose it again (a fresh proposal, polRound -1): any value
   * is a correct proposal, and this one every validator has most likely processed already. Only a
   * proposal that was timely here: an untimely block is one from the future (which every validator
   * would refuse again until its time comes, stalling the height for as long as its proposer's clock
   * is ahead) or one holding chain time back (which a later round, without the lower bound, would
   * take from us).
   */
  validProposalBefore(round: number): KnownBlock | undefined {
    for (let r = Math.min(round, this.#round + 1) - 1; r >= 0; r--) {
      for (const p of this.#proposals.get(r) ?? []) {
        const block = this.#blocks.get(blockKey(p.hash));
        if (block?.valid && p.timely) return block;
      }
    }
    return undefined;
  }

  txsAvailable(): Action[] {
    if (!this.waitingForTxs) return [];
    return this.#run((a) => {
      this.#waitingForTxs = false;
      this.#enterPropose(a);
    });
  }

  onProposal(received: ReceivedProposal): Action[] {
    const { round } = received.proposal;
    if (this.#decision || this.hasProposal(round, received.hash)) return [];
    const list = this.#proposals.get(round) ?? [];
    if (list.length >= MAX_PROPOSALS_PER_ROUND) return [];
    list.push(received);
    this.#proposals.set(round, list);
    const key = blockKey(received.hash);
    if (!this.#blocks.has(key)) {
      this.#blocks.set(key, { block: received.proposal.block, hash: received.hash, valid: received.valid });
    }
    const actions: Action[] = [];
    this.#evaluate(actions);
    return actions;
  }

  /** Counts a vote of this height; `verified` skips the signature check (the engine did it). */
  onVote(vote: Vote, verified = false): { result: HeightAddResult; actions: Action[] } {
    const result = this.votes.add(vote, verified);
    const actions: Action[] = [];
    if (result.status === 'conflict') actions.push({ kind: 'evidence', evidence: result.evidence });
    if (result.status === 'added' || result.status === 'conflict') this.#evaluate(actions);
    return { result, actions };
  }

  /** Whether the timeout would still do something (stale ones are not written to the WAL). */
  isTimeoutRelevant(t: TimeoutInfo): boolean {
    if (t.height !== this.height || this.#decision) return false;
    switch (t.step) {
      case 'commit':
        return this.#step === 'newHeight';
      case 'propose':
        return t.round === this.#round && this.#step === 'propose' && !this.waitingForTxs;
      case 'prevote':
        return t.round === this.#round && this.#step === 'prevote';
      case 'precommit':
        return t.round === this.#round && this.#step !== 'newHeight';
    }
  }

  onTimeout(t: TimeoutInfo): Action[] {
    if (!this.isTimeoutRelevant(t)) return [];
    return this.#run((a) => {
      switch (t.step) {
        case 'commit': // the end of timeoutCommit starts the height (L10)
          return this.#startRound(0, a, true);
        case 'propose': // OnTimeoutPropose (L57)
          return this.#vote(a, PREVOTE, null);
        case 'prevote': // OnTimeoutPrevote (L61)
          return this.#vote(a, PRECOMMIT, null);
        case 'precommit': // OnTimeoutPrecommit (L65)
          return this.#startRound(t.round + 1, a, false);
      }
    });
  }

  #run(fn: (actions: Action[]) => void): Action[] {
    const actions: Action[] = [];
    fn(actions);
    this.#evaluate(actions);
    return actions;
  }

  // StartRound (L11).
  #startRound(round: number, a: Action[], mayWait: boolean): void {
    this.#round = round;
    this.votes.setRound(round);
    this.#step = 'propose';
    this.#waitingForTxs = round === 0 && mayWait && this.#waitForTxs();
    if (!this.#waitingForTxs) this.#enterPropose(a);
  }

  #enterPropose(a: Action[]): void {
    if (this.#self !== null && this.proposer(this.#round) === this.#self) {
      a.push({
        kind: 'propose',
        round: this.#round,
        block: this.#valid?.block.block ?? null,
        polRound: this.#valid?.round ?? -1,
      });
    }
    a.push({ kind: 'schedule', timeout: { height: this.height, round: this.#round, step: 'propose' } });
  }

  #vote(a: Action[], type: VoteType, blockHash: Hex | null): void {
    this.#step = type === PREVOTE ? 'prevote' : 'precommit';
    if (this.#self !== null) a.push({ kind: 'vote', type, round: this.#round, blockHash });
  }

  /** Applies every rule whose condition holds, until none does. Each firing changes state for good. */
  #evaluate(a: Action[]): void {
    for (;;) {
      if (this.#decision || this.#tryDecide(a)) return;
      const skip = this.votes.skipRound(this.#round);
      if (skip > this.#round) {
        this.#startRound(skip, a, false); // L55
        continue;
      }
      if (this.#step === 'newHeight') return;
      if (this.#tryPrevote(a)) continue;
      this.#tryScheduleTimeoutPrevote(a);
      if (this.#tryLock(a)) continue;
      if (this.#tryPrecommitNil(a)) continue;
      this.#tryScheduleTimeoutPrecommit(a);
      return;
    }
  }

  // L49: +2/3 precommits for a block in any round decide it.
  #tryDecide(a: Action[]): boolean {
    for (const { round, blockHash } of this.votes.committedRounds()) {
      const block = this.#blocks.get(blockKey(blockHash));
      if (!block?.valid) {
        const kind = !block ? 'missingBlock' : block.valid === null ? 'uncheckedDecision' : 'invalidDecision';
        const report = `${kind}/${round}/${blockHash}`;
        if (!this.#reported.has(report)) {
          this.#reported.add(report);
          a.push({ kind, round, blockHash });
        }
        continue;
      }
      this.#decision = { round, block };
      this.#step = 'commit';
      a.push({
        kind: 'decide',
        round,
        block: block.block,
        commit: this.votes.precommits(round)!.makeCommit(),
      });
      return true;
    }
    return false;
  }

  // L22 (fresh proposal) and L28 (re-proposal with a proof-of-lock from round vr).
  #tryPrevote(a: Action[]): boolean {
    if (this.#step !== 'propose') return false;
    const p = this.#proposals.get(this.#round)?.[0];
    if (!p) return false;
    const block = this.#blocks.get(blockKey(p.hash))!;
    const locked = this.#locked;
    const lockedOnIt = locked !== null && blockKey(locked.block.hash) === blockKey(block.hash);
    const vr = p.proposal.polRound;
    if (vr === -1) {
      const ok = block.valid === true && p.timely && (locked === null || lockedOnIt);
      this.#vote(a, PREVOTE, ok ? block.hash : null);
      return true;
    }
    if (vr >= 0 && vr < this.#round && this.#majority(PREVOTE, vr) === blockKey(block.hash)) {
      const ok = block.valid === true && (locked === null || locked.round <= vr || lockedOnIt);
      this.#vote(a, PREVOTE, ok ? block.hash : null);
      return true;
    }
    return false;
  }

  // L34: +2/3 prevotes for anything start timeoutPrevote, once per round.
  #tryScheduleTimeoutPrevote(a: Action[]): void {
    if (this.#step !== 'prevote' || this.#prevoteWaitRound === this.#round) return;
    if (!this.votes.prevotes(this.#round)?.hasTwoThirdsAny()) return;
    this.#prevoteWaitRound = this.#round;
    a.push({ kind: 'schedule', timeout: { height: this.height, round: this.#round, step: 'prevote' } });
  }

  // L36: +2/3 prevotes for a valid block: lock and precommit it (if still prevoting), and remember it
  // as the valid value either way.
  #tryLock(a: Action[]): boolean {
    if ((this.#step !== 'prevote' && this.#step !== 'precommit') || this.#polRuleRound === this.#round)
      return false;
    const key = this.#majority(PREVOTE, this.#round);
    if (key === undefined || key === 'nil') return false;
    const block = this.#blocks.get(key);
    if (block?.valid !== true) return false;
    this.#polRuleRound = this.#round;
    if (this.#step === 'prevote') {
      this.#locked = { round: this.#round, block };
      this.#vote(a, PRECOMMIT, block.hash);
    }
    this.#valid = { round: this.#round, block };
    return true;
  }

  // L44: +2/3 prevotes for nil.
  #tryPrecommitNil(a: Action[]): boolean {
    if (this.#step !== 'prevote' || this.#majority(PREVOTE, this.#round) !== 'nil') return false;
    this.#vote(a, PRECOMMIT, null);
    return true;
  }

  // L47: +2/3 precommits for anything start timeoutPrecommit, once per round.
  #tryScheduleTimeoutPrecommit(a: Action[]): void {
    if (this.#precommitWaitRound === this.#round) return;
    if (!this.votes.precommits(this.#round)?.hasTwoThirdsAny()) return;
    this.#precommitWaitRound = this.#round;
    a.push({ kind: 'schedule', timeout: { height: this.height, round: this.#round, step: 'precommit' } });
  }

  #majority(type: VoteType, round: number): BlockKey | undefined {
    const hash = this.votes.get(type, round)?.twoThirdsMajority();
    return hash === undefined ? undefined : blockKey(hash);
  }
}
