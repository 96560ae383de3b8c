// Typed reads and writes of the staking records. Transactions pass a metered view of the state
// (each record read or written is charged by the gas schedule); the end-of-block seam functions
// pass the block's state unmetered.
import type { Address } from '../../../core/address.ts';
import type { StateOverlay, StateReader } from '../../stateDb.ts';
import type { StateWriter } from '../attribution/store.ts';
import { StakingError } from './errors.ts';
import { stakingKeys as keys } from './keys.ts';
import {
  addressListRecord,
  type DelegationRecord,
  delegationRecord,
  EMPTY_POOL,
  type EntryRef,
  entryListRecord,
  type PaidRecord,
  type Pool,
  paidRecord,
  poolRecord,
  type RedelegationRecord,
  redelegationRecord,
  type UnbondingRecord,
  unbondingRecord,
  type ValidatorRecord,
  validatorRecord,
} from './records.ts';

export type { StateWriter };

/**
 * What every staking operation works with: the records' state, the account state for moving
 * OPEN (transfers are charged through useGas), and the parameters.
 */
export interface Stake {
  readonly state: StateWriter;
  readonly accounts: StateOverlay;
  useGas(amount: bigint): void;
}

/** The block's state as a Stake for the end-of-block work, which pays no gas. */
export function unmetered(state: StateOverlay): Stake {
  return { state, accounts: state, useGas: () => {} };
}

function read<T>(state: StateReader, key: Uint8Array, decode: (bytes: Uint8Array) => T): T | undefined {
  const bytes = state.get(key);
  return bytes ? decode(bytes) : undefined;
}

export function readPool(state: StateReader): Pool {
  return read(state, keys.pool(), poolRecord.decode) ?? EMPTY_POOL;
}

export function writePool(state: StateWriter, pool: Pool): void {
  state.set(keys.pool(), poolRecord.encode(pool));
}

export function readPaid(state: StateReader, recipient: Address): PaidRecord {
  return read(state, keys.paid(recipient), paidRecord.decode) ?? { rewards: 0n, commission: 0n };
}

export function writePaid(state: StateWriter, recipient: Address, paid: PaidRecord): void {
  state.set(keys.paid(recipient), paidRecord.encode(paid));
}

export function readValidator(state: StateReader, operator: Address): ValidatorRecord | undefined {
  return read(state, keys.validator(operator), validatorRecord.decode);
}

export function requireValidator(state: StateReader, operator: Address): ValidatorRecord {
  const v = readValidator(state, operator);
  if (!v) throw new StakingError('UNKNOWN_VALIDATOR', `no validator with operator ${operator}`);
  return v;
}

export function writeValidator(state: StateWriter, v: ValidatorRecord): void {
  state.set(keys.validator(v.operator), validatorRecord.encode(v));
}

/** Every validator's operator, in creation order. */
export function readOperators(state: StateReader): readonly Address[] {
  return read(state, keys.operators(), addressListRecord.decode)?.addresses ?? [];
}

export function addOperator(state: StateWriter, operator: Address): void {
  state.set(keys.operators(), addressListRecord.encode({ addresses: [...readOperators(state), operator] }));
}

/** The operator whose validator has this consensus address (first 20 bytes of sha256(key)). */
export function operatorOfConsensusAddress(
  state: StateReader,
  consensusAddress: Address,
): Address | undefined {
  return read(state, keys.consensusKey(consensusAddress), addressListRecord.decode)?.addresses[0];
}

export function bindConsensusAddress(state: StateWriter, consensusAddress: Address, operator: Address): void {
  state.set(keys.consensusKey(consensusAddress), addressListRecord.encode({ addresses: [operator] }));
}

export function readDelegation(
  state: StateReader,
  delegator: Address,
  validator: Address,
): DelegationRecord | undefined {
  return read(state, keys.delegation(delegator, validator), delegationRecord.decode);
}

/** The validators a delegator holds a delegation with, in the order it first delegated. */
export function delegatorValidators(state: StateReader, delegator: Address): readonly Address[] {
  return read(state, keys.delegatorValidators(delegator), addressListRecord.decode)?.addresses ?? [];
}

/** Writes a delegation (null or zero shares delete it), keeping the delegator's validator list. */
export function writeDelegation(
  state: StateWriter,
  delegator: Address,
  validator: Address,
  d: DelegationRecord | null,
): void {
  const key = keys.delegation(delegator, validator);
  const existed = state.get(key) !== undefined;
  const remove = d === null || d.shares === 0n;
  state.set(key, remove ? null : delegationRecord.encode(d));
  if (existed === !remove) return;
  const listed = delegatorValidators(state, delegator);
  const next = remove ? listed.filter((v) => v !== validator) : [...listed, validator];
  state.set(
    keys.delegatorValidators(delegator),
    next.length ? addressListRecord.encode({ addresses: next }) : null,
  );
}

export function readUnbonding(state: StateReader, id: number): UnbondingRecord | undefined {
  return read(state, keys.unbonding(id), unbondingRecord.decode);
}

export function writeUnbonding(state: StateWriter, id: number, entry: UnbondingRecord | null): void {
  state.set(keys.unbonding(id), entry ? unbondingRecord.encode(entry) : null);
}

export function readRedelegation(state: StateReader, id: number): RedelegationRecord | undefined {
  return read(state, keys.redelegation(id), redelegationRecord.decode);
}

export function writeRedelegation(state: StateWriter, id: number, entry: RedelegationRecord | null): void {
  state.set(keys.redelegation(id), entry ? redelegationRecord.encode(entry) : null);
}

/** An entry list (a delegator's, a validator's or a height's), empty if absent. */
export function readEntries(state: StateReader, key: Uint8Array): readonly EntryRef[] {
  return read(state, key, entryListRecord.decode)?.entries ?? [];
}

export function writeEntries(state: StateWriter, key: Uint8Array, entries: readonly EntryRef[]): void {
  state.set(key, entries.length ? entryListRecord.encode({ entries }) : null);
}
