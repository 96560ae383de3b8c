// Paying out of the module account: the fee of a record (owners, validators, treasury) at once,
// and an escrowed contributors' pool at settlement, with the earnings totals by recipient and role.
import type { Address } from '../../../core/address.ts';
import { addBlockIncome } from '../staking/index.ts';
import type { Call } from './call.ts';
import { GAS } from './gas.ts';
import { attributionKeys as keys } from './keys.ts';
import { payOutOfModule } from './ledger.ts';
import { type Payout, Role } from './records.ts';
import { addEarnings } from './store.ts';

/**
 * Pays the payouts out of the module account, and adds them to the earnings totals: every
 * recipient's per role, and the contributors' per contribution and Datanet (`datanetOf` names each
 * paid contribution's Datanet).
 */
export function pay(call: Call, payouts: readonly Payout[], datanetOf: ReadonlyMap<bigint, bigint>): void {
  const { ctx, state } = call;
  // Charged per payout (one account read and write each) and for the module account, even where
  // one account receives several payouts and is written once.
  ctx.useGas((GAS.read + GAS.write) * BigInt(payouts.length + 1));
  let total = 0n;
  const credits = new Map<Address, bigint>();
  for (const p of payouts) {
    total += p.amount;
    credits.set(p.recipient, (credits.get(p.recipient) ?? 0n) + p.amount);
  }
  payOutOfModule(ctx.state, total, credits);
  // The validators' share went to the staking module's account: it pays it with the block's fees.
  const toValidators = payouts.reduce((sum, p) => (p.role === Role.validator ? sum + p.amount : sum), 0n);
  if (toValidators > 0n) {
    ctx.useGas(GAS.read + GAS.write);
    addBlockIncome(ctx.state, toValidators);
  }

  // One update per contribution, recipient and role, and Datanet, in ascending key order.
  const byContribution = new Map<bigint, bigint>();
  const byRecipient = new Map<Role, Map<Address, bigint>>();
  const byDatanet = new Map<bigint, bigint>();
  for (const p of payouts) {
    const ofRole = byRecipient.get(p.role) ?? new Map<Address, bigint>();
    byRecipient.set(p.role, ofRole);
    ofRole.set(p.recipient, (ofRole.get(p.recipient) ?? 0n) + p.amount);
    if (p.role !== Role.contributor) continue;
    byContribution.set(p.refId, (byContribution.get(p.refId) ?? 0n) + p.amount);
    const datanetId = datanetOf.get(p.refId)!;
    byDatanet.set(datanetId, (byDatanet.get(datanetId) ?? 0n) + p.amount);
  }
  for (const [id, amount] of sortedByKey(byContribution))
    addEarnings(state, keys.contributionEarnings(id), amount);
  for (const [role, ofRole] of sortedByKey(byRecipient)) {
    // The contributors' totals were always written here; the other roles' are charged like a record.
    if (role !== Role.contributor) ctx.useGas((GAS.read + GAS.write) * BigInt(ofRole.size));
    for (const [address, amount] of sortedByKey(ofRole))
      addEarnings(state, keys.recipientEarnings(address, role), amount);
  }
  for (const [id, amount] of sortedByKey(byDatanet)) addEarnings(state, keys.datanetEarnings(id), amount);
}

function sortedByKey<K extends bigint | number | string, V>(map: ReadonlyMap<K, V>): [K, V][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
