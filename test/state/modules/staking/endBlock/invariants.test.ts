// A long randomized run on a real Chain (real LevelDB) with staking traffic, absent validators and
// double-sign evidence. After every block: the total supply is the genesis supply less what was
// burned (base-fee burns and slashes), the staking module holds exactly what its pool accounts for,
// and a second node re-executing each block (the verify path) agrees on every header field.
import { describe, expect, it } from 'vitest';
import { type Address, addressFromPrivateKey } from '../../../../../core/address.ts';
import type { Evidence } from '../../../../../core/evidence.ts';
import { readAccount } from '../../../../../state/accounts.ts';
import { readPool, readValidator, STAKING_ADDRESS } from '../../../../../state/modules/staking/index.ts';
import {
  consensusAddress,
  doubleVote,
  GWEI,
  moduleBalanceProblem,
  OPEN,
  openStakingChain,
  operator,
  stakingCall,
  submit,
  TREASURY,
} from './helpers.ts';

/** mulberry32: a small seeded generator, so a failing run can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const BLOCKS = 150;
const BURN_BPS = 2_000n;
const delegatorKeys = [1, 2, 3, 4, 5].map((i) => {
  const k = new Uint8Array(32);
  k[0] = 0xde;
  k[31] = i;
  return k;
});
const delegators = delegatorKeys.map(addressFromPrivateKey);

describe('staking over a long randomized run', () => {
  it('keeps the supply and the module balance exact after every block, on both execution paths', async () => {
    const seed = 0x5eed;
    const rnd = random(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
    const tc = await openStakingChain({
      params: { baseFeeBurnBps: Number(BURN_BPS) },
      alloc: delegators.map((address) => ({ address, balance: 10_000n * OPEN })),
      stakingParams: { feesToStakersBps: 5_000, maxEntries: 3 },
    });
    const follower = await tc.follower();
    try {
      const known: Address[] = [...delegators, ...[1, 2, 3, 4].map(operator), TREASURY, STAKING_ADDRESS];
      const supply = () => known.reduce((sum, a) => sum + readAccount(tc.chain.state, a).balance, 0n);
      const genesisSupply = supply();
      let burned = 0n;
      let slashedBefore = readPool(tc.chain.state).slashed;

      for (let b = 0; b < BLOCKS; b++) {
        for (let n = Math.floor(rnd() * 4); n > 0; n--) {
          const who = Math.floor(rnd() * delegators.length);
          const key = delegatorKeys[who]!;
          const amount = BigInt(1 + Math.floor(rnd() * 40)) * (OPEN / 4n);
          const validator = operator(1 + Math.floor(rnd() * 4));
          const tip = BigInt(Math.floor(rnd() * 3)) * GWEI;
          const op = rnd();
          if (op < 0.35) await stakingCall(tc, key, 'delegate', [validator], amount, tip);
          else if (op < 0.55) await stakingCall(tc, key, 'undelegate', [validator, amount], 0n, tip);
          else if (op < 0.7)
            await stakingCall(
              tc,
              key,
              'redelegate',
              [validator, operator(1 + Math.floor(rnd() * 4)), amount],
              0n,
              tip,
            );
          else if (op < 0.85) await stakingCall(tc, key, 'withdrawRewards', [validator], 0n, tip);
          else await submit(tc, key, pick(known), new Uint8Array(), amount, tip);
        }
        // Validators 3 and 4 are absent now and then; 4 long enough to be jailed for downtime.
        const absent = [3, 4].filter((i) => rnd() < (i === 4 && b > 20 && b < 45 ? 0.9 : 0.2));
        const height = tc.chain.head.header.height + 1;
        const evidence: Evidence[] =
          b === 90 ? [doubleVote(tc.chain.chainId, tc.validatorKeys[1]!, height - 3)] : [];
        const { block } = await tc.produce({ absent: absent.map((i) => consensusAddress(tc, i)), evidence });
        await follower.finalizeBlock(block, tc.chain.blocks.getCommit(block.header.height)!);
        expect(follower.head.hash).toBe(tc.chain.head.hash);

        const baseFees = block.header.gasUsed * block.header.baseFeePerGas;
        const slashed = readPool(tc.chain.state).slashed;
        burned += (baseFees * BURN_BPS) / 10_000n + (slashed - slashedBefore);
        slashedBefore = slashed;
        const context = `seed ${seed}, block ${block.header.height}`;
        expect(supply(), context).toBe(genesisSupply - burned);
        expect(moduleBalanceProblem(tc), context).toBeUndefined();
      }
      // The run reached the rules it is meant to exercise.
      const pool = readPool(tc.chain.state);
      expect(pool.slashed).toBeGreaterThan(0n);
      expect(pool.paid).toBeGreaterThan(0n);
      expect(readValidator(tc.chain.state, operator(2))!.tombstoned).toBe(true);
      expect(readValidator(tc.chain.state, operator(4))!.jailed).toBe(true);
    } finally {
      await tc.close();
    }
  }, 120_000);
});
