// The reward accounting against a naive per-delegator reference, over long random sequences of
// every operation that moves stake or rewards (delegate, undelegate, redelegate, withdraw,
// allocate, slash, set changes, maturing entries). After every step:
//   - exactly, in wei * REWARD_SCALE: SCALE * distributed == SCALE * (paid + dust + commission)
//     + dustScaled + carries + what every delegation is owed (rewards.ts);
//   - in wei: paid + pending + dust + commission <= distributed, short by less than one wei per
//     delegation and validator (the remainders not yet settled into dust);
//   - each delegation's rewards received + pending never exceed the naive exact share
//     (reward * shares / total shares at each allocation, in rationals) and fall short of it by
//     less than one wei per settlement plus two (the pending floor and the undivided carry);
//   - the module's balance == bonded + notBonded + rewardsPool + (distributed - paid), and the
//     total supply == genesis supply - burned;
// and once everyone has left the long run's validators (stake, rewards and commission withdrawn),
// paid + dust == distributed exactly, in wei.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../../core/address.ts';
import { STAKING_ADDRESS } from '../../../../state/modules/staking/abi.ts';
import { applyActiveSet, validatorCandidates } from '../../../../state/modules/staking/activeSet.ts';
import { tokensForShares } from '../../../../state/modules/staking/ledger.ts';
import {
  allocateReward,
  owedScaled,
  pendingRewards,
  REWARD_SCALE,
} from '../../../../state/modules/staking/rewards.ts';
import { slashValidator } from '../../../../state/modules/staking/slashing.ts';
import { readDelegation } from '../../../../state/modules/staking/store.ts';
import { account, consensusKey, ETH, StakingBench, TEST_PARAMS, TREASURY } from './helpers.ts';

const OPERATORS = [1, 2, 3].map(account);
const DELEGATORS = [10, 11, 12, 13].map(account);
const HOLDERS = [...OPERATORS, ...DELEGATORS];

/** A non-negative rational, kept reduced. */
interface Q {
  readonly n: bigint;
  readonly d: bigint;
}
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
function add(x: Q, n: bigint, d: bigint): Q {
  const num = x.n * d + n * x.d;
  const den = x.d * d;
  const g = gcd(num, den);
  return { n: num / g, d: den / g };
}

type Op =
  | { kind: 'delegate'; who: number; to: number; amount: bigint }
  | { kind: 'undelegate'; who: number; from: number; part: number }
  | { kind: 'redelegate'; who: number; from: number; to: number; part: number }
  | { kind: 'withdraw'; who: number; from: number }
  | { kind: 'allocate'; to: number; amount: bigint }
  | { kind: 'slash'; who: number; bps: number; back: number }
  | { kind: 'set' }
  | { kind: 'blocks'; n: number };

const amount = fc.oneof(fc.bigInt({ min: 1n, max: 1_000n }), fc.bigInt({ min: 1n, max: 20n * ETH }));
const holder = fc.integer({ min: 0, max: HOLDERS.length - 1 });
const validator = fc.integer({ min: 0, max: OPERATORS.length - 1 });
const part = fc.integer({ min: 1, max: 100 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('delegate' as const), who: holder, to: validator, amount }),
  fc.record({ kind: fc.constant('undelegate' as const), who: holder, from: validator, part }),
  fc.record({ kind: fc.constant('redelegate' as const), who: holder, from: validator, to: validator, part }),
  fc.record({ kind: fc.constant('withdraw' as const), who: holder, from: validator }),
  fc.record({ kind: fc.constant('allocate' as const), to: validator, amount }),
  fc.record({ kind: fc.constant('allocate' as const), to: validator, amount }),
  fc.record({
    kind: fc.constant('slash' as const),
    who: validator,
    bps: fc.integer({ min: 0, max: 3_000 }),
    back: fc.integer({ min: 0, max: 12 }),
  }),
  fc.record({ kind: fc.constant('set' as const) }),
  fc.record({ kind: fc.constant('blocks' as const), n: fc.integer({ min: 1, max: 4 }) }),
);

const pairKey = (d: Address, v: Address) => `${d}/${v}`;

class Run {
  readonly b = new StakingBench({ ...TEST_PARAMS, maxEntries: 4, slashToTreasury: false }, HOLDERS);
  readonly supply: bigint;
  /** Naive exact rewards per delegation since the start, and what the module paid it. */
  readonly naive = new Map<string, Q>();
  readonly paid = new Map<string, bigint>();
  readonly touches = new Map<string, number>();
  burned = 0n;
  minted = 0n;
  succeeded = new Map<string, number>();

