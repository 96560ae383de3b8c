// Voting: an account with stake picks yes, abstain, no or noWithVeto during a proposal's voting
// period; voting again replaces its vote. The weight is counted at the end of the period (tally.ts),
// so only the option is recorded here.
import { delegatorValidators } from '../staking/store.ts';
import { type Call, requireNoValue } from './call.ts';
import { GovError } from './errors.ts';
import { emit } from './events.ts';
import { ProposalStatus, VoteOption } from './records.ts';
import { readVote, requireProposal, writeProposal, writeVote, writeVoterAt } from './store.ts';

const OPTIONS = new Set<number>(Object.values(VoteOption));

export function vote(call: Call, id: bigint, option: bigint): void {
  requireNoValue(call, 'vote');
  const { ctx, state } = call;
  if (!OPTIONS.has(Number(option)))
    throw new GovError(
      'INVALID_OPTION',
      `vote option ${option} is not one of 1 yes, 2 abstain, 3 no, 4 noWithVeto`,
    );
  const p = requireProposal(state, id);
  if (p.status !== ProposalStatus.voting)
    throw new GovError('NOT_IN_VOTING_PERIOD', `proposal ${id} is not in its voting period`);
  if (delegatorValidators(state, ctx.from).length === 0)
    throw new GovError('NO_STAKE', `${ctx.from} has no stake: votes weigh by delegations, and it has none`);
  const chosen = Number(option) as VoteOption;
  const previous = readVote(state, p.id, ctx.from);
  if (previous) {
    writeVote(state, p.id, ctx.from, chosen, previous.index);
  } else {
    writeVote(state, p.id, ctx.from, chosen, p.voters);
    writeVoterAt(state, p.id, p.voters, ctx.from);
    writeProposal(state, { ...p, voters: p.voters + 1 });
  }
  emit(ctx, 'Voted', { id, voter: ctx.from, option: chosen });
}
