// The staking end-of-block step (issue 8's figure): CPU time of one block's end-block work (fee
// settlement, block income to every signer, downtime windows, maturity queue, set update) with
// 100 validators / 10,000 delegations and 1,000 / 100,000, and, as the in-run reference, 100
// validators / 100,000 delegations: the cost must follow the validators, not the delegators.
// Besides CPU time it counts the state records each end-block reads and writes, a figure no load
// on the machine can move.
//
// The state is built in memory (genesis validators, then delegations bonded through the module's
// own bonding code), so the figure is the end-block's own work without LevelDB reads. Each measured
// block runs on a fresh overlay of that state at a new height, signed by all validators but 1%.
//
//   node bench/staking-endblock.ts [--blocks 30] [--json FILE]
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Address } from '../core/address.ts';
import { bigintToFixedBytes, bytesToHex } from '../core/bytes.ts';
import { keccak256 } from '../core/hash.ts';
import type { Commit } from '../core/vote.ts';
import { buildGenesisBlock } from '../genesis/build.ts';
import { makeGenesis } from '../node/init.ts';
import { generateValidatorKey } from '../node/keys.ts';
import { credit, transfer } from '../state/accounts.ts';
import { endBlock } from '../state/execution/endBlock.ts';
import { bond } from '../state/modules/staking/bonding.ts';
import { readPool, readValidator, STAKING_ADDRESS, writePool } from '../state/modules/staking/index.ts';
import { unmetered, writeValidator } from '../state/modules/staking/store.ts';
import { readParams } from '../state/params.ts';
import { mapKey, StateOverlay, type StateReader } from '../state/stateDb.ts';
import { readValidators } from '../state/validatorSet.ts';
import { median } from './stats.ts';

const OPEN = 10n ** 18n;

/** A state reader over a plain map that counts reads. */
class MemoryState implements StateReader {
  readonly #map = new Map<string, Uint8Array>();
  reads = 0;
  set(key: Uint8Array, value: Uint8Array | null): void {
    if (value) this.#map.set(mapKey(key), value);
    else this.#map.delete(mapKey(key));
  }
  get(key: Uint8Array): Uint8Array | undefined {
    this.reads++;
    return this.#map.get(mapKey(key));
  }
}

const delegatorAddress = (i: number) =>
  bytesToHex(keccak256(bigintToFixedBytes(BigInt(i), 32)).subarray(12)) as Address;

async function buildState(validators: number, delegations: number): Promise<MemoryState> {
  const keys = Array.from({ length: validators }, () => generateValidatorKey());
  const operators = keys.map((_, i) => delegatorAddress(1_000_000_000 + i));
  const genesis = makeGenesis({
    chainId: 1337,
    genesisTime: new Date('2026-01-01T00:00:00Z'),
    alloc: [],
    staking: { params: { maxValidators: validators }, rewardsPool: 1_000_000n * OPEN },
    validators: keys.map((key, i) => ({ name: `v${i}`, key, power: 100n, rewardAddress: operators[i]! })),
  });
  const block = await buildGenesisBlock(genesis);
  const base = new MemoryState();
  for (const c of block.changes) base.set(c.key, c.value);
  // Delegations in batches (an overlay per batch keeps the journal small).
  for (let start = 0; start < delegations; start += 5_000) {
    const state = new StateOverlay(base);
    const stake = unmetered(state);
    let pool = readPool(state);
    for (let i = start; i < Math.min(delegations, start + 5_000); i++) {
      const delegator = delegatorAddress(i);
      const amount = OPEN / 10n + BigInt(i);
      credit(state, delegator, amount);
      transfer(state, delegator, STAKING_ADDRESS, amount);
      const bonded = bond(stake, delegator, readValidator(state, operators[i % validators]!)!, amount, pool);
      writeValidator(state, bonded.validator);
      pool = bonded.pool;
    }
    writePool(state, pool);
    for (const c of state.changes()) base.set(c.key, c.value);
  }
  // Block 1's end saves the signing set the measured blocks' lastCommit is checked against.
  const first = new StateOverlay(base);
  const params = readParams(first);
  endBlock(
    first,
    { chainId: 1337n, height: 1, time: 1, params },
    { lastCommit: null, evidence: [], baseFees: 0n, tips: 0n, parentHash: new Uint8Array(32) },
  );
  for (const c of first.changes()) base.set(c.key, c.value);
  return base;
}

interface Figure {
  readonly validators: number;
  readonly delegations: number;
  readonly cpuMsMedian: number;
  readonly reads: number;
  readonly writes: number;
}

function measure(base: MemoryState, validators: number, delegations: number, blocks: number): Figure {
  const params = readParams(base);
  const set = readValidators(base);
  const times: number[] = [];
  let reads = 0;
  let writes = 0;
  for (let b = 0; b < blocks; b++) {
    const height = 2 + b;
    // All but 1% sign (a different 1% each block, so windows are written too).
    const signatures = set
      .filter((_, i) => (i + b) % 100 !== 0)
      .map((v) => ({ validator: v.address, signature: new Uint8Array(64) }));
    const lastCommit: Commit = {
      height: height - 1,
      round: 0,
      blockHash: `0x${'11'.repeat(32)}`,
      signatures,
    };
    const state = new StateOverlay(base);
    base.reads = 0;
    const t0 = process.cpuUsage();
    endBlock(
      state,
      { chainId: 1337n, height, time: height * 1000, params },
      {
        lastCommit,
        evidence: [],
        baseFees: OPEN,
        tips: OPEN / 100n,
        parentHash: new Uint8Array(32).fill(0x11),
      },
    );
    const used = process.cpuUsage(t0);
    times.push((used.user + used.system) / 1000);
    reads = base.reads;
    writes = state.changes().length;
  }
  return { validators, delegations, cpuMsMedian: median(times), reads, writes };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { blocks: { type: 'string', default: '30' }, json: { type: 'string' } },
  });
  const blocks = Number(values.blocks);
  const shapes: [number, number][] = [
    [100, 10_000],
    [100, 100_000],
    [1_000, 100_000],
  ];
  const figures: Figure[] = [];
  for (const [v, d] of shapes) {
    const base = await buildState(v, d);
    figures.push(measure(base, v, d, blocks));
  }
  console.log(
    `staking end-block, ${blocks} blocks each, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}`,
  );
  console.log('validators  delegations  CPU ms/block (median)  state reads  state writes');
  for (const f of figures) {
    console.log(
      `${String(f.validators).padStart(10)}  ${String(f.delegations).padStart(11)}  ${f.cpuMsMedian.toFixed(2).padStart(21)}  ${String(f.reads).padStart(11)}  ${String(f.writes).padStart(12)}`,
    );
  }
  const [small, sameValidators, large] = figures as [Figure, Figure, Figure];
  console.log(
    `10x delegators (100 validators): CPU x${(sameValidators.cpuMsMedian / small.cpuMsMedian).toFixed(2)}, reads ${small.reads} -> ${sameValidators.reads}, writes ${small.writes} -> ${sameValidators.writes}`,
  );
  console.log(`10x validators and delegators: CPU x${(large.cpuMsMedian / small.cpuMsMedian).toFixed(2)}`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ blocks, figures }, null, 2)}\n`);
}

await main();