  constructor() {
    for (const [i, o] of OPERATORS.entries())
      this.b.createValidator(o, consensusKey(i + 1), ETH + BigInt(i) * 3n * ETH, {
        commissionBps: 333 * i,
        maxCommissionBps: 2_000,
      });
    this.supply = this.totalSupply();
  }

  totalSupply(): bigint {
    return [...HOLDERS, STAKING_ADDRESS, TREASURY].reduce((sum, a) => sum + this.b.balance(a), 0n);
  }

  touch(d: Address, v: Address): void {
    const k = pairKey(d, v);
    this.touches.set(k, (this.touches.get(k) ?? 0) + 1);
  }

  /** What pendingRewards answers, without the ABI round trip (the views test covers that). */
  pending(d: Address, v: Address): bigint {
    const del = readDelegation(this.b.state, d, v);
    return del ? pendingRewards(this.b.validator(v), del) : 0n;
  }

  credit(d: Address, v: Address, amount: bigint): void {
    const k = pairKey(d, v);
    this.paid.set(k, (this.paid.get(k) ?? 0n) + amount);
  }

  /** A transaction; rewards it paid are read from its RewardsWithdrawn events. */
  tx(from: Address, name: Parameters<StakingBench['call']>[1], args: readonly unknown[], value = 0n): void {
    const out = this.b.call(from, name, args, value);
    if (out.status !== 1) return;
    this.succeeded.set(name, (this.succeeded.get(name) ?? 0) + 1);
    for (const e of out.events) {
      if (e.eventName !== 'RewardsWithdrawn') continue;
      const v = (e.args.validator as string).toLowerCase() as Address;
      this.credit(from, v, e.args.amount as bigint);
      this.touch(from, v);
    }
  }

  delegationTokens(d: Address, v: Address): bigint {
    const del = readDelegation(this.b.state, d, v);
    return del ? tokensForShares(this.b.validator(v), del.shares) : 0n;
  }

  apply(o: Op): void {
    const b = this.b;
    switch (o.kind) {
      case 'delegate':
        this.tx(HOLDERS[o.who]!, 'delegate', [OPERATORS[o.to]!], o.amount);
        break;
      case 'undelegate': {
        const d = HOLDERS[o.who]!;
        const v = OPERATORS[o.from]!;
        const amount = (this.delegationTokens(d, v) * BigInt(o.part)) / 100n;
        this.tx(d, 'undelegate', [v, amount]);
        break;
      }
      case 'redelegate': {
        const d = HOLDERS[o.who]!;
        const v = OPERATORS[o.from]!;
        const amount = (this.delegationTokens(d, v) * BigInt(o.part)) / 100n;
        this.tx(d, 'redelegate', [v, OPERATORS[o.to]!, amount]);
        break;
      }
      case 'withdraw':
        this.tx(HOLDERS[o.who]!, 'withdrawRewards', [OPERATORS[o.from]!]);
        break;
      case 'allocate': {
        const v = OPERATORS[o.to]!;
        const rec = b.validator(v);
        const commission = (o.amount * BigInt(rec.commissionBps)) / 10_000n;
        const rest = o.amount - commission;
        if (rec.delegatorShares > 0n) {
          for (const d of HOLDERS) {
            const del = readDelegation(b.state, d, v);
            if (!del) continue;
            const k = pairKey(d, v);
            this.naive.set(
              k,
              add(this.naive.get(k) ?? { n: 0n, d: 1n }, rest * del.shares, rec.delegatorShares),
            );
          }
        }
        b.fund(STAKING_ADDRESS, o.amount);
        this.minted += o.amount;
        allocateReward(b.state, v, o.amount);
        break;
      }
      case 'slash': {
        const v = OPERATORS[o.who]!;
        // Settling by a redelegation slash pays pending rewards without an event: count them.
        const before = new Map<string, bigint>();
        for (const d of HOLDERS) for (const w of OPERATORS) before.set(pairKey(d, w), this.pending(d, w));
        const slashed = slashValidator(b.state, {
          operator: v,
          infractionHeight: Math.max(1, b.height - o.back),
          fractionBps: o.bps,
          height: b.height,
        });
        this.burned += slashed.total;
        for (const d of HOLDERS)
          for (const w of OPERATORS) {
            const drop = before.get(pairKey(d, w))! - this.pending(d, w);
            if (drop > 0n) {
              this.credit(d, w, drop);
              this.touch(d, w);
            }
          }
        break;
      }
      case 'set': {
        const top = validatorCandidates(b.state).slice(0, 2);
        applyActiveSet(
          b.state,
          top.map((c) => ({ operator: c.operator, power: c.power })),
        );
        break;
      }
      case 'blocks':
        b.advance(o.n);
        break;
    }
  }

