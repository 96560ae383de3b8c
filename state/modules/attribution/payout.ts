// Paying out of the module account: the fee of a record (owners, validators, treasury) at once,
// and an escrowed contributors' pool at settlement, with the earnings totals of contributors.
import type { Address } from '../../../core/address.ts';
import { addBlockIncome } from '../staking/index.ts';
import type { Call } from './call.ts';
import { GAS } from './gas.ts';
import { attributionKeys as keys } from './keys.ts';
import { payOutOfModule } from './ledger.ts';
import { type Payout, Role } from './records.ts';
import { addEarnings } from './store.ts';

/**
 * Pays the payouts out of the module account, and adds the contributors' earnings (per
 * contribution, contributor and Datanet; `datanetOf` names each paid contribution's Datanet).
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

  // One update per contribution, contributor and Datanet, in ascending key order.
  const byContributor = new Map<Address, bigint>();
  const byDatanet = new Map<bigint, bigint>();
  for (const p of payouts) {
    if (p.role !== Role.contributor) continue;
    addEarnings(state, keys.contributionEarnings(p.refId), p.amount);
    const datanetId = datanetOf.get(p.refId)!;
    byContributor.set(p.recipient, (byContributor.get(p.recipient) ?? 0n) + p.amount);
    byDatanet.set(datanetId, (byDatanet.get(datanetId) ?? 0n) + p.amount);
  }
  for (const address of [...byContributor.keys()].sort()) {
    addEarnings(state, keys.contributorEarnings(address), byContributor.get(address)!);
  }
  for (const id of [...byDatanet.keys()].sort((a, b) => (a < b ? -1 : 1))) {
    addEarnings(state, keys.datanetEarnings(id), byDatanet.get(id)!);
  }
}
