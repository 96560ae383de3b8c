// Vesting accounts in the state: one record per account with an unlock schedule (written at genesis
// only, so the set never grows), and the list of those accounts for the supply curve (the state
// tree cannot be iterated). Every spend of an account's own balance goes through `requireSpendable`;
// every stake and every return of stake goes through `recordDelegation` / `recordUndelegation`.
import { type Address, addressToBytes } from '../../core/address.ts';
import { concatBytes } from '../../core/bytes.ts';
import { DecodeError } from '../../core/errors.ts';
import { readAccount } from '../accounts.ts';
import { address, list, type RecordOf, record, uint8, uint64, uint256 } from '../codec/schema.ts';
import { ModuleError } from '../modules/module.ts';
import type { StateOverlay, StateReader } from '../stateDb.ts';
import { StateSpace } from '../stateKeys.ts';
import {
  afterDelegation,
  afterUndelegation,
  type Schedule,
  scheduleProblem,
  spendableOf,
  type Vesting,
  type VestingKind,
} from './schedule.ts';

const unlockRecord = record('unlock', { time: uint64, amount: uint256 });

// Field order is the encoding: changing it is a state-breaking change.
const vestingFields = {
  kind: uint8,
  original: uint256,
  start: uint64,
  cliff: uint64,
  end: uint64,
  unlocks: list(unlockRecord),
  delegatedVesting: uint256,
  delegatedFree: uint256,
};
const vestingRecord = record('vesting', vestingFields);
const accountsRecord = record('vestingAccounts', { addresses: list(address) });

export const vestingKeys = {
  /** The list of vesting accounts, in genesis order. */
  accounts: () => Uint8Array.of(StateSpace.vesting),
  account: (who: Address) => concatBytes(Uint8Array.of(StateSpace.vesting), addressToBytes(who)),
};

function decodeVesting(bytes: Uint8Array): Vesting {
  const r: RecordOf<typeof vestingFields> = vestingRecord.decode(bytes);
  const v: Vesting = { ...r, kind: r.kind as VestingKind };
  const problem = r.kind > 1 ? `unknown kind ${r.kind}` : scheduleProblem(v);
  if (problem) throw new DecodeError(`vesting: ${problem}`);
  return v;
}

export function readVesting(state: StateReader, who: Address): Vesting | undefined {
  const bytes = state.get(vestingKeys.account(who));
  return bytes ? decodeVesting(bytes) : undefined;
}

function writeVesting(state: StateOverlay, who: Address, v: Vesting): void {
  state.set(vestingKeys.account(who), vestingRecord.encode(v));
}

/** Every account with an unlock schedule, in genesis order. */
export function readVestingAccounts(state: StateReader): readonly Address[] {
  const bytes = state.get(vestingKeys.accounts());
  return bytes ? accountsRecord.decode(bytes).addresses : [];
}

/** Genesis: gives `who` a schedule (genesis validation has checked it and that the balance covers it). */
export function createVesting(state: StateOverlay, who: Address, schedule: Schedule): void {
  writeVesting(state, who, { ...schedule, delegatedVesting: 0n, delegatedFree: 0n });
  const addresses = [...readVestingAccounts(state), who];
  state.set(vestingKeys.accounts(), accountsRecord.encode({ addresses }));
}

/** A spend of the account's own balance that its unlock schedule forbids at this block time. */
export class LockedTokensError extends ModuleError {
  constructor(message: string) {
    super('LOCKED_TOKENS', message);
  }
}

export interface Balances {
  /** The account's own balance (eth_getBalance). */
  readonly balance: bigint;
  /** Of the balance, what the schedule still locks. */
  readonly locked: bigint;
  readonly spendable: bigint;
}

export function balancesAt(state: StateReader, who: Address, t: number): Balances {
  const { balance } = readAccount(state, who);
  const v = readVesting(state, who);
  const spendable = spendableOf(balance, v, t);
  return { balance, locked: balance - spendable, spendable };
}

/** The failure of moving `amount` when only `spendable` of `balance` may move. */
export function lockedTokensError(
  who: Address,
  balance: bigint,
  spendable: bigint,
  amount: bigint,
): LockedTokensError {
  return new LockedTokensError(
    `transfer of locked tokens: ${who} holds ${balance}, of which ${balance - spendable} is locked by its unlock schedule until it vests; spendable ${spendable}, tried to move ${amount}`,
  );
}

/** Throws LockedTokensError unless `who` may spend `amount` of its balance at block time `t`. */
export function requireSpendable(state: StateReader, who: Address, amount: bigint, t: number): void {
  if (amount === 0n) return;
  const { balance, spendable } = balancesAt(state, who, t);
  // An amount above the balance is left to the balance check, which says so.
  if (amount > spendable && amount <= balance) throw lockedTokensError(who, balance, spendable, amount);
}

/** `who` staked `amount` of its balance at `t` (locked tokens are staked first). */
export function recordDelegation(state: StateOverlay, who: Address, amount: bigint, t: number): void {
  const v = readVesting(state, who);
  if (v && amount > 0n) writeVesting(state, who, afterDelegation(v, t, amount));
}

/** `amount` of stake came back to `who` (free tokens are returned first). */
export function recordUndelegation(state: StateOverlay, who: Address, amount: bigint): void {
  const v = readVesting(state, who);
  if (v && amount > 0n) writeVesting(state, who, afterUndelegation(v, amount));
}
