// Accounts: nonce and OPEN balance (base units, 18 decimals). An account with zero nonce and zero
// balance is not stored at all, so "absent" and "empty" have one representation (as EIP-161).
import type { Address } from '../core/address.ts';
import { asBigint, asList, rlpDecode, rlpEncode } from '../core/rlp.ts';
import type { StateOverlay, StateReader } from './stateDb.ts';
import { stateKeys } from './stateKeys.ts';

export interface Account {
  readonly nonce: bigint;
  readonly balance: bigint;
}

export const EMPTY_ACCOUNT: Account = { nonce: 0n, balance: 0n };

export function encodeAccount(account: Account): Uint8Array {
  return rlpEncode([account.nonce, account.balance]);
}

export function decodeAccount(bytes: Uint8Array): Account {
  const f = asList(rlpDecode(bytes, 'account'), 'account', 2);
  return { nonce: asBigint(f[0], 'account.nonce', 8), balance: asBigint(f[1], 'account.balance') };
}

export function readAccount(state: StateReader, address: Address): Account {
  const bytes = state.get(stateKeys.account(address));
  return bytes ? decodeAccount(bytes) : EMPTY_ACCOUNT;
}

export function writeAccount(state: StateOverlay, address: Address, account: Account): void {
  const empty = account.nonce === 0n && account.balance === 0n;
  state.set(stateKeys.account(address), empty ? null : encodeAccount(account));
}

export class InsufficientBalanceError extends Error {
  readonly code = 'INSUFFICIENT_BALANCE';
}

/** A balance is a 256-bit unsigned integer, as on Ethereum (and as the account decoder reads it). */
export const MAX_BALANCE = 2n ** 256n - 1n;

export class BalanceOverflowError extends Error {
  readonly code = 'BALANCE_OVERFLOW';
}

/**
 * `balance + amount`, the one checked addition behind every credit. The genesis bounds the total
 * supply by MAX_BALANCE and nothing mints, so this cannot fail on a valid chain; it is checked
 * anyway because an account above the bound could no longer be decoded, and every later block
 * touching it would fail.
 */
export function creditedBalance(to: Address, balance: bigint, amount: bigint): bigint {
  const sum = balance + amount;
  if (sum > MAX_BALANCE) {
    throw new BalanceOverflowError(
      `balance overflow: ${to} holds ${balance}, receiving ${amount} would exceed 2^256-1`,
    );
  }
  return sum;
}

/**
 * Moves `amount` between accounts; throws InsufficientBalanceError or BalanceOverflowError leaving
 * state untouched.
 */
export function transfer(state: StateOverlay, from: Address, to: Address, amount: bigint): void {
  if (amount === 0n) return;
  const sender = readAccount(state, from);
  if (sender.balance < amount) {
    throw new InsufficientBalanceError(
      `insufficient balance: ${from} has ${sender.balance}, needs ${amount}`,
    );
  }
  // Checked before the first write; a transfer to oneself nets to nothing and cannot overflow.
  if (from !== to) creditedBalance(to, readAccount(state, to).balance, amount);
  writeAccount(state, from, { ...sender, balance: sender.balance - amount });
  credit(state, to, amount);
}

/** Adds `amount` to an account; throws BalanceOverflowError leaving state untouched. */
export function credit(state: StateOverlay, to: Address, amount: bigint): void {
  if (amount === 0n) return;
  const account = readAccount(state, to);
  writeAccount(state, to, { ...account, balance: creditedBalance(to, account.balance, amount) });
}
