// Proof of Attribution throughput (issue 4's benchmark):
//   - attributed inference records (8 spans each, over a Datanet of 10,000 chunks) verified and
//     applied per second, through executeBlock in 'verify' mode, in two shapes: all 8 spans in one
//     10,000-chunk contribution (one contributor paid), and 8 spans in 8 different contributions of
//     a Datanet of ten 1,000-chunk contributions (eight contributors paid); each with the proof
//     cache disabled (every path hashed) and in its steady state (warmed by earlier records);
//   - the reference in the same run: plain transfers per second through the same executeBlock on
//     the same state (target: records at least a quarter of the transfer rate);
//   - the prover: index build time and attributed output bytes per second against a 50 MB Datanet.
// Figures are medians of alternating rounds, so load from other processes hits each alike.
//
//   node bench/attribution.ts [--rounds 3] [--records 1000] [--corpus-mb 50] [--json FILE]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AbiFunction } from 'ox';
import { type Address, addressFromPrivateKey } from '../core/address.ts';
import type { Block } from '../core/block.ts';
import { hexToBytes, utf8ToBytes } from '../core/bytes.ts';
import { ChunkTree } from '../core/chunkTree.ts';
import { ed25519Sign } from '../core/ed25519.ts';
import { sha256 } from '../core/hash.ts';
import { type SignedTx, signTx } from '../core/tx.ts';
import { PRECOMMIT, voteSignBytes } from '../core/vote.ts';
import { buildGenesisBlock } from '../genesis/build.ts';
import { DEFAULT_PARAMS } from '../genesis/defaults.ts';
import { makeGenesis } from '../node/init.ts';
import { generateValidatorKey, type ValidatorKey } from '../node/keys.ts';
import {
  attribute,
  buildIndex,
  type ContributionFile,
  contributionCalldata,
  inferenceCalldata,
  type SpanProof,
} from '../prover/index.ts';
import { Chain } from '../state/chain.ts';
import { executeBlock, type SenderTx } from '../state/execution/executeBlock.ts';
import { nextBaseFee } from '../state/execution/gas.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../state/modules/attribution/abi.ts';
import { AttributionModule } from '../state/modules/attribution/module.ts';
import { ModuleRegistry } from '../state/modules/module.ts';
import { Database } from '../state/store/database.ts';

export interface AttributionBenchOptions {
  /** Rounds per figure (median reported). Default 3. */
  readonly rounds?: number;
  /** Inference records per round. Default 1,000. */
  readonly records?: number;
  /** Transfers per round. Default 5,000. */
  readonly transfers?: number;
  /** Size of the prover's synthetic Datanet, in MB. Default 50. */
  readonly corpusMb?: number;
  /** Where to write the JSON; null to skip. Default bench/results/attribution.json. */
  readonly jsonPath?: string | null;
  readonly print?: boolean;
}

export interface AttributionBenchResult {
  readonly benchmark: 'attribution';
  readonly date: string;
  readonly machine: { node: string; cpu: string; cores: number; loadAverage: { start: number; end: number } };
  readonly setup: {
    readonly datanetChunks: number;
    readonly chunkSize: number;
    readonly spansPerRecord: number;
    readonly spanBytes: number;
    readonly recordsPerRound: number;
    readonly transfersPerRound: number;
  };
  readonly transfersPerSecond: number;
  readonly records: readonly RecordFigures[];
  readonly prover: {
    readonly corpusBytes: number;
    readonly indexSeconds: number;
    readonly outputBytes: number;
    readonly attributedBytes: number;
    readonly outputBytesPerSecond: number;
    readonly spansFound: number;
  };
}

export interface RecordFigures {
  readonly shape: string;
  readonly calldataBytes: number;
  readonly gas: number;
  readonly perSecond: { readonly noProofCache: number; readonly steadyProofCache: number };
  readonly ratioToTransfers: { readonly noProofCache: number; readonly steadyProofCache: number };
}

const GWEI = 10n ** 9n;
const ETH = 10n ** 18n;
const CHUNK = 256;
const DATANET_CHUNKS = 10_000;
const SMALL_CONTRIBUTIONS = 10;
const SPANS = 8;
const SPAN_BYTES = 64;
const SENDERS = 200;
const FEE = 10n ** 15n;

