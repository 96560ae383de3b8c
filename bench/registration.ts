// Gas and CPU time of a registration's reveal (issue 9's figure): addContribution with its
// possessionSamples chunk samples and Merkle paths, for contributions of 64 KiB and 4 MiB at the
// default chunk size (256 and 16,384 chunks). The gas is exact (intrinsic gas of the calldata plus
// what the module charges); the CPU time is the mean of the module's execute over fresh overlays
// of the same state, so it is the reveal's own work without LevelDB reads or signature recovery.
// It is this thread's CPU time over all runs together (a single call is below the clock's
// resolution), after one untimed pass over both sizes so that neither figure carries the JIT's
// warm-up.
//
//   node bench/registration.ts [--runs 200]
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { encodeFunctionData } from 'viem';
import type { Address } from '../core/address.ts';
import { hexToBytes } from '../core/bytes.ts';
import type { Log } from '../core/receipt.ts';
import { DEFAULT_PARAMS } from '../genesis/defaults.ts';
import { attributionParamsSchema } from '../genesis/schema.ts';
import { commitCalldata, possessionIndices, revealCalldata } from '../prover/index.ts';
import { recordParentHash } from '../state/blockHashes.ts';
import { attributionAbi } from '../state/modules/attribution/abi.ts';
import { AttributionModule } from '../state/modules/attribution/module.ts';
import { writeAttributionParams } from '../state/modules/attribution/params.ts';
import type { BlockInfo } from '../state/modules/module.ts';
import { StateOverlay } from '../state/stateDb.ts';
import { attributionIntrinsicGas } from './attributionGas.ts';

const SENDER: Address = '0x00000000000000000000000000000000000b0b00';
const COMMIT_HEIGHT = 10;

const params = attributionParamsSchema.parse(DEFAULT_PARAMS.attribution);
const datanetCall = encodeFunctionData({
  abi: attributionAbi,
  functionName: 'createDatanet',
  args: ['bench', '', '', 0, 0n],
});
const module = new AttributionModule();

function blockAt(height: number): BlockInfo {
  return { chainId: 1337n, height, time: height * 1000, params: {} as BlockInfo['params'] };
}

/** Runs one call; returns the gas the module charged. */
function run(state: StateOverlay, height: number, data: Uint8Array): bigint {
  let gas = 0n;
  const ctx = {
    state,
    block: blockAt(height),
    from: SENDER,
    value: 0n,
    useGas: (g: bigint) => {
      gas += g;
    },
    emit: (_log: Log) => {},
  };
  module.execute(ctx, data);
  return gas;
}

function measure(size: number, runs: number) {
  const content = new Uint8Array(size);
  for (let i = 0; i < size; i++) content[i] = (i * 2_654_435_761) >>> 24;
  const base = new StateOverlay({ get: () => undefined });
  writeAttributionParams(base, params);
  run(base, 1, hexToBytes(datanetCall));
  const call = { datanetId: 1n, content, chunkSize: params.chunkSize };
  const commit = commitCalldata(call, SENDER, new Uint8Array(32).fill(7));
  const commitGas =
    run(base, COMMIT_HEIGHT, hexToBytes(commit.data)) + attributionIntrinsicGas(hexToBytes(commit.data));
  const seed = new Uint8Array(32).fill(0x5e);
  recordParentHash(base, COMMIT_HEIGHT + 2, seed);
  const chunks = Math.ceil(size / params.chunkSize);
  const indices = possessionIndices(seed, hexToBytes(commit.commitment), chunks, params.possessionSamples);
  const data = hexToBytes(revealCalldata(call, commit.salt, indices));
  let moduleGas = 0n;
  const t0 = process.threadCpuUsage();
  for (let i = 0; i < runs; i++) moduleGas = run(new StateOverlay(base), COMMIT_HEIGHT + 3, data);
  const t = process.threadCpuUsage(t0);
  return {
    sizeBytes: size,
    chunks,
    calldataBytes: data.length,
    gas: Number(attributionIntrinsicGas(data) + moduleGas),
    moduleGas: Number(moduleGas),
    cpuUsMean: Math.round((t.user + t.system) / runs),
    commitGas: Number(commitGas),
  };
}

const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' } } });
const runs = Number(values.runs);
const sizes = [64 * 1024, 4 * 1024 * 1024];
for (const size of sizes) measure(size, runs);
const figures = sizes.map((size) => measure(size, runs));
console.log(
  JSON.stringify(
    {
      bench: 'registration reveal',
      possessionSamples: params.possessionSamples,
      chunkSize: params.chunkSize,
      runs,
      cpus: cpus().length,
      loadavg: loadavg().map((l) => Math.round(l * 10) / 10),
      figures,
    },
    null,
    2,
  ),
);
