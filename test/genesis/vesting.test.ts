// Unlock schedules in the genesis file (genesis/vesting.ts, genesis/schema.ts, genesis/build.ts):
// every bad schedule is refused naming the allocation and the reason; a file without schedules
// hashes as before (the vector); a vesting operator's genesis self-bond takes its locked tokens.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Address } from '../../core/address.ts';
import { buildGenesisBlock } from '../../genesis/build.ts';
import { genesisToJson, parseGenesis } from '../../genesis/load.ts';
import { StateOverlay } from '../../state/stateDb.ts';
import { readSupply } from '../../state/supply.ts';
import { VestingKind } from '../../state/vesting/schedule.ts';
import { balancesAt, readVesting, readVestingAccounts } from '../../state/vesting/store.ts';
import { genesisProblems } from './problems.ts';

type Doc = {
  genesisTime: string;
  alloc: { address: string; balance: string; vesting?: unknown }[];
  validators: { power: string; rewardAddress: string }[];
};
const file = JSON.parse(readFileSync(new URL('./vectors/genesis.json', import.meta.url), 'utf8'));
const vector = file.genesis as Doc;
const HOLDER = vector.alloc[0]!.address as Address;
const OPERATOR = vector.validators[0]!.rewardAddress as Address;
const OPEN = 10n ** 18n;

const linear = {
  amount: '1000',
  start: '2027-01-01T00:00:00Z',
  cliff: '2028-01-01T00:00:00Z',
  end: '2030-01-01T00:00:00Z',
};

function withVesting(vesting: unknown, index = 0): Doc {
  const g = structuredClone(vector);
  g.alloc[index]!.vesting = vesting;
  return g;
}

async function stateOf(g: Doc) {
  const block = await buildGenesisBlock(parseGenesis(g));
  const state = new StateOverlay({ get: () => undefined });
  for (const c of block.changes) state.set(c.key, c.value);
  return { block, state };
}

describe('genesis unlock schedules', () => {
  it.each([
    [
      { ...linear, cliff: '2026-12-31T23:59:59Z' },
      'the cliff (2026-12-31T23:59:59.000Z) is before the start (2027-01-01T00:00:00.000Z)',
    ],
    [
      { ...linear, end: '2027-06-01T00:00:00Z' },
      'the end (2027-06-01T00:00:00.000Z) is before the cliff (2028-01-01T00:00:00.000Z)',
    ],
    [
      { ...linear, cliff: linear.start, end: linear.start },
      'the end equals the start: a single unlock at one time is a periodic schedule with one unlock',
    ],
    [{ ...linear, amount: '0' }, 'vesting.amount must be between 1 and'],
    [{ ...linear, start: 'tomorrow' }, 'expected an ISO-8601 UTC time'],
    [{ ...linear, start: '1969-12-31T00:00:00Z' }, 'must not be before 1970-01-01T00:00:00Z'],
    [
      { amount: '5', start: linear.start },
      'expected either { amount, start, cliff, end } (linear vesting) or { unlocks: [{ time, amount }] } (periodic unlocks)',
    ],
    [{ ...linear, unlocks: [{ time: linear.end, amount: '5' }] }, 'expected either'],
    [{ unlocks: [] }, 'a periodic schedule needs at least one unlock'],
    [
      {
        unlocks: [
          { time: linear.end, amount: '5' },
          { time: linear.start, amount: '5' },
        ],
      },
      "unlock 1: its time (2027-01-01T00:00:00.000Z) is not after unlock 0's",
    ],
    [{ ...linear, rate: '5' }, 'Unrecognized key: "rate"'],
  ])('refuses a bad schedule %#, naming the allocation', (vesting, message) => {
    const found = genesisProblems(withVesting(vesting));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^genesis\.alloc\[0\]\.vesting(\.\w+(\[\d+\]\.\w+)?)?: /);
    expect(found[0]).toContain(message);
  });

  it('refuses a schedule that locks more than the balance, linear or periodic', () => {
    const balance = vector.alloc[0]!.balance;
    const more = (BigInt(balance) + 1n).toString();
    expect(genesisProblems(withVesting({ ...linear, amount: more }))).toEqual([
      `genesis.alloc[0].vesting: the schedule locks ${more}, more than the balance ${balance}`,
    ]);
    const half = (BigInt(balance) / 2n + 1n).toString();
    expect(
      genesisProblems(
        withVesting({
          unlocks: [
            { time: linear.start, amount: half },
            { time: linear.end, amount: half },
          ],
        }),
      ),
    ).toEqual([
      `genesis.alloc[0].vesting: the schedule locks ${2n * BigInt(half)}, more than the balance ${balance}`,
    ]);
  });

  it('a file without schedules hashes as the vector pins it, and its state holds the total supply', async () => {
    expect((await buildGenesisBlock(parseGenesis(vector))).hash).toBe(file.hash);
    const { state } = await stateOf(vector);
    const g = parseGenesis(vector);
    expect(readSupply(state)).toBe(g.alloc.reduce((sum, a) => sum + a.balance, g.staking.rewardsPool));
    expect(readVestingAccounts(state)).toEqual([]);
  });

  it('writes each schedule to the state, lists the vesting accounts, and a schedule changes the hash', async () => {
    const g = withVesting({
      unlocks: [
        { time: linear.start, amount: '10' },
        { time: linear.end, amount: '20' },
      ],
    });
    // Written back and read again, the file is the same (the times stay as written).
    expect(genesisToJson(parseGenesis(g))).toEqual(g);
    const { block, state } = await stateOf(g);
    expect(block.hash).not.toBe(file.hash);
    expect(readVestingAccounts(state)).toEqual([HOLDER]);
    expect(readVesting(state, HOLDER)).toEqual({
      kind: VestingKind.periodic,
      original: 30n,
      start: 0,
      cliff: 0,
      end: 0,
      unlocks: [
        { time: Date.parse(linear.start), amount: 10n },
        { time: Date.parse(linear.end), amount: 20n },
      ],
      delegatedVesting: 0n,
      delegatedFree: 0n,
    });
  });

  it("a vesting operator's genesis self-bond takes its locked tokens first", async () => {
    const index = vector.alloc.findIndex((a) => a.address === OPERATOR);
    const balance = BigInt(vector.alloc[index]!.balance);
    const selfBond = BigInt(vector.validators[0]!.power) * OPEN;
    // Everything the operator is allocated vests over years: the self-bond is all locked tokens.
    const { state } = await stateOf(withVesting({ ...linear, amount: balance.toString() }, index));
    expect(readVesting(state, OPERATOR)).toMatchObject({ delegatedVesting: selfBond, delegatedFree: 0n });
    const genesisTime = Date.parse(vector.genesisTime);
    expect(balancesAt(state, OPERATOR, genesisTime)).toEqual({
      balance: balance - selfBond,
      locked: balance - selfBond,
      spendable: 0n,
    });
  });
});
