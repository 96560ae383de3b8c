// The governance module's end-of-block step (docs/governance.md "Outcome"): every proposal whose
// deposit or voting period ends at this height is settled, in id order, the same on every node.
//   - deposit period over below minDeposit: expired, deposits refunded;
//   - voting period over: tallied (tally.ts); noQuorum or vetoed burns the deposits, any other
//     outcome refunds them; a passed proposal is executed on a snapshot of the state: if that fails
//     (a parameter change that no longer fits the state, a treasury that cannot pay), its writes
//     are reverted and the proposal alone is marked failed with the reason.
// Each outcome is recorded in the proposal (status, tally, failure) and emitted as events
// (ProposalEnded, then DepositsRefunded or DepositsBurned) into the block's end-of-block events,
// which belong to no transaction (state/execution/endBlock.ts).
import type { Log } from '../../../core/receipt.ts';
import { readAccount, transfer, writeAccount } from '../../accounts.ts';
import { readParams } from '../../params.ts';
import type { StateOverlay } from '../../stateDb.ts';
import { burnSupply } from '../../supply.ts';
import type { BlockInfo } from '../module.ts';
import { GOV_ADDRESS } from './abi.ts';
import { GovError } from './errors.ts';
import { encodeLog } from './events.ts';
import { govKeys } from './keys.ts';
import { findGovParams, type GovParams } from './params.ts';
import { LIMITS, ProposalKind, type ProposalRecord, ProposalStatus } from './records.ts';
import { applyParamChanges } from './registry.ts';
import { readDeposit, readDepositors, readProposal, readQueue, writeProposal } from './store.ts';
import { currentTally, outcomeOf } from './tally.ts';

/** Settles the proposals ending at this height, pushing their events onto `events` in order. */
export function govEndBlock(state: StateOverlay, block: BlockInfo, events: Log[]): void {
  const params = findGovParams(state);
  if (!params) return;
  const ids = readQueue(state, block.height);
  if (ids.length === 0) return;
  state.set(govKeys.queue(block.height), null);
  for (const id of [...ids].sort((a, b) => a - b)) {
    const before = readProposal(state, id)!;
    const settled = settle(state, params, before);
    writeProposal(state, settled);
    const id64 = BigInt(id);
    events.push(
      encodeLog('ProposalEnded', { id: id64, status: settled.status, failure: settled.failure }),
      encodeLog(burns(settled.status) ? 'DepositsBurned' : 'DepositsRefunded', {
        id: id64,
        amount: before.totalDeposit,
      }),
    );
  }
}

const burns = (status: number) => status === ProposalStatus.noQuorum || status === ProposalStatus.vetoed;

function settle(state: StateOverlay, params: GovParams, p: ProposalRecord): ProposalRecord {
  if (p.status === ProposalStatus.deposit) {
    refundDeposits(state, p);
    return { ...p, status: ProposalStatus.expired };
  }
  const tally = currentTally(state, p);
  const status = outcomeOf(tally, params);
  if (burns(status)) burnDeposits(state, p);
  else refundDeposits(state, p);
  if (status !== ProposalStatus.passed) return { ...p, status, tally };
  const snapshot = state.snapshot();
  try {
    execute(state, p);
    return { ...p, status, tally };
  } catch (err) {
    // Whatever went wrong, it fails this proposal alone: every node reaches the same error here.
    state.revert(snapshot);
    const reason =
      err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err);
    return { ...p, status: ProposalStatus.failed, tally, failure: truncate(reason) };
  }
}

function execute(state: StateOverlay, p: ProposalRecord): void {
  if (p.kind === ProposalKind.paramChange) applyParamChanges(state, p.changes);
  if (p.kind === ProposalKind.treasurySpend) {
    const treasury = readParams(state).treasury;
    const held = readAccount(state, treasury).balance;
    if (held < p.amount)
      throw new GovError(
        'INSUFFICIENT_TREASURY',
        `the treasury ${treasury} holds ${held}, the spend is ${p.amount}`,
      );
    transfer(state, treasury, p.recipient, p.amount);
  }
}

function refundDeposits(state: StateOverlay, p: ProposalRecord): void {
  for (const depositor of readDepositors(state, p.id))
    transfer(state, GOV_ADDRESS, depositor, readDeposit(state, p.id, depositor));
}

/** Out of the supply: the module holds every open proposal's deposits, so its balance covers it. */
function burnDeposits(state: StateOverlay, p: ProposalRecord): void {
  const account = readAccount(state, GOV_ADDRESS);
  writeAccount(state, GOV_ADDRESS, { ...account, balance: account.balance - p.totalDeposit });
  burnSupply(state, p.totalDeposit);
}

/** The failure field has a size limit: cut on a character boundary. */
function truncate(reason: string): string {
  let out = reason;
  while (new TextEncoder().encode(out).length > LIMITS.failure) out = out.slice(0, -1);
  return out;
}
