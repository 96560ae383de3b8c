// The governance module's public surface: the module, its address and ABI, its parameters, its
// records, and the end-of-block step (docs/governance.md).
export { GOV_ADDRESS, govAbi, govSignatures } from './abi.ts';
export { govEndBlock } from './endBlock.ts';
export { GovError, type GovErrorCode } from './errors.ts';
export { GAS as GOV_GAS } from './gas.ts';
export { GovModule, govModule } from './module.ts';
export { findGovParams, type GovParams, govParams, readGovParams, writeGovParams } from './params.ts';
export {
  type ParamChange,
  ProposalKind,
  type ProposalRecord,
  ProposalStatus,
  type Tally,
  VoteOption,
} from './records.ts';
export { GOVERNED } from './registry.ts';
export { readProposal } from './store.ts';
export { currentTally, outcomeOf, type TallyValidator, type TallyVote, tallyVotes } from './tally.ts';
export { proposalView, views as govViews } from './views.ts';
