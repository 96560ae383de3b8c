// Unbonding and redelegation entries: created by undelegate and redelegate, reached by slashes of
// their validator (each validator keeps an index of its entries), limited per pair (each delegator
// keeps an index of its own), and completed from a maturity queue keyed by completion height.
import type { Address } from '../../../core/address.ts';
import type { StateOverlay, StateReader } from '../../stateDb.ts';
import { recordUndelegation } from '../../vesting/store.ts';
import { StakingError } from './errors.ts';
import { stakingKeys as keys } from './keys.ts';
import { payOut } from './ledger.ts';
import {
  EntryKind,
  type EntryRef,
  type Pool,
  type RedelegationRecord,
  type UnbondingRecord,
} from './records.ts';
import {
  readEntries,
  readPool,
  readRedelegation,
  readUnbonding,
  type StateWriter,
  unmetered,
  writeEntries,
  writePool,
  writeRedelegation,
  writeUnbonding,
} from './store.ts';

export function delegatorUnbondings(state: StateReader, delegator: Address): [number, UnbondingRecord][] {
  return readEntries(state, keys.delegatorEntries(delegator))
    .filter((e) => e.kind === EntryKind.unbonding)
    .map((e) => [e.id, readUnbonding(state, e.id)!]);
}

export function delegatorRedelegations(
  state: StateReader,
  delegator: Address,
): [number, RedelegationRecord][] {
  return readEntries(state, keys.delegatorEntries(delegator))
    .filter((e) => e.kind === EntryKind.redelegation)
    .map((e) => [e.id, readRedelegation(state, e.id)!]);
}

function requireRoom(count: number, max: number, what: string): void {
  if (count >= max)
    throw new StakingError(
      'TOO_MANY_ENTRIES',
      `${what} already has ${count} maturing entries, the limit is ${max}`,
    );
}

function append(state: StateWriter, key: Uint8Array, ref: EntryRef): void {
  writeEntries(state, key, [...readEntries(state, key), ref]);
}

/** Entry ids come from one counter for both kinds, so the id alone names an entry. */
function remove(state: StateWriter, key: Uint8Array, ref: EntryRef): void {
  writeEntries(
    state,
    key,
    readEntries(state, key).filter((e) => e.id !== ref.id),
  );
}

/** Records an unbonding entry (after checking the pair's limit); returns the pool with its id taken. */
export function addUnbonding(
  state: StateWriter,
  entry: UnbondingRecord,
  maxEntries: number,
  pool: Pool,
): Pool {
  const pair = delegatorUnbondings(state, entry.delegator).filter(([, u]) => u.validator === entry.validator);
  requireRoom(pair.length, maxEntries, `unbonding from ${entry.validator}`);
  const id = pool.lastEntryId + 1;
  const ref = { kind: EntryKind.unbonding, id };
  writeUnbonding(state, id, entry);
  append(state, keys.delegatorEntries(entry.delegator), ref);
  append(state, keys.validatorEntries(entry.validator), ref);
  append(state, keys.maturity(entry.completionHeight), ref);
  return { ...pool, lastEntryId: id };
}

/** Records a redelegation entry (after the pair's limit); the source validator's slashes reach it. */
export function addRedelegation(
  state: StateWriter,
  entry: RedelegationRecord,
  maxEntries: number,
  pool: Pool,
): Pool {
  const pair = delegatorRedelegations(state, entry.delegator).filter(
    ([, r]) => r.from === entry.from && r.to === entry.to,
  );
  requireRoom(pair.length, maxEntries, `redelegation from ${entry.from} to ${entry.to}`);
  const id = pool.lastEntryId + 1;
  const ref = { kind: EntryKind.redelegation, id };
  writeRedelegation(state, id, entry);
  append(state, keys.delegatorEntries(entry.delegator), ref);
  append(state, keys.validatorEntries(entry.from), ref);
  append(state, keys.maturity(entry.completionHeight), ref);
  return { ...pool, lastEntryId: id };
}

/** Is a redelegation into `validator` by this delegator still maturing? (No chains: Cosmos's rule.) */
export function hasIncomingRedelegation(state: StateReader, delegator: Address, validator: Address): boolean {
  return delegatorRedelegations(state, delegator).some(([, r]) => r.to === validator);
}

function dropEntry(state: StateWriter, ref: EntryRef, delegator: Address, validator: Address): void {
  remove(state, keys.delegatorEntries(delegator), ref);
  remove(state, keys.validatorEntries(validator), ref);
}

export interface Matured {
  readonly unbondings: number;
  readonly redelegations: number;
  /** Tokens paid to delegators. */
  readonly paid: bigint;
}

/**
 * End-of-block seam: completes every entry maturing at a height up to `height` not yet completed
 * (normally just `height`). An unbonding pays its balance (after slashes) to its delegator (whose
 * unlock schedule, if any, counts it as returned stake: docs/vesting.md); a
 * redelegation stops being slashable for its source's offences.
 */
export function completeMaturedUnbondings(state: StateOverlay, height: number): Matured {
  const stake = unmetered(state);
  let pool = readPool(state);
  let unbondings = 0;
  let redelegations = 0;
  let paid = 0n;
  for (let h = pool.maturedThrough + 1; h <= height; h++) {
    const queueKey = keys.maturity(h);
    const queue = readEntries(state, queueKey);
    for (const ref of queue) {
      if (ref.kind === EntryKind.unbonding) {
        const u = readUnbonding(state, ref.id)!;
        pool = { ...pool, notBonded: pool.notBonded - u.balance };
        payOut(stake, u.delegator, u.balance);
        recordUndelegation(state, u.delegator, u.balance);
        writeUnbonding(state, ref.id, null);
        dropEntry(state, ref, u.delegator, u.validator);
        unbondings++;
        paid += u.balance;
      } else {
        const r = readRedelegation(state, ref.id)!;
        writeRedelegation(state, ref.id, null);
        dropEntry(state, ref, r.delegator, r.from);
        redelegations++;
      }
    }
    if (queue.length > 0) writeEntries(state, queueKey, []);
  }
  if (height > pool.maturedThrough) writePool(state, { ...pool, maturedThrough: height });
  return { unbondings, redelegations, paid };
}
