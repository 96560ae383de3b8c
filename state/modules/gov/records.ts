// The governance module's records, declared once (state/codec/schema.ts derives their canonical RLP).
// Field order is the encoding: changing it is a state-breaking change.
import {
  address,
  list,
  type RecordOf,
  record,
  text,
  uint8,
  uint32,
  uint64,
  uint256,
} from '../../codec/schema.ts';

export const ProposalKind = { text: 0, paramChange: 1, treasurySpend: 2 } as const;
export type ProposalKind = (typeof ProposalKind)[keyof typeof ProposalKind];

/**
 * deposit → voting → passed | rejected | vetoed | noQuorum | failed (passed, but its execution
 * failed); deposit → expired when minDeposit is not reached in time.
 */
export const ProposalStatus = {
  deposit: 0,
  voting: 1,
  passed: 2,
  rejected: 3,
  vetoed: 4,
  noQuorum: 5,
  failed: 6,
  expired: 7,
} as const;
export type ProposalStatus = (typeof ProposalStatus)[keyof typeof ProposalStatus];

/** As the Cosmos SDK numbers them (0 is "unspecified" there, refused here). */
export const VoteOption = { yes: 1, abstain: 2, no: 3, noWithVeto: 4 } as const;
export type VoteOption = (typeof VoteOption)[keyof typeof VoteOption];

export const LIMITS = {
  title: 140,
  summary: 2_000,
  /** Parameter changes in one proposal. */
  changes: 16,
  moduleName: 32,
  key: 64,
  value: 80,
  /** Distinct depositors of one proposal: refunds loop over them at the end of a block. */
  depositors: 64,
  failure: 512,
} as const;

const changeFields = { module: text(LIMITS.moduleName), key: text(LIMITS.key), value: text(LIMITS.value) };
export const paramChangeRecord = record('param change', changeFields);
export type ParamChange = RecordOf<typeof changeFields>;

const tallyFields = { yes: uint256, abstain: uint256, no: uint256, noWithVeto: uint256, bonded: uint256 };
export const tallyRecord = record('tally', tallyFields);
export type Tally = RecordOf<typeof tallyFields>;
export const EMPTY_TALLY: Tally = { yes: 0n, abstain: 0n, no: 0n, noWithVeto: 0n, bonded: 0n };

const proposalFields = {
  id: uint64,
  kind: uint8,
  status: uint8,
  proposer: address,
  title: text(LIMITS.title),
  summary: text(LIMITS.summary),
  changes: list(paramChangeRecord),
  /** Treasury spends: who is paid, and how much. */
  recipient: address,
  amount: uint256,
  totalDeposit: uint256,
  submitHeight: uint64,
  depositEndHeight: uint64,
  /** 0 until the deposit reaches minDeposit. */
  votingEndHeight: uint64,
  /** Distinct accounts that voted (the voter records are indexed 0..voters-1). */
  voters: uint32,
  /** The final tally, once voting ended. */
  tally: tallyRecord,
  /** Why a passed proposal's execution failed. */
  failure: text(LIMITS.failure),
};
export const proposalRecord = record('proposal', proposalFields);
export type ProposalRecord = RecordOf<typeof proposalFields>;

export const voteRecord = record('vote', { option: uint8, index: uint32 });
export const amountRecord = record('amount', { amount: uint256 });
export const counterRecord = record('counter', { last: uint64 });
export const addressListRecord = record('addresses', { addresses: list(address) });
export const idListRecord = record('ids', { ids: list(uint64) });
