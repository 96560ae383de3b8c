// This validator's signed proposals and votes of the current height. A message is recorded here
// when it is signed (or found in the WAL on restart); whenever the rules ask for the same
// (round, type) again, the recorded message is reused instead of signing anything new. Together with
// the privval's height/round/step guard this is what makes a replay after a crash emit exactly the
// messages that were signed before it.
import { PRECOMMIT, PREVOTE, type Vote, type VoteType } from '../core/vote.ts';
import type { Proposal } from './proposal.ts';

export class OwnMessages {
  readonly height: number;
  readonly #proposals = new Map<number, Proposal>();
  readonly #votes = new Map<string, Vote>();

  constructor(height: number) {
    this.height = height;
  }

  proposal(round: number): Proposal | undefined {
    return this.#proposals.get(round);
  }

  vote(round: number, type: VoteType): Vote | undefined {
    return this.#votes.get(`${round}/${type}`);
  }

  addProposal(proposal: Proposal): void {
    this.#proposals.set(proposal.round, proposal);
  }

  addVote(vote: Vote): void {
    this.#votes.set(`${vote.round}/${vote.type}`, vote);
  }

  /** The proposal and votes of one round, in signing order. */
  ofRound(round: number): { proposal: Proposal | undefined; votes: Vote[] } {
    const votes = [this.vote(round, PREVOTE), this.vote(round, PRECOMMIT)].filter(
      (v): v is Vote => v !== undefined,
    );
    return { proposal: this.#proposals.get(round), votes };
  }
}
