// Moving OPEN out of the module account, which holds the bonds and, for the length of one call,
// the inference fee being split. Charged like any other record reads and writes.
import type { Address } from '../../../core/address.ts';
import { readAccount, transfer, writeAccount } from '../../accounts.ts';
import { ATTRIBUTION_ADDRESS } from './abi.ts';
import type { Call } from './call.ts';
import { GAS } from './gas.ts';

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
}
