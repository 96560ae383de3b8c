// Records of who may record and of the escrowed contributors' pools, declared once
// (state/codec/schema.ts derives their canonical RLP; field order is the encoding), with their reads
// and writes through the call's metered state.
import type { Address } from '../../../core/address.ts';
import {
  address,
  bigUint,
  bool,
  list,
  type RecordOf,
  record,
  uint8,
  uint32,
  uint64,
  uint256,
} from '../../codec/schema.ts';
import type { StateReader } from '../../stateDb.ts';
import { AttributionError } from './errors.ts';
import { attributionKeys as keys } from './keys.ts';
import type { StateWriter } from './store.ts';

const bondFields = {
  amount: uint256,
  /** 0, or the height from which the unlocked bond may be withdrawn (no recording meanwhile). */
  withdrawableAt: uint64,
};
export const attributionBondRecord = record('attribution bond', bondFields);
export type AttributionBond = RecordOf<typeof bondFields>;
const NO_BOND: AttributionBond = { amount: 0n, withdrawableAt: 0 };

const id64 = bigUint(64);
const segmentFields = { outputStart: uint32, length: uint32, contributionId: id64 };
const payoutFields = { role: uint8, refId: id64, recipient: address, amount: uint256 };
/** A payout as settlement records store it (escrows and attested records). */
export const payoutRecord = record('payout', payoutFields);

const escrowFields = {
  /** Who recorded the inference: its attribution bond answers for the record. */
  recorder: address,
  /** The contributors' share of the fee, held by the module until settlement. */
  pool: uint256,
  /** Last height at which a challenge is accepted; settlement from the next one. */
  windowEnd: uint64,
  /** The canonical attribution of every span proven so far (record and challenges). */
  segments: list(record('segment', segmentFields)),
  challenges: uint32,
  /** Taken from the recorder's bond and paid to challengers. */
  slashed: uint256,
  settled: bool,
  /** What settlement paid (empty until settled). */
  payouts: list(payoutRecord),
};
export const escrowRecord = record('escrow', escrowFields);
export type Escrow = RecordOf<typeof escrowFields>;

export function isOperator(state: StateReader, modelId: bigint, operator: Address): boolean {
  return state.get(keys.operator(modelId, operator)) !== undefined;
}

export function writeOperator(
  state: StateWriter,
  modelId: bigint,
  operator: Address,
  allowed: boolean,
): void {
  state.set(keys.operator(modelId, operator), allowed ? Uint8Array.of(1) : null);
}

export function readAttributionBond(state: StateReader, modelId: bigint, recorder: Address): AttributionBond {
  const bytes = state.get(keys.attributionBond(modelId, recorder));
  return bytes ? attributionBondRecord.decode(bytes) : NO_BOND;
}

export function writeAttributionBond(
  state: StateWriter,
  modelId: bigint,
  recorder: Address,
  bond: AttributionBond,
): void {
  const empty = bond.amount === 0n && bond.withdrawableAt === 0;
  state.set(keys.attributionBond(modelId, recorder), empty ? null : attributionBondRecord.encode(bond));
}

export function readEscrow(state: StateReader, inferenceId: bigint): Escrow | undefined {
  const bytes = state.get(keys.escrow(inferenceId));
  return bytes ? escrowRecord.decode(bytes) : undefined;
}

export function requireEscrow(state: StateReader, inferenceId: bigint): Escrow {
  const escrow = readEscrow(state, inferenceId);
  if (!escrow) throw new AttributionError('UNKNOWN_INFERENCE', `unknown inference ${inferenceId}`);
  return escrow;
}

export function writeEscrow(state: StateWriter, inferenceId: bigint, escrow: Escrow): void {
  state.set(keys.escrow(inferenceId), escrowRecord.encode(escrow));
}
