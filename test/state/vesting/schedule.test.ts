// The schedule arithmetic (state/vesting/schedule.ts) against naive references: linear vesting as
// an exact rational compared by cross-multiplication, periodic vesting as a filter and sum, and the
// delegation bookkeeping against the invariant it exists for: an account that only ever moves what
// is spendable and stakes what it likes keeps, at every time, its still-vesting tokens either in its
// balance or at stake.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  afterDelegation,
  afterUndelegation,
  breakpoints,
  lockedAt,
  MAX_UNLOCKS,
  type Schedule,
  scheduleProblem,
  spendableOf,
  type Vesting,
  VestingKind,
  vestedAt,
} from '../../../state/vesting/schedule.ts';

const YEAR = 365 * 86_400_000;
const T0 = Date.parse('2027-01-01T00:00:00Z');

const linear = (original: bigint, start: number, cliff: number, end: number): Schedule => ({
  kind: VestingKind.linear,
  original,
  start,
  cliff,
  end,
  unlocks: [],
});

const periodic = (unlocks: { time: number; amount: bigint }[]): Schedule => ({
  kind: VestingKind.periodic,
  original: unlocks.reduce((s, u) => s + u.amount, 0n),
  start: 0,
  cliff: 0,
  end: 0,
  unlocks,
});

const fresh = (s: Schedule): Vesting => ({ ...s, delegatedVesting: 0n, delegatedFree: 0n });

const amountArb = fc.bigInt({ min: 1n, max: 2n ** 200n });
const timeArb = fc.integer({ min: 0, max: 4_000_000_000_000 });

const linearArb = fc
  .tuple(amountArb, fc.array(timeArb, { minLength: 3, maxLength: 3 }))
  .filter(([, t]) => new Set(t).size >= 2)
  .map(([amount, t]) => {
    const [start, cliff, end] = [...t].sort((a, b) => a - b) as [number, number, number];
    return linear(amount, start, cliff, end);
  })
  .filter((s) => s.end > s.start);

const periodicArb = fc
  .uniqueArray(fc.record({ time: timeArb, amount: amountArb }), {
    minLength: 1,
    maxLength: 20,
    selector: (u) => u.time,
  })
  .map((us) => periodic([...us].sort((a, b) => a.time - b.time)));

const scheduleArb = fc.oneof(linearArb, periodicArb);

/**
 * Naive linear vesting: the largest v in [0, original] with v × (end − start) <= original × (t − start),
 * found by bisection rather than division.
 */
function naiveLinear(s: Schedule, t: number): bigint {
  if (t < s.cliff) return 0n;
  if (t >= s.end) return s.original;
  const num = s.original * BigInt(t - s.start);
  const den = BigInt(s.end - s.start);
  let lo = 0n;
  let hi = s.original;
  while (lo < hi) {
    const mid = (lo + hi + 1n) / 2n;
    if (mid * den <= num) lo = mid;
    else hi = mid - 1n;
  }
  return lo;
}

const naivePeriodic = (s: Schedule, t: number) =>
  s.unlocks.filter((u) => u.time <= t).reduce((sum, u) => sum + u.amount, 0n);

