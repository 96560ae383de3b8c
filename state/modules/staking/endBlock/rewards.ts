// Block income for stakers (docs/staking.md "Fees and block rewards"): the block reward schedule and
// the split of a block's income among the validators that signed the previous block.
import type { Address } from '../../../../core/address.ts';
import { compareBytes, hexToBytes } from '../../../../core/bytes.ts';

/**
 * The block reward at `height`: `blockReward`, halved every `halvingBlocks` blocks counted from
 * height 1 when that is non-zero, and never more than what is left in the pool.
 */
export function blockRewardAt(
  blockReward: bigint,
  halvingBlocks: bigint,
  height: bigint,
  rewardsPool: bigint,
): bigint {
  const halvings = halvingBlocks === 0n ? 0n : (height - 1n) / halvingBlocks;
  const reward = blockReward >> halvings;
  return reward < rewardsPool ? reward : rewardsPool;
}

export interface Signer {
  readonly operator: Address;
  readonly power: bigint;
}

/**
 * Splits `amount` pro rata to power: each signer gets floor(amount * power / total), and the
 * rounding remainder goes to the signer with the most power (the lowest operator address among
 * equals), so the shares sum to `amount` exactly. Signers without power get nothing.
 */
export function splitByPower(
  amount: bigint,
  signers: readonly Signer[],
): { operator: Address; amount: bigint }[] {
  let total = 0n;
  for (const s of signers) total += s.power;
  if (total === 0n) return [];
  const ordered = [...signers].sort((a, b) =>
    a.power === b.power
      ? compareBytes(hexToBytes(a.operator), hexToBytes(b.operator))
      : a.power > b.power
        ? -1
        : 1,
  );
  const shares = ordered.map((s) => ({ operator: s.operator, amount: (amount * s.power) / total }));
  let given = 0n;
  for (const s of shares) given += s.amount;
  shares[0]!.amount += amount - given;
  return shares.filter((s) => s.amount > 0n);
}
