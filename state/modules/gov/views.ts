// Read-only functions answered through eth_call: the parameters, proposals, their deposits and
// votes, and a proposal's tally (the live one while it is voting), as IGov's structs.
import type { StateReader } from '../../stateDb.ts';
import type { ViewHandlersOf, ViewName, ViewResult } from '../abiRouter.ts';
import type { govAbi } from './abi.ts';
import { readGovParams } from './params.ts';
import { type ProposalRecord, ProposalStatus, type Tally } from './records.ts';
import { lastProposalId, readDeposit, readDepositors, readVotes, requireProposal } from './store.ts';
import { currentTally } from './tally.ts';

export type ViewHandlers = ViewHandlersOf<typeof govAbi>;
type Result<N extends ViewName<typeof govAbi>> = ViewResult<typeof govAbi, N>;

/** The votes counted so far while voting; the final tally after. */
export function tallyOf(state: StateReader, p: ProposalRecord): Tally {
  return p.status === ProposalStatus.voting ? currentTally(state, p) : p.tally;
}

export function proposalView(state: StateReader, p: ProposalRecord): Result<'proposal'> {
  return {
    ...p,
    id: BigInt(p.id),
    submitHeight: BigInt(p.submitHeight),
    depositEndHeight: BigInt(p.depositEndHeight),
    votingEndHeight: BigInt(p.votingEndHeight),
    changes: [...p.changes],
    tally: tallyOf(state, p),
  };
}

export const views: ViewHandlers = {
  params: (state) => {
    const p = readGovParams(state);
    return {
      ...p,
      maxDepositPeriodBlocks: BigInt(p.maxDepositPeriodBlocks),
      votingPeriodBlocks: BigInt(p.votingPeriodBlocks),
    };
  },
  proposalCount: (state) => BigInt(lastProposalId(state)),
  proposal: (state, [id]) => proposalView(state, requireProposal(state, id)),
  tally: (state, [id]) => tallyOf(state, requireProposal(state, id)),
  deposits: (state, [id]) => {
    const p = requireProposal(state, id);
    return readDepositors(state, p.id).map((depositor) => ({
      depositor,
      amount: readDeposit(state, p.id, depositor),
    }));
  },
  votes: (state, [id]) => readVotes(state, requireProposal(state, id)),
};
