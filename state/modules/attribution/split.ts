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
  /** The validator set in canonical order. */
  readonly validators: readonly { readonly rewardAddress: Address; readonly power: bigint }[];
  readonly treasury: Address;
}

/**
 * A model's split as the protocol's current floors allow it: a share below its floor is raised to
 * it, the difference taken from the owner's share, then the treasury's, then the other floored
 * share's excess (the floors are at most half each, so they always fit). Models keep the split they
 * registered; inferences pay by this one, so a floor governance raises applies to the next inference.
 */
export function withFloors(
  split: FeeSplit,
  floors: { minContributorsBps: number; minValidatorsBps: number },
): FeeSplit {
  const contributorsBps = Math.max(split.contributorsBps, floors.minContributorsBps);
  const validatorsBps = Math.max(split.validatorsBps, floors.minValidatorsBps);
  let need = contributorsBps - split.contributorsBps + validatorsBps - split.validatorsBps;
  if (need === 0) return split;
  const take = (have: number) => {
    const taken = Math.min(have, need);
    need -= taken;
    return have - taken;
  };
  const ownerBps = take(split.ownerBps);
  const treasuryBps = take(split.treasuryBps);
  const contributorsAfter = floors.minContributorsBps + take(contributorsBps - floors.minContributorsBps);
  const validatorsAfter = floors.minValidatorsBps + take(validatorsBps - floors.minValidatorsBps);
  return { ownerBps, contributorsBps: contributorsAfter, validatorsBps: validatorsAfter, treasuryBps };
}

export interface PlannedFee {
  /** Paid at once: owners up the lineage, validators, treasury, in that order, without zero amounts. */
  readonly payouts: Payout[];
  /** The contributors' share, escrowed until the attribution is final (planPool pays it). */
  readonly contributorsPool: bigint;
}

/**
 * Who is paid what for one inference at once, and the contributors' pool. The payouts and the pool
 * always sum to `fee`: the four shares come from apportion(); the base models' part comes out of
 * the owner share (each lineage entry's baseShareBps), rounded down; validators split theirs with apportion(). A
 * validators' share nobody can receive (no validator power) goes to the treasury.
 */
export function planPayouts(input: SplitInput): PlannedFee {
  const { split } = input;
  const [owner, contributors, validators, treasury] = apportion(input.fee, [
    BigInt(split.ownerBps),
    BigInt(split.contributorsBps),
    BigInt(split.validatorsBps),
    BigInt(split.treasuryBps),
  ]) as [bigint, bigint, bigint, bigint];
  const payouts: Payout[] = [];
  const pay = payoutsInto(payouts);

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

  pay(Role.treasury, 0n, input.treasury, treasury + unpaidValidators);
  return { payouts, contributorsPool: contributors };
}

function payoutsInto(payouts: Payout[]) {
  return (role: Role, refId: bigint, recipient: Address, amount: bigint) => {
    if (amount > 0n) payouts.push({ role, refId, recipient, amount });
  };
}

export interface PoolInput {
  readonly pool: bigint;
  readonly outputBytes: number;
  /** Attributed contributions in ascending id order, each with its attributed output bytes (> 0). */
  readonly contributions: readonly {
    readonly id: bigint;
    readonly contributor: Address;
    readonly bytes: number;
  }[];
  /**
   * Who receives the uncovered part: the treasury (role treasury), or Datanets' owners in equal
   * parts (role datanetOwner, refId the Datanet).
   */
  readonly uncovered: readonly { readonly role: Role; readonly refId: bigint; readonly recipient: Address }[];
}

/**
 * The contributors' pool paid by coverage: pool × attributedBytes / outputBytes (rounded down) to
 * the contributors by their bytes (apportion), the rest to the `uncovered` recipients (apportion,
 * equal weights). Sums to `pool` exactly; contributor payouts first, in input order.
 */
export function planPool(input: PoolInput): Payout[] {
  const payouts: Payout[] = [];
  const pay = payoutsInto(payouts);
  let attributed = 0;
  for (const c of input.contributions) attributed += c.bytes;
  if (attributed > input.outputBytes) throw new RangeError('more bytes attributed than output');
  const covered =
    input.outputBytes === 0 ? 0n : (input.pool * BigInt(attributed)) / BigInt(input.outputBytes);
  if (covered > 0n) {
    const shares = apportion(
      covered,
      input.contributions.map((c) => BigInt(c.bytes)),
    );
    input.contributions.forEach((c, i) => {
      pay(Role.contributor, c.id, c.contributor, shares[i]!);
    });
  }
  const rest = input.pool - covered;
  if (rest > 0n) {
    if (input.uncovered.length === 0) throw new RangeError('nobody to receive the uncovered pool');
    const shares = apportion(
      rest,
      input.uncovered.map(() => 1n),
    );
    input.uncovered.forEach((u, i) => {
      pay(u.role, u.refId, u.recipient, shares[i]!);
    });
  }
  return payouts;
}
