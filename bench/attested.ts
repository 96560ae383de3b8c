// Gas and CPU time of an attested record's commit, reveal and settlement (issue 13's figures) with
// 4, 20 and 100 validators and 16 candidates. The state is a real genesis of N validators (staking
// records included, as settlement pays attesters through them) in memory; the calls go through the
// module's execute with their real calldata. The gas is exact (intrinsic gas of the calldata plus
// what the module charges); the CPU time is the mean of the module's execute over fresh overlays of
// the same state (this thread's CPU time over all runs together, after one untimed pass), so it
// excludes LevelDB reads and signature recovery. Settlement is measured with every validator revealed.
//
//   node bench/attested.ts [--runs 200]
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { encodeFunctionData } from 'viem';
import { type Address, addressFromPrivateKey } from '../core/address.ts';
import { bigintToFixedBytes, bytesToHex, hexToBytes } from '../core/bytes.ts';
import { keccak256 } from '../core/hash.ts';
import type { Log } from '../core/receipt.ts';
import { buildGenesisBlock } from '../genesis/build.ts';
import { DEFAULT_PARAMS } from '../genesis/defaults.ts';
import { makeGenesis } from '../node/init.ts';
import { generateValidatorKey } from '../node/keys.ts';
import { credit } from '../state/accounts.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../state/modules/attribution/abi.ts';
import { attestationCommitment } from '../state/modules/attribution/attested/commitment.ts';
import { AttributionModule } from '../state/modules/attribution/module.ts';
import { BondStatus, FlagReason, Status } from '../state/modules/attribution/records.ts';
import { writeContribution } from '../state/modules/attribution/store.ts';
import type { BlockInfo } from '../state/modules/module.ts';
import type { ChainParams } from '../state/params.ts';
import { StateOverlay } from '../state/stateDb.ts';
import { attributionIntrinsicGas } from './attributionGas.ts';

const CANDIDATES = 16;
const RECORD_HEIGHT = 10;
const OWNER = addressFromPrivateKey(new Uint8Array(32).fill(7));
const SALT = new Uint8Array(32).fill(0x5a);
const module = new AttributionModule();
type Fn = Parameters<typeof encodeFunctionData<typeof attributionAbi>>[0];
const calldata = (c: Fn) => hexToBytes(encodeFunctionData(c));

const operatorOf = (i: number) =>
  bytesToHex(keccak256(bigintToFixedBytes(BigInt(1_000 + i), 32)).subarray(12)) as Address;
const scoresOf = (i: number) => Array.from({ length: CANDIDATES }, (_, c) => (c * 613 + i * 37) % 10_001);

/** Runs one call; returns the gas the module charged. */
function run(
  state: StateOverlay,
  params: ChainParams,
  height: number,
  from: Address,
  data: Uint8Array,
  value = 0n,
) {
  let gas = 0n;
  const block: BlockInfo = { chainId: 1337n, height, time: height * 1000, params };
  module.execute(
    {
      state,
      block,
      from,
      value,
      useGas: (g) => {
        gas += g;
      },
      emit: (_log: Log) => {},
    },
    data,
  );
  return gas;
}

/** Genesis of `n` validators, a Datanet with 16 accepted contributions, a model, and its attested record. */
async function world(n: number) {
  const genesis = makeGenesis({
    chainId: 1337,
    genesisTime: new Date('2026-01-01T00:00:00Z'),
    alloc: [{ address: OWNER, balance: 10n ** 24n }],
    params: {
      attribution: { ...DEFAULT_PARAMS.attribution, minAttributionBond: '0', maxCandidates: CANDIDATES },
    },
    staking: { params: { maxValidators: n } },
    validators: Array.from({ length: n }, (_, i) => ({
      name: `v${i}`,
      key: generateValidatorKey(),
      power: 100n + BigInt(i),
      rewardAddress: operatorOf(i),
    })),
  });
  const block = await buildGenesisBlock(genesis);
  const state = new StateOverlay({ get: () => undefined });
  for (const c of block.changes) state.set(c.key, c.value);
  const params = block.params;
  run(
    state,
    params,
    1,
    OWNER,
    calldata({ abi: attributionAbi, functionName: 'createDatanet', args: ['d', '', '', 0, 0n] }),
  );
  for (let id = 1n; id <= BigInt(CANDIDATES); id++) {
    writeContribution(state, id, {
      datanetId: 1n,
      contributor: operatorOf(10_000 + Number(id)),
      chunkRoot: keccak256(bigintToFixedBytes(id, 32)),
      size: 1_000,
      chunkSize: 256,
      uri: '',
      status: Status.accepted,
      flagReason: FlagReason.none,
      bond: 0n,
      bondStatus: BondStatus.none,
      submittedAt: 0,
      acceptedAt: 0,
      commitHeight: 0,
      submittedHeight: 0,
      challengeWindowSeconds: 0,
    });
  }
  const fee = 10n ** 18n;
  const split = { ownerBps: 5_000, contributorsBps: 3_000, validatorsBps: 1_000, treasuryBps: 1_000 };
  run(
    state,
    params,
    2,
    OWNER,
    calldata({
      abi: attributionAbi,
      functionName: 'registerModel',
      args: ['m', '', [1n], 0n, fee, 0n, split],
    }),
  );
  credit(state, ATTRIBUTION_ADDRESS, fee); // the value the execution layer moves before the call
  const candidates = Array.from({ length: CANDIDATES }, (_, i) => BigInt(i + 1));
  const recordData = calldata({
    abi: attributionAbi,
    functionName: 'recordAttestedInference',
    args: [1n, bytesToHex(new Uint8Array(512).fill(0x61)), candidates, candidates.map(() => 5_000)],
  });
  const recordGas =
    run(state, params, RECORD_HEIGHT, OWNER, recordData, fee) + attributionIntrinsicGas(recordData);
  return { state, params, recordGas };
}

