// Submitting proposals and depositing on them (docs/governance.md "Lifecycle"). The OPEN sent with
// the call is already in the module's account when a handler runs; a refused call reverts it.
// A proposal is in its deposit period until its deposits reach minDeposit, when its voting period
// starts; each period's end is queued at its height for the end-of-block step.
import { type Address, ZERO_ADDRESS } from '../../../core/address.ts';
import { utf8ToBytes } from '../../../core/bytes.ts';
import { readParams } from '../../params.ts';
import { StateOverlay } from '../../stateDb.ts';
import type { Call } from './call.ts';
import { GovError } from './errors.ts';
import { emit } from './events.ts';
import type { GovParams } from './params.ts';
import {
  EMPTY_TALLY,
  LIMITS,
  type ParamChange,
  ProposalKind,
  type ProposalRecord,
  ProposalStatus,
} from './records.ts';
import { applyParamChanges } from './registry.ts';
import {
  addDeposit,
  dequeue,
  enqueue,
  lastProposalId,
  readDeposit,
  readDepositors,
  requireProposal,
  setLastProposalId,
  writeProposal,
} from './store.ts';

function requireText(what: string, value: string, max: number, nonEmpty = false): void {
  const size = utf8ToBytes(value).length;
  if (size > max) throw new GovError('INVALID_ARGUMENT', `${what} is ${size} bytes of UTF-8, limit ${max}`);
  if (nonEmpty && size === 0) throw new GovError('INVALID_ARGUMENT', `${what} must not be empty`);
}

/** The least deposit a submitter must bring: minInitialDepositBps of minDeposit, rounded up. */
export function minInitialDeposit(params: GovParams): bigint {
  return (params.minDeposit * BigInt(params.minInitialDepositBps) + 9_999n) / 10_000n;
}

interface Content {
  readonly kind: ProposalKind;
  readonly title: string;
  readonly summary: string;
  readonly changes?: readonly ParamChange[];
  readonly recipient?: Address;
  readonly amount?: bigint;
}

function checkContent(call: Call, c: Content): void {
  requireText('title', c.title, LIMITS.title, true);
  requireText('summary', c.summary, LIMITS.summary);
  if (c.kind === ProposalKind.paramChange) {
    const changes = c.changes ?? [];
    if (changes.length > LIMITS.changes)
      throw new GovError('INVALID_ARGUMENT', `${changes.length} parameter changes, limit ${LIMITS.changes}`);
    for (const [i, ch] of changes.entries()) {
      requireText(`changes[${i}].module`, ch.module, LIMITS.moduleName);
      requireText(`changes[${i}].key`, ch.key, LIMITS.key);
      requireText(`changes[${i}].value`, ch.value, LIMITS.value);
    }
    // Checked against the current state on a scratch copy: what could never apply is refused now.
    applyParamChanges(new StateOverlay(call.state), changes);
  }
  if (c.kind === ProposalKind.treasurySpend) {
    if (!c.amount) throw new GovError('INVALID_ARGUMENT', 'a treasury spend needs a positive amount');
    if (readParams(call.state).treasury === ZERO_ADDRESS)
      throw new GovError(
        'TREASURY_DISABLED',
        "this chain's treasury is the zero address (its share is burned): there is nothing to spend",
      );
  }
}

export function submitProposal(call: Call, c: Content): void {
  const { ctx, state, params } = call;
  checkContent(call, c);
  const least = minInitialDeposit(params);
  if (ctx.value < least)
    throw new GovError(
      'DEPOSIT_TOO_LOW',
      `an initial deposit of ${ctx.value} is below the minimum ${least} (${params.minInitialDepositBps} bps of minDeposit ${params.minDeposit})`,
    );
  const id = lastProposalId(state) + 1;
  setLastProposalId(state, id);
  const height = ctx.block.height;
  const proposal: ProposalRecord = {
    id,
    kind: c.kind,
    status: ProposalStatus.deposit,
    proposer: ctx.from,
    title: c.title,
    summary: c.summary,
    changes: c.changes ?? [],
    recipient: c.recipient ?? ZERO_ADDRESS,
    amount: c.amount ?? 0n,
    totalDeposit: 0n,
    submitHeight: height,
    depositEndHeight: height + params.maxDepositPeriodBlocks,
    votingEndHeight: 0,
    voters: 0,
    tally: EMPTY_TALLY,
    failure: '',
  };
  emit(ctx, 'ProposalSubmitted', { id: BigInt(id), proposer: ctx.from, kind: c.kind, title: c.title });
  enqueue(state, proposal.depositEndHeight, id);
  writeProposal(state, addFunds(call, proposal, ctx.from, ctx.value));
}

export function deposit(call: Call, id: bigint): void {
  const { ctx, state } = call;
  const p = requireProposal(state, id);
  if (p.status !== ProposalStatus.deposit)
    throw new GovError('NOT_IN_DEPOSIT_PERIOD', `proposal ${id} is not in its deposit period`);
  if (ctx.value === 0n)
    throw new GovError('DEPOSIT_TOO_LOW', 'a deposit needs a value: the amount to deposit');
  writeProposal(state, addFunds(call, p, ctx.from, ctx.value));
}

/** Records a deposit; reaching minDeposit starts the voting period at this block. */
function addFunds(call: Call, p: ProposalRecord, depositor: Address, amount: bigint): ProposalRecord {
  const { ctx, state, params } = call;
  if (amount === 0n) return p;
  if (readDeposit(state, p.id, depositor) === 0n && readDepositors(state, p.id).length >= LIMITS.depositors)
    throw new GovError('TOO_MANY_DEPOSITORS', `proposal ${p.id} has ${LIMITS.depositors} depositors already`);
  addDeposit(state, p.id, depositor, amount);
  const totalDeposit = p.totalDeposit + amount;
  emit(ctx, 'DepositAdded', { id: BigInt(p.id), depositor, amount, totalDeposit });
  if (totalDeposit < params.minDeposit) return { ...p, totalDeposit };
  const votingEndHeight = ctx.block.height + params.votingPeriodBlocks;
  dequeue(state, p.depositEndHeight, p.id);
  enqueue(state, votingEndHeight, p.id);
  emit(ctx, 'VotingStarted', { id: BigInt(p.id), votingEndHeight: BigInt(votingEndHeight) });
  return { ...p, totalDeposit, status: ProposalStatus.voting, votingEndHeight };
}
