// Moving OPEN out of the module account, which holds the bonds and, for the length of one call,
// the inference fee being split. Charged like any other record reads and writes.
//
// An inference record credits a dozen accounts, most of them the same ones record after record
// (the model owner, validators, treasury, popular contributors). Accounts written here are
// remembered with the bytes written (RecentRecords), so the next credit to the same account needs
// no RLP decoding, and account keys are kept per address. Same encoding as state/accounts.ts (its
// encoder and decoder are used), same results: only the repeated work is saved.
import type { Address } from '../../../core/address.ts';
import {
  type Account,
  creditedBalance,
  decodeAccount,
  EMPTY_ACCOUNT,
  encodeAccount,
  readAccount,
  transfer,
  writeAccount,
} from '../../accounts.ts';
import type { StateOverlay } from '../../stateDb.ts';
import { stateKeys } from '../../stateKeys.ts';
import { burnSupply } from '../../supply.ts';
import { ATTRIBUTION_ADDRESS } from './abi.ts';
import type { Call } from './call.ts';
import { GAS } from './gas.ts';
import { RecentRecords } from './store.ts';

export function payFromModule(call: Call, to: Address, amount: bigint): void {
  call.ctx.useGas(2n * (GAS.read + GAS.write));
  transfer(call.ctx.state, ATTRIBUTION_ADDRESS, to, amount);
}

/** Destroys `amount` held by the module: it leaves the supply, nobody receives it. */
export function burnFromModule(call: Call, amount: bigint): void {
  call.ctx.useGas(GAS.read + GAS.write);
  const account = readAccount(call.ctx.state, ATTRIBUTION_ADDRESS);
  if (account.balance < amount)
    throw new Error(`attribution module holds ${account.balance}, cannot burn ${amount}`);
  writeAccount(call.ctx.state, ATTRIBUTION_ADDRESS, { ...account, balance: account.balance - amount });
  burnSupply(call.ctx.state, amount);
}

const accounts = new RecentRecords<Address, Account>(decodeAccount);
const accountKeys = new Map<Address, Uint8Array>();
const ACCOUNT_KEYS = 4_096;

function accountKey(address: Address): Uint8Array {
  let key = accountKeys.get(address);
  if (key === undefined) {
    key = stateKeys.account(address);
    if (accountKeys.size >= ACCOUNT_KEYS) accountKeys.clear();
    accountKeys.set(address, key);
  }
  return key;
}

function load(state: StateOverlay, address: Address): Account {
  const bytes = state.get(accountKey(address));
  return bytes ? accounts.decode(address, bytes) : EMPTY_ACCOUNT;
}

function store(state: StateOverlay, address: Address, account: Account): void {
  const empty = account.nonce === 0n && account.balance === 0n;
  state.set(accountKey(address), empty ? null : accounts.remember(address, encodeAccount(account), account));
}

/**
 * Pays `total` out of the module account to the recipients, one read and one write per distinct
 * recipient (the caller charges the gas). `credits` must sum to `total`. A credit that would
 * overflow throws BalanceOverflowError part-way; the call's revert undoes the writes before it.
 */
export function payOutOfModule(
  state: StateOverlay,
  total: bigint,
  credits: ReadonlyMap<Address, bigint>,
): void {
  const module = load(state, ATTRIBUTION_ADDRESS);
  if (module.balance < total)
    throw new Error(`attribution module holds ${module.balance}, cannot pay out ${total}`);
  store(state, ATTRIBUTION_ADDRESS, { ...module, balance: module.balance - total });
  for (const [address, amount] of credits) {
    if (amount === 0n) continue;
    const account = load(state, address);
    store(state, address, { ...account, balance: creditedBalance(address, account.balance, amount) });
  }
}
