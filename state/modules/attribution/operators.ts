// Who may record a model's inferences: its owner and the operators the owner authorizes, each
// holding an attribution bond for that model of at least minAttributionBond. The owner needs a bond
// too: a recorder without one could not be made to pay for a bad record. A successful challenge
// is paid from the recorder's bond (escrow.ts).
//
// Leaving cannot outrun a challenge: a bond is withdrawn in two steps. unlockAttributionBond stops
// the recorder from recording and sets withdrawableAt = now + challengeWindowBlocks + 1, past the
// window of every record it made; until then the bond can still be taken by challenges.
import type { Address } from '../../../core/address.ts';
import type { Call } from './call.ts';
import { requireNoValue } from './checks.ts';
import { AttributionError } from './errors.ts';
import {
  type AttributionBond,
  isOperator,
  readAttributionBond,
  writeAttributionBond,
  writeOperator,
} from './escrowRecords.ts';
import { emit } from './events.ts';
import { payFromModule } from './ledger.ts';
import type { Model } from './records.ts';
import type { StateWriter } from './store.ts';
import { requireModel } from './store.ts';

export function setOperator(call: Call, modelId: bigint, operator: Address, allowed: boolean): void {
  const { ctx, state } = call;
  requireNoValue(ctx, 'setOperator');
  const model = requireModel(state, modelId);
  if (ctx.from !== model.owner) {
    throw new AttributionError(
      'NOT_AUTHORIZED',
      `setOperator: only the owner of model ${modelId} (${model.owner}) may authorize operators`,
    );
  }
  writeOperator(state, modelId, operator, allowed);
  emit(ctx, 'OperatorSet', { modelId, operator, allowed });
}

export function postAttributionBond(call: Call, modelId: bigint): void {
  const { ctx, state } = call;
  requireModel(state, modelId);
  if (ctx.value === 0n) {
    throw new AttributionError('WRONG_BOND', `postAttributionBond: send the bond as the value, got 0`);
  }
  const bond = readAttributionBond(state, modelId, ctx.from);
  // Posting more cancels a pending withdrawal: the whole bond answers for records again.
  const next = { amount: bond.amount + ctx.value, withdrawableAt: 0 };
  writeAttributionBond(state, modelId, ctx.from, next);
  emit(ctx, 'AttributionBondPosted', { modelId, recorder: ctx.from, amount: ctx.value, total: next.amount });
}

export function unlockAttributionBond(call: Call, modelId: bigint): void {
  const { ctx, state, params } = call;
  requireNoValue(ctx, 'unlockAttributionBond');
  const bond = requireBond(state, modelId, ctx.from, 'unlockAttributionBond');
  if (bond.withdrawableAt !== 0) {
    throw new AttributionError(
      'WRONG_STATUS',
      `unlockAttributionBond: the bond is already unlocking (withdrawable at height ${bond.withdrawableAt})`,
    );
  }
  const withdrawableAt = ctx.block.height + params.challengeWindowBlocks + 1;
  writeAttributionBond(state, modelId, ctx.from, { ...bond, withdrawableAt });
  emit(ctx, 'AttributionBondUnlocked', {
    modelId,
    recorder: ctx.from,
    withdrawableAt: BigInt(withdrawableAt),
  });
}

export function withdrawAttributionBond(call: Call, modelId: bigint): void {
  const { ctx, state } = call;
  requireNoValue(ctx, 'withdrawAttributionBond');
  const bond = requireBond(state, modelId, ctx.from, 'withdrawAttributionBond');
  if (bond.withdrawableAt === 0 || ctx.block.height < bond.withdrawableAt) {
    const why =
      bond.withdrawableAt === 0
        ? 'call unlockAttributionBond first'
        : `it may be withdrawn from height ${bond.withdrawableAt}, after the challenge window of its last record`;
    throw new AttributionError(
      'BOND_LOCKED',
      `withdrawAttributionBond: the bond for model ${modelId} is locked: ${why}`,
    );
  }
  writeAttributionBond(state, modelId, ctx.from, { amount: 0n, withdrawableAt: 0 });
  if (bond.amount > 0n) payFromModule(call, ctx.from, bond.amount);
  emit(ctx, 'AttributionBondWithdrawn', { modelId, recorder: ctx.from, amount: bond.amount });
}

function requireBond(state: StateWriter, modelId: bigint, recorder: Address, fn: string): AttributionBond {
  requireModel(state, modelId);
  const bond = readAttributionBond(state, modelId, recorder);
  if (bond.amount === 0n && bond.withdrawableAt === 0) {
    throw new AttributionError(
      'WRONG_STATUS',
      `${fn}: ${recorder} holds no attribution bond for model ${modelId}`,
    );
  }
  return bond;
}

/** Refuses a record from anyone but the model's owner or an operator with enough bond. */
export function requireRecorder(call: Call, modelId: bigint, model: Model, fn = 'recordInference'): void {
  const { ctx, state, params } = call;
  const from = ctx.from;
  if (from !== model.owner && !isOperator(state, modelId, from)) {
    throw new AttributionError(
      'NOT_AUTHORIZED',
      `${fn}: ${from} is neither the owner of model ${modelId} nor an operator it authorized`,
    );
  }
  const bond = readAttributionBond(state, modelId, from);
  if (bond.withdrawableAt !== 0 || bond.amount < params.minAttributionBond) {
    const held =
      bond.withdrawableAt !== 0 ? `an unlocking bond of ${bond.amount}` : `a bond of ${bond.amount}`;
    throw new AttributionError(
      'BOND_TOO_LOW',
      `${fn}: ${from} holds ${held} for model ${modelId}, needs at least ${params.minAttributionBond} (postAttributionBond)`,
    );
  }
}