/** A small deterministic PRNG (xorshift32), so every run measures the same workload. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Text-like bytes: words of a fixed vocabulary with a skewed distribution. */
function syntheticText(bytes: number, random: () => number, vocabulary: string[]): Uint8Array {
  const out = new Uint8Array(bytes);
  let at = 0;
  while (at < bytes) {
    const word = vocabulary[Math.floor(random() ** 2 * vocabulary.length)]!;
    for (let i = 0; i < word.length && at < bytes; i++) out[at++] = word.charCodeAt(i);
    if (at < bytes) out[at++] = random() < 0.08 ? 46 : 32;
  }
  return out;
}

function vocabulary(size: number, random: () => number): string[] {
  return Array.from({ length: size }, () =>
    Array.from({ length: 2 + Math.floor(random() * 9) }, () =>
      String.fromCharCode(97 + Math.floor(random() * 26)),
    ).join(''),
  );
}

function key(label: string, i: number): Uint8Array {
  return sha256(utf8ToBytes(`attribution-bench-${label}-${i}`));
}

interface Signer {
  readonly privateKey: Uint8Array;
  readonly address: Address;
}

const signer = (label: string, i: number): Signer => {
  const privateKey = key(label, i);
  return { privateKey, address: addressFromPrivateKey(privateKey) };
};

function tx(
  from: Signer,
  nonce: number,
  to: Address,
  value: bigint,
  data: Uint8Array,
  gas: bigint,
): SignedTx {
  return signTx(
    {
      type: 2,
      chainId: 1337n,
      nonce: BigInt(nonce),
      maxFeePerGas: 100n * GWEI,
      maxPriorityFeePerGas: GWEI,
      gasLimit: gas,
      to,
      value,
      data,
      accessList: [],
    },
    from.privateKey,
  );
}

/**
 * A chain with two Datanets of 10,000 chunks each: one of ten 1,000-chunk contributions from ten
 * contributors, one of a single 10,000-chunk contribution; and a model trained on both.
 */
async function setUpChain(dir: string) {
  const owner = signer('owner', 0);
  const contributors = Array.from({ length: SMALL_CONTRIBUTIONS + 1 }, (_, i) => signer('contributor', i));
  const transferSenders = Array.from({ length: SENDERS }, (_, i) => signer('transfer', i));
  const inferenceSenders = Array.from({ length: SENDERS }, (_, i) => signer('inference', i));
  const validatorKey: ValidatorKey = generateValidatorKey();
  const genesis = makeGenesis({
    chainId: 1337,
    genesisTime: new Date('2026-01-01T00:00:00Z'),
    alloc: [owner, ...contributors, ...transferSenders, ...inferenceSenders].map((s) => ({
      address: s.address,
      balance: 10_000n * ETH,
    })),
    params: {
      blockGasLimit: '100000000000',
      attribution: { ...DEFAULT_PARAMS.attribution, chunkSize: CHUNK, maxSpansPerRecord: 64 },
    },
    validators: [{ name: 'v0', key: validatorKey, power: 10n, rewardAddress: owner.address }],
  });
  const db = await Database.open(join(dir, 'db'));
  const module = new AttributionModule();
  const chain = await Chain.open(db, await buildGenesisBlock(genesis), {
    modules: [module],
    mempool: { maxTxs: 100_000 },
  });

  const commit = async (txs: SignedTx[]) => {
    for (const t of txs) await chain.checkTx(t.raw);
    const parent = chain.head;
    const height = parent.header.height + 1;
    const block: Block = await chain.prepareProposal({
      height,
      time: parent.header.time + 1000,
      proposer: chain.validators()[0]!,
      lastCommit: height === 1 ? null : (chain.blocks.getCommit(height - 1) ?? null),
      evidence: [],
    });
    const hash = await chain.processProposal(block);
    const vote = { type: PRECOMMIT, height, round: 0, blockHash: hash } as const;
    const signature = ed25519Sign(voteSignBytes(chain.chainId, vote), validatorKey.secretKey);
    const info = await chain.finalizeBlock(block, {
      ...vote,
      signatures: [{ validator: chain.validators()[0]!.address, signature }],
    });
    const failed = info.receipts.find((r) => r.status !== 1);
    if (failed || info.receipts.length !== txs.length)
      throw new Error(`bench setup failed: ${failed?.error ?? 'a transaction was left out'}`);
  };

  const encode = (name: 'createDatanet' | 'registerModel', args: readonly unknown[]) =>
    hexToBytes(AbiFunction.encodeData(AbiFunction.fromAbi(attributionAbi, name), args as never));
  const split = { ownerBps: 5_000, contributorsBps: 3_000, validatorsBps: 1_000, treasuryBps: 1_000 };
  await commit([
    tx(
      owner,
      0,
      ATTRIBUTION_ADDRESS,
      0n,
      encode('createDatanet', ['ten contributions', '', '', 0, 0n]),
      1_000_000n,
    ),
    tx(
      owner,
      1,
      ATTRIBUTION_ADDRESS,
      0n,
      encode('createDatanet', ['one contribution', '', '', 0, 0n]),
      1_000_000n,
    ),
    tx(
      owner,
      2,
      ATTRIBUTION_ADDRESS,
      0n,
      encode('registerModel', ['bench', '', [1n, 2n], 0n, FEE, 0n, split]),
      1_000_000n,
    ),
  ]);
  const random = rng(7);
  const words = vocabulary(3_000, random);
  const files: ContributionFile[] = contributors.map((_, i) => ({
    id: BigInt(i + 1),
    content: syntheticText(
      (CHUNK * DATANET_CHUNKS) / (i < SMALL_CONTRIBUTIONS ? SMALL_CONTRIBUTIONS : 1),
      random,
      words,
    ),
    chunkSize: CHUNK,
  }));
  await commit(
    contributors.map((c, i) => {
      const datanetId = i < SMALL_CONTRIBUTIONS ? 1n : 2n;
      const { data } = contributionCalldata({ datanetId, content: files[i]!.content, chunkSize: CHUNK });
      return tx(c, 0, ATTRIBUTION_ADDRESS, 0n, hexToBytes(data), 1_000_000n);
    }),
  );
  return {
    chain,
    db,
    spread: files.slice(0, SMALL_CONTRIBUTIONS),
    single: files.slice(SMALL_CONTRIBUTIONS),
    transferSenders,
    inferenceSenders,
    owner,
  };
}