const commitData = (i: number) =>
  calldata({
    abi: attributionAbi,
    functionName: 'commitAttestation',
    args: [1n, attestationCommitment(1n, operatorOf(i), scoresOf(i), SALT)],
  });
const revealData = (i: number) =>
  calldata({
    abi: attributionAbi,
    functionName: 'revealAttestation',
    args: [1n, scoresOf(i), bytesToHex(SALT)],
  });
const settleData = calldata({ abi: attributionAbi, functionName: 'settleAttestedInference', args: [1n] });

/** Mean gas and CPU µs of a call over fresh overlays of `state`. */
function timed(
  state: StateOverlay,
  params: ChainParams,
  height: number,
  from: Address,
  data: Uint8Array,
  runs: number,
) {
  run(new StateOverlay(state), params, height, from, data);
  let gas = 0n;
  const t0 = process.threadCpuUsage();
  for (let i = 0; i < runs; i++) gas = run(new StateOverlay(state), params, height, from, data);
  const t = process.threadCpuUsage(t0);
  return {
    gas: Number(gas + attributionIntrinsicGas(data)),
    cpuUs: Math.round(((t.user + t.system) / runs) * 10) / 10,
  };
}

async function measure(n: number, runs: number) {
  const { state, params, recordGas } = await world(n);
  const commit = timed(state, params, RECORD_HEIGHT + 1, operatorOf(0), commitData(0), runs);
  for (let i = 0; i < n; i++) run(state, params, RECORD_HEIGHT + 1, operatorOf(i), commitData(i));
  const revealAt = RECORD_HEIGHT + DEFAULT_PARAMS.attribution.attestationWindowBlocks / 2 + 1;
  const reveal = timed(state, params, revealAt, operatorOf(0), revealData(0), runs);
  for (let i = 0; i < n; i++) run(state, params, revealAt, operatorOf(i), revealData(i));
  const settleAt = RECORD_HEIGHT + DEFAULT_PARAMS.attribution.attestationWindowBlocks + 1;
  const settle = timed(state, params, settleAt, OWNER, settleData, Math.max(1, Math.floor(runs / 4)));
  return { validators: n, candidates: CANDIDATES, recordGas: Number(recordGas), commit, reveal, settle };
}

/** Every figure, printed as a table (the JSON is the caller's). */
export async function runAttestedBench(opts: { runs?: number } = {}) {
  const runs = opts.runs ?? 200;
  const figures = [];
  for (const n of [4, 20, 100]) figures.push(await measure(n, runs));
  const pad = (s: string | number, w: number) => String(s).padStart(w);
  console.log(
    `${pad('validators', 10)} ${pad('record gas', 11)} ${pad('commit gas', 11)} ${pad('µs', 7)} ${pad('reveal gas', 11)} ${pad('µs', 7)} ${pad('settle gas', 11)} ${pad('µs', 8)}`,
  );
  for (const f of figures) {
    console.log(
      `${pad(f.validators, 10)} ${pad(f.recordGas, 11)} ${pad(f.commit.gas, 11)} ${pad(f.commit.cpuUs, 7)} ${pad(f.reveal.gas, 11)} ${pad(f.reveal.cpuUs, 7)} ${pad(f.settle.gas, 11)} ${pad(f.settle.cpuUs, 8)}`,
    );
  }
  return {
    bench: 'attested records',
    runs,
    cpus: cpus().length,
    loadavg: loadavg().map((l) => Math.round(l * 10) / 10),
    figures,
  };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' } } });
  console.log(JSON.stringify(await runAttestedBench({ runs: Number(values.runs) }), null, 2));
}