describe('vestedAt', () => {
  it('linear: nothing before the cliff, the floor of the straight line from start to end after it, all from the end', () => {
    fc.assert(
      fc.property(linearArb, timeArb, (s, t) => {
        expect(scheduleProblem(s)).toBeUndefined();
        expect(vestedAt(s, t)).toBe(naiveLinear(s, t));
      }),
      { numRuns: 2000 },
    );
  });

  it('periodic: the sum of the unlocks whose time has come', () => {
    fc.assert(
      fc.property(periodicArb, timeArb, (s, t) => {
        expect(scheduleProblem(s)).toBeUndefined();
        expect(vestedAt(s, t)).toBe(naivePeriodic(s, t));
      }),
      { numRuns: 2000 },
    );
  });

  it('never decreases with time and stays within [0, original]', () => {
    fc.assert(
      fc.property(scheduleArb, timeArb, timeArb, (s, a, b) => {
        const [t1, t2] = a <= b ? [a, b] : [b, a];
        expect(vestedAt(s, t1) <= vestedAt(s, t2)).toBe(true);
        expect(vestedAt(s, t1) >= 0n && vestedAt(s, t2) <= s.original).toBe(true);
      }),
    );
  });

  it('a 12-month cliff then 24 months linear: 0 a millisecond before the cliff, a third at it, half at 18 months, all at the end', () => {
    const s = linear(3_000n, T0, T0 + YEAR, T0 + 3 * YEAR);
    expect(vestedAt(s, T0 + YEAR - 1)).toBe(0n);
    expect(vestedAt(s, T0 + YEAR)).toBe(1_000n);
    expect(vestedAt(s, T0 + 1.5 * YEAR)).toBe(1_500n);
    expect(vestedAt(s, T0 + 3 * YEAR - 1)).toBe(2_999n);
    expect(vestedAt(s, T0 + 3 * YEAR)).toBe(3_000n);
  });

  it('breakpoints are every start, cliff, end and unlock time, sorted, once each', () => {
    const a = linear(10n, 5, 7, 9);
    const b = periodic([
      { time: 7, amount: 1n },
      { time: 12, amount: 1n },
    ]);
    expect(breakpoints([a, b])).toEqual([5, 7, 9, 12]);
  });
});

describe('scheduleProblem', () => {
  it.each([
    [
      linear(10n, T0, T0 - 1, T0 + YEAR),
      'the cliff (2026-12-31T23:59:59.999Z) is before the start (2027-01-01T00:00:00.000Z)',
    ],
    [
      linear(10n, T0, T0 + YEAR, T0 + YEAR - 1),
      'the end (2027-12-31T23:59:59.999Z) is before the cliff (2028-01-01T00:00:00.000Z)',
    ],
    [
      linear(10n, T0, T0, T0),
      'the end equals the start: a single unlock at one time is a periodic schedule with one unlock',
    ],
    [linear(0n, T0, T0, T0 + 1), 'the vesting amount must be positive'],
    [periodic([]), 'a periodic schedule needs at least one unlock'],
    [
      periodic([
        { time: 5, amount: 1n },
        { time: 5, amount: 1n },
      ]),
      "unlock 1: its time (1970-01-01T00:00:00.005Z) is not after unlock 0's",
    ],
    [periodic([{ time: 5, amount: 0n }]), 'unlock 0: the amount must be positive'],
    [
      { ...periodic([{ time: 5, amount: 2n }]), original: 3n },
      'the unlocks sum to 2, not the vesting amount 3',
    ],
    [{ ...periodic([{ time: 5, amount: 2n }]), start: 1 }, 'a periodic schedule has no start, cliff or end'],
    [{ ...linear(10n, 1, 2, 3), unlocks: [{ time: 5, amount: 10n }] }, 'a linear schedule has no unlocks'],
    [
      periodic(Array.from({ length: MAX_UNLOCKS + 1 }, (_, i) => ({ time: i, amount: 1n }))),
      `${MAX_UNLOCKS + 1} unlocks, at most ${MAX_UNLOCKS}`,
    ],
  ])('refuses %#', (s, message) => {
    expect(scheduleProblem(s)).toBe(message);
  });

  it('accepts a schedule without a cliff (cliff = start) and one whose cliff is its end', () => {
    expect(scheduleProblem(linear(10n, T0, T0, T0 + YEAR))).toBeUndefined();
    expect(scheduleProblem(linear(10n, T0, T0 + YEAR, T0 + YEAR))).toBeUndefined();
  });
});

type Op =
  | { kind: 'spend'; at: number; fraction: number }
  | { kind: 'stake'; at: number; fraction: number }
  | { kind: 'unstake'; at: number; fraction: number; slashBps: number }
  | { kind: 'receive'; at: number; amount: bigint };