const trees = new Map<ContributionFile, ChunkTree>();

/**
 * Records of 8 spans of SPAN_BYTES at random places, signed with nonces from 0: over 8 distinct
 * files when there are enough, else all over the one file.
 */
function inferenceRecords(files: ContributionFile[], senders: Signer[], count: number, seed: number) {
  const random = rng(seed);
  for (const f of files) if (!trees.has(f)) trees.set(f, new ChunkTree(f.content, f.chunkSize));
  const out: SenderTx[] = [];
  for (let n = 0; out.length < count; n++) {
    for (const sender of senders) {
      if (out.length === count) break;
      const picked = [...files];
      for (let i = 0; i < Math.min(SPANS, picked.length); i++) {
        const j = i + Math.floor(random() * (picked.length - i));
        [picked[i], picked[j]] = [picked[j]!, picked[i]!];
      }
      while (picked.length < SPANS) picked.push(picked[0]!);
      picked.length = SPANS;
      // Spans must be in canonical order; with one file, they are at increasing output positions anyway.
      const parts: Uint8Array[] = [];
      const spans: SpanProof[] = [];
      let at = 0;
      for (const file of picked) {
        const offset = Math.floor(random() * (file.content.length - SPAN_BYTES));
        const first = Math.floor(offset / CHUNK);
        const last = Math.floor((offset + SPAN_BYTES - 1) / CHUNK);
        const chunks: Uint8Array[] = [];
        const paths: Uint8Array[][] = [];
        for (let c = first; c <= last; c++) {
          chunks.push(file.content.subarray(c * CHUNK, (c + 1) * CHUNK));
          paths.push(trees.get(file)!.path(c));
        }
        parts.push(utf8ToBytes(' | '), file.content.subarray(offset, offset + SPAN_BYTES));
        at += 3;
        spans.push({
          contributionId: file.id,
          outputStart: at,
          length: SPAN_BYTES,
          chunkIndex: BigInt(first),
          chunkOffset: offset - first * CHUNK,
          chunks,
          paths,
        });
        at += SPAN_BYTES;
      }
      const output = new Uint8Array(at);
      let p = 0;
      for (const part of parts) {
        output.set(part, p);
        p += part.length;
      }
      const data = hexToBytes(inferenceCalldata(1n, output, spans));
      out.push({ tx: tx(sender, n, ATTRIBUTION_ADDRESS, FEE, data, 3_000_000n), sender: sender.address });
    }
  }
  return out;
}

