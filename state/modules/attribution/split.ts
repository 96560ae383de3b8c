// Fee arithmetic: what an inference costs and who receives which part of it. Pure integer
// arithmetic on bigints; every split hands out exactly what it splits (test/state/modules/
// attribution/split.test.ts checks that over random cases).
import type { Address } from '../../../core/address.ts';
import { type FeeSplit, type Payout, Role } from './records.ts';

const BPS = 10_000n;

/** Per-inference fee plus the per-1,000-output-bytes fee pro rata, rounded up to a whole base unit. */
export function inferenceFee(feePerInference: bigint, feePerKiloByte: bigint, outputBytes: number): bigint {
  return feePerInference + ceilDiv(feePerKiloByte * BigInt(outputBytes), 1_000n);
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * Splits `total` in proportion to `weights` by the largest-remainder method: everyone gets the
 * floor of their exact share, and the units left over (fewer than the number of weights) go one
 * each to the largest fractional remainders, ties to the lower index. The parts sum to `total`.
 */
export function apportion(total: bigint, weights: readonly bigint[]): bigint[] {
  let sum = 0n;
  for (const w of weights) {
    if (w < 0n) throw new RangeError('negative weight');
    sum += w;
  }
  if (sum === 0n) throw new RangeError('weights sum to zero');
  const parts = weights.map((w) => (total * w) / sum);
  let left = total - parts.reduce((a, b) => a + b, 0n);
  if (left > 0n) {
    const remainders = weights.map((w, i) => ({ i, r: (total * w) % sum }));
    remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
    for (const { i } of remainders) {
      if (left === 0n) break;
      parts[i]!++;
      left--;
    }
  }
  return parts;
}

export interface SplitInput {
  readonly fee: bigint;
  readonly split: FeeSplit;
  /**
   * The model first, then its base model, and so on. The model passes baseShareBps of the whole fee
   * to its base model (out of its owner share, which registration makes at least that large); each
   * base model passes its own baseShareBps of what it receives further up.
   */
  readonly lineage: readonly {
    readonly modelId: bigint;
    readonly owner: Address;
    readonly baseShareBps: number;
  }[];
  /** Attributed contributions in ascending id order, each with its attributed output bytes (> 0). */
  readonly contributions: readonly {
    readonly id: bigint;
    readonly contributor: Address;
    readonly bytes: number;
  }[];
  /** The validator set in canonical order. */
  readonly validators: readonly { readonly rewardAddress: Address; readonly power: bigint }[];
  readonly treasury: Address;
}

/**
 * Who is paid what for one inference, in a fixed order (owners up the lineage, contributors,
 * validators, treasury), without zero amounts. The amounts always sum to `fee`: the four shares
 * come from apportion(); the base models' part comes out of the owner share, rounded down; contributors and validators split theirs with apportion(). A share nobody can
 * receive (no output byte attributed, no validator power) goes to the treasury.
 */
export function planPayouts(input: SplitInput): Payout[] {
  const { split } = input;
  const [owner, contributors, validators, treasury] = apportion(input.fee, [
    BigInt(split.ownerBps),
    BigInt(split.contributorsBps),
    BigInt(split.validatorsBps),
    BigInt(split.treasuryBps),
  ]) as [bigint, bigint, bigint, bigint];
  const payouts: Payout[] = [];
  const pay = (role: Role, refId: bigint, recipient: Address, amount: bigint) => {
    if (amount > 0n) payouts.push({ role, refId, recipient, amount });
  };

  let rest = owner;
  input.lineage.forEach((m, depth) => {
    const isRoot = depth === input.lineage.length - 1;
    const from = depth === 0 ? input.fee : rest;
    // Never more than the owner share, whatever the record says (registration keeps it within).
    const cut = (from * BigInt(m.baseShareBps)) / BPS;
    const passed = isRoot ? 0n : cut < rest ? cut : rest;
    pay(depth === 0 ? Role.modelOwner : Role.baseModelOwner, m.modelId, m.owner, rest - passed);
    rest = passed;
  });

  let unattributed = contributors;
  if (input.contributions.length > 0) {
    const shares = apportion(
      contributors,
      input.contributions.map((c) => BigInt(c.bytes)),
    );
    input.contributions.forEach((c, i) => {
      pay(Role.contributor, c.id, c.contributor, shares[i]!);
    });
    unattributed = 0n;
  }

  let unpaidValidators = validators;
  if (input.validators.some((v) => v.power > 0n)) {
    const shares = apportion(
      validators,
      input.validators.map((v) => v.power),
    );
    input.validators.forEach((v, i) => {
      pay(Role.validator, 0n, v.rewardAddress, shares[i]!);
    });
    unpaidValidators = 0n;
  }

  pay(Role.treasury, 0n, input.treasury, treasury + unattributed + unpaidValidators);
  return payouts;
}