const fractionArb = fc.integer({ min: 0, max: 1000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('spend' as const), at: timeArb, fraction: fractionArb }),
  fc.record({ kind: fc.constant('stake' as const), at: timeArb, fraction: fractionArb }),
  fc.record({
    kind: fc.constant('unstake' as const),
    at: timeArb,
    fraction: fractionArb,
    slashBps: fc.integer({ min: 0, max: 10_000 }),
  }),
  fc.record({
    kind: fc.constant('receive' as const),
    at: timeArb,
    amount: fc.bigInt({ min: 0n, max: 2n ** 100n }),
  }),
);

const part = (amount: bigint, fraction: number) => (amount * BigInt(fraction)) / 1000n;

describe('delegation bookkeeping', () => {
  it('an account that spends only its spendable balance keeps what still vests in its balance or at stake', () => {
    fc.assert(
      fc.property(
        scheduleArb,
        fc.bigInt({ min: 0n, max: 2n ** 200n }),
        fc.array(opArb, { maxLength: 40 }),
        (schedule, extra, rawOps) => {
          let v = fresh(schedule);
          let balance = schedule.original + extra;
          let staked = 0n;
          let slashed = 0n;
          // Block time only moves forward.
          const ops = [...rawOps].sort((a, b) => a.at - b.at);
          for (const op of ops) {
            const spendable = spendableOf(balance, v, op.at);
            expect(spendable >= 0n && spendable <= balance).toBe(true);
            if (op.kind === 'spend') balance -= part(spendable, op.fraction);
            else if (op.kind === 'receive') balance += op.amount;
            else if (op.kind === 'stake') {
              const amount = part(balance, op.fraction);
              v = afterDelegation(v, op.at, amount);
              balance -= amount;
              staked += amount;
            } else {
              const amount = part(staked, op.fraction);
              const lost = (amount * BigInt(op.slashBps)) / 10_000n;
              v = afterUndelegation(v, amount - lost);
              staked -= amount;
              slashed += lost;
              balance += amount - lost;
            }
            // The invariant: nothing still vesting ever left except through a slash.
            const stillVesting = schedule.original - vestedAt(schedule, op.at);
            expect(balance + staked + slashed >= stillVesting).toBe(true);
            // And the bookkeeping never claims more at stake than was staked or lost.
            expect(v.delegatedVesting + v.delegatedFree <= staked + slashed).toBe(true);
            expect(v.delegatedVesting >= 0n && v.delegatedFree >= 0n).toBe(true);
          }
          // From the end of the schedule on, nothing is locked.
          const after = breakpoints([schedule]).at(-1)! + 1;
          expect(lockedAt(v, after)).toBe(0n);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('stakes locked tokens first and returns free tokens first (Cosmos DelegatedVesting / DelegatedFree)', () => {
    // 100 vesting over a year, 50 more free; half way: 50 still vesting.
    let v = fresh(linear(100n, T0, T0, T0 + YEAR));
    const mid = T0 + YEAR / 2;
    expect(lockedAt(v, mid)).toBe(50n);
    expect(spendableOf(150n, v, mid)).toBe(100n);
    v = afterDelegation(v, mid, 70n);
    expect([v.delegatedVesting, v.delegatedFree]).toEqual([50n, 20n]);
    // Everything still vesting is at stake: the 80 left in the balance are all spendable.
    expect(lockedAt(v, mid)).toBe(0n);
    expect(spendableOf(80n, v, mid)).toBe(80n);
    v = afterUndelegation(v, 30n);
    expect([v.delegatedVesting, v.delegatedFree]).toEqual([40n, 0n]);
    // 10 of the returned 30 were vesting: locked again.
    expect(lockedAt(v, mid)).toBe(10n);
    expect(spendableOf(110n, v, mid)).toBe(100n);
  });
});