function transfers(senders: Signer[], count: number): SenderTx[] {
  const out: SenderTx[] = [];
  for (let n = 0; out.length < count; n++) {
    for (const s of senders) {
      if (out.length === count) break;
      out.push({
        tx: tx(s, n, '0x00000000000000000000000000000000000000b0', 1n, new Uint8Array(0), 21_000n),
        sender: s.address,
      });
    }
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/** Attributed output bytes per second of the prover against a synthetic Datanet of `mb` megabytes. */
function proverBench(mb: number) {
  const random = rng(11);
  const words = vocabulary(20_000, random);
  const fileBytes = 256 * 1024;
  const files: ContributionFile[] = Array.from(
    { length: Math.ceil((mb * 1024 * 1024) / fileBytes) },
    (_, i) => ({
      id: BigInt(i + 1),
      content: syntheticText(fileBytes, random, words),
      chunkSize: CHUNK,
    }),
  );
  const started = performance.now();
  const index = buildIndex(files);
  const indexSeconds = (performance.now() - started) / 1000;

  // Outputs of about 4 KB: quotes of 40-400 bytes from random places, between words not in the corpus.
  const novel = vocabulary(2_000, rng(99)).map((w) => `${w}q`);
  const outputs = Array.from({ length: 20 }, () => {
    const parts: Uint8Array[] = [];
    let size = 0;
    while (size < 4_096) {
      const file = files[Math.floor(random() * files.length)]!;
      const length = 40 + Math.floor(random() * 360);
      const offset = Math.floor(random() * (file.content.length - length));
      parts.push(
        file.content.subarray(offset, offset + length),
        syntheticText(60 + Math.floor(random() * 200), random, novel),
      );
      size += parts.at(-2)!.length + parts.at(-1)!.length;
    }
    return Buffer.concat(parts);
  });
  let attributed = 0;
  let spans = 0;
  const t0 = performance.now();
  for (const output of outputs) {
    const result = attribute(index, { modelId: 1n, output, minSpanLength: 32, maxSpans: 64 });
    attributed += result.attributedBytes;
    spans += result.spans.length;
  }
  const seconds = (performance.now() - t0) / 1000;
  const outputBytes = outputs.reduce((sum, o) => sum + o.length, 0);
  return {
    corpusBytes: index.text.length - files.length,
    indexSeconds: Number(indexSeconds.toFixed(2)),
    outputBytes,
    attributedBytes: attributed,
    outputBytesPerSecond: Math.round(outputBytes / seconds),
    spansFound: spans,
  };
}

export async function runAttributionBench(
  options: AttributionBenchOptions = {},
): Promise<AttributionBenchResult> {
  const rounds = options.rounds ?? 3;
  const recordCount = options.records ?? 1_000;
  const transferCount = options.transfers ?? 5_000;
  const jsonPath =
    options.jsonPath === undefined
      ? fileURLToPath(new URL('./results/attribution.json', import.meta.url))
      : options.jsonPath;
  const loadStart = loadavg()[0]!;
  const dir = mkdtempSync(join(tmpdir(), 'openchain-attribution-bench-'));
  try {
    const { chain, db, spread, single, transferSenders, inferenceSenders, owner } = await setUpChain(dir);
    const params = chain.params();
    const head = chain.head.header;
    const env = (module: AttributionModule) => ({
      block: { chainId: chain.chainId, height: head.height + 1, time: head.time + 1000, params },
      baseFee: nextBaseFee(head, params),
      modules: new ModuleRegistry([module]),
      gasLimit: params.blockGasLimit,
      feeRecipient: owner.address,
    });
    const run = (module: AttributionModule, items: SenderTx[]) => {
      const t0 = performance.now();
      const execution = executeBlock(chain.state, env(module), items, 'verify');
      const seconds = (performance.now() - t0) / 1000;
      const failed = execution.receipts.find((r) => r.status !== 1);
      if (failed) throw new Error(`bench: a transaction failed: ${failed.error}`);
      return { rate: items.length / seconds, gas: Number(execution.gasUsed) / items.length };
    };

    const plain = transfers(transferSenders, transferCount);
    const shapes = [
      { shape: '8 spans in one 10,000-chunk contribution', files: single },
      { shape: '8 spans in 8 of ten 1,000-chunk contributions', files: spread },
    ].map((s) => ({
      ...s,
      cold: new AttributionModule({ proofCacheNodes: 0 }),
      warm: new AttributionModule(),
      rates: { cold: [] as number[], warm: [] as number[] },
      gas: 0,
      bytes: 0,
    }));
    let seed = 1;
    // Warm-up (JIT), and the steady proof cache: rounds of other records that are not measured.
    run(shapes[0]!.cold, plain);
    for (const s of shapes)
      for (let i = 0; i < 3; i++)
        run(s.warm, inferenceRecords(s.files, inferenceSenders, recordCount, seed++));
    const transferRates: number[] = [];
    for (let r = 0; r < rounds; r++) {
      transferRates.push(run(shapes[0]!.cold, plain).rate);
      for (const s of shapes) {
        const records = inferenceRecords(s.files, inferenceSenders, recordCount, seed++);
        s.bytes = records[0]!.tx.data.length;
        s.rates.cold.push(run(s.cold, records).rate);
        const steady = run(s.warm, records);
        s.rates.warm.push(steady.rate);
        s.gas = steady.gas;
      }
    }
    await db.close();

    const prover = proverBench(options.corpusMb ?? 50);
    const transfersPerSecond = Math.round(median(transferRates));
    const ratio = (x: number) => Number((x / transfersPerSecond).toFixed(3));
    const result: AttributionBenchResult = {
      benchmark: 'attribution',
      date: new Date().toISOString(),
      machine: {
        node: process.version,
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        loadAverage: { start: loadStart, end: loadavg()[0]! },
      },
      setup: {
        datanetChunks: DATANET_CHUNKS,
        chunkSize: CHUNK,
        spansPerRecord: SPANS,
        spanBytes: SPAN_BYTES,
        recordsPerRound: recordCount,
        transfersPerRound: transferCount,
      },
      transfersPerSecond,
      records: shapes.map((s) => {
        const perSecond = {
          noProofCache: Math.round(median(s.rates.cold)),
          steadyProofCache: Math.round(median(s.rates.warm)),
        };
        return {
          shape: s.shape,
          calldataBytes: s.bytes,
          gas: Math.round(s.gas),
          perSecond,
          ratioToTransfers: {
            noProofCache: ratio(perSecond.noProofCache),
            steadyProofCache: ratio(perSecond.steadyProofCache),
          },
        };
      }),
      prover,
    };
    if (options.print ?? true) console.log(formatTable(result));
    if (jsonPath) {
      mkdirSync(dirname(resolve(jsonPath)), { recursive: true });
      writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
      if (options.print ?? true) console.log(`\nwrote ${jsonPath}`);
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatTable(r: AttributionBenchResult): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const s = r.setup;
  const rows = [
    ['measurement (executeBlock, verify mode)', 'per second', 'vs transfers', 'calldata B', 'gas'],
    ['plain transfers', n(r.transfersPerSecond), '1.000', '0', '21,000'],
    ...r.records.flatMap((f) => [
      [
        `${f.shape}, no proof cache`,
        n(f.perSecond.noProofCache),
        f.ratioToTransfers.noProofCache.toFixed(3),
        n(f.calldataBytes),
        n(f.gas),
      ],
      [
        `${f.shape}, steady proof cache`,
        n(f.perSecond.steadyProofCache),
        f.ratioToTransfers.steadyProofCache.toFixed(3),
        n(f.calldataBytes),
        n(f.gas),
      ],
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  const p = r.prover;
  return [
    `attribution bench: node ${r.machine.node}, ${r.machine.cpu} (${r.machine.cores} cores), load ${r.machine.loadAverage.start.toFixed(2)} -> ${r.machine.loadAverage.end.toFixed(2)}`,
    `records: ${s.spansPerRecord} spans of ${s.spanBytes} B, Datanets of ${n(s.datanetChunks)} chunks of ${s.chunkSize} B; ${n(s.recordsPerRound)} records and ${n(s.transfersPerRound)} transfers per round`,
    '',
    line(rows[0]!),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.slice(1).map(line),
    '',
    `prover, ${(p.corpusBytes / 2 ** 20).toFixed(1)} MB Datanet: index built in ${p.indexSeconds} s; ${n(p.outputBytesPerSecond)} output bytes/s (${n(p.outputBytes)} bytes, ${n(p.attributedBytes)} attributed in ${n(p.spansFound)} spans)`,
    'target (issue 4): records >= 0.25 x transfers',
  ].join('\n');
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string' },
      records: { type: 'string' },
      'corpus-mb': { type: 'string' },
      json: { type: 'string' },
    },
  });
  await runAttributionBench({
    ...(values.rounds ? { rounds: Number(values.rounds) } : {}),
    ...(values.records ? { records: Number(values.records) } : {}),
    ...(values['corpus-mb'] ? { corpusMb: Number(values['corpus-mb']) } : {}),
    ...(values.json ? { jsonPath: values.json } : {}),
  });
}