  /** Every delegator takes all its stake out (which withdraws its rewards), every operator its commission. */
  drain(): void {
    for (const d of HOLDERS)
      for (const v of OPERATORS) {
        const worth = this.delegationTokens(d, v);
        if (worth > 0n) this.tx(d, 'undelegate', [v, worth]);
      }
    for (const o of OPERATORS) this.tx(o, 'withdrawRewards', [o]);
  }

  check(): void {
    const b = this.b;
    const pool = b.pool();
    let commission = 0n;
    let carries = 0n;
    let owed = 0n;
    let pending = 0n;
    let delegations = 0n;
    for (const v of OPERATORS) {
      const rec = b.validator(v);
      commission += rec.commission;
      carries += rec.rewardCarry;
      for (const d of HOLDERS) {
        const del = readDelegation(b.state, d, v);
        const k = pairKey(d, v);
        const p = del ? this.pending(d, v) : 0n;
        if (del) {
          owed += owedScaled(rec, del);
          pending += p;
          delegations++;
        }
        // Against the naive reference: never more; short by under a wei per settlement, one for
        // the pending floor, and the share of the validator's carry (below a wei).
        const naive = this.naive.get(k) ?? { n: 0n, d: 1n };
        const received = (this.paid.get(k) ?? 0n) + p;
        expect(received * naive.d <= naive.n, `${k} received ${received} > naive ${naive.n}/${naive.d}`).toBe(
          true,
        );
        const shortBy = naive.n - received * naive.d;
        expect(
          shortBy < BigInt((this.touches.get(k) ?? 0) + 2) * naive.d,
          `${k} short by ${shortBy}/${naive.d}`,
        ).toBe(true);
      }
    }
    // Exact, to the 1/SCALE of a wei.
    expect(pool.distributed * REWARD_SCALE).toBe(
      (pool.paid + pool.dust + commission) * REWARD_SCALE + pool.dustScaled + carries + owed,
    );
    // In wei: short by less than one wei per delegation and validator, plus one.
    const accounted = pool.paid + pending + pool.dust + commission;
    expect(accounted <= pool.distributed).toBe(true);
    expect(pool.distributed - accounted < delegations + BigInt(OPERATORS.length) + 1n).toBe(true);
    // Custody and supply.
    b.expectSolvent();
    expect(this.totalSupply()).toBe(this.supply + this.minted - this.burned);
  }
}

describe('reward accounting (property)', () => {
  it('matches the naive reference and conserves every wei over random sequences', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 120 }), (ops) => {
        const run = new Run();
        for (const o of ops) {
          run.apply(o);
          run.check();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('holds over one long run that exercises every operation', { timeout: 180_000 }, () => {
    const run = new Run();
    const ops = fc.sample(op, { numRuns: 2_000, seed: 8 });
    ops.forEach((o, i) => {
      run.apply(o);
      if (i % 10 === 0) run.check();
    });
    run.check();
    for (const name of ['delegate', 'undelegate', 'redelegate', 'withdrawRewards'])
      expect(run.succeeded.get(name) ?? 0, name).toBeGreaterThan(20);
    expect(run.b.pool().dust + run.b.pool().dustScaled).toBeGreaterThan(0n);
    expect(run.burned).toBeGreaterThan(0n);

    // Then everyone leaves: nothing is pending, no share or commission is left, every remainder
    // has been settled into dust, and sum paid + dust == sum distributed, to the wei.
    run.drain();
    run.check();
    for (const v of OPERATORS)
      expect(run.b.validator(v), v).toMatchObject({ delegatorShares: 0n, commission: 0n, rewardCarry: 0n });
    const pool = run.b.pool();
    expect(pool.dustScaled).toBe(0n);
    expect(pool.dust).toBeGreaterThan(0n);
    expect(pool.paid + pool.dust).toBe(pool.distributed);
  });
});
