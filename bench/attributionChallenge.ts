// Gas and CPU of a challenge with 8 spans and of a settlement (issue 9's figures), on the
// attribution bench's chains (bench/attribution.ts: a Datanet of ten 1,000-chunk contributions,
// 200 bonded operators). Records of 8 spans in 8 contributions are committed citing no span; a
// block of challenges then proves all 8 spans of each (the canonical attribution moves every quoted
// byte from nobody to its contribution), and after the challenge window a block of settlements pays
// each pool to 8 contributors and the treasury. Each block is timed through processProposal, the
// validator's whole check, on the verifier without a proof cache (every path hashed), in thread CPU
// time, next to plain transfers and records of 8 cited spans through the same pipeline in the same
// run. Blocks are the proposer chain's own (prepareProposal, with its end-of-block step).
//
//   node bench/attributionChallenge.ts [--count 200] [--rounds 3]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AbiFunction } from 'ox';
import type { Address } from '../core/address.ts';
import { decodeTx, type SignedTx } from '../core/tx.ts';
import { challengeCalldata, inferenceCalldata } from '../prover/index.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../state/modules/attribution/abi.ts';
import { decodeArgs } from '../state/modules/attribution/calldata.ts';
import type { SpanProof } from '../state/modules/attribution/spans.ts';
import { inferenceRecords, type Rate, setUpChains, tx, verifyRate } from './attribution.ts';
import { median } from './stats.ts';

const { values } = parseArgs({ options: { count: { type: 'string' }, rounds: { type: 'string' } } });
const COUNT = Number(values.count ?? 200);
const ROUNDS = Number(values.rounds ?? 3);
const WINDOW = 2;
const FEE = 10n ** 15n;
const record = AbiFunction.fromAbi(attributionAbi, 'recordInference');
const settle = AbiFunction.fromAbi(attributionAbi, 'settleInference');

const dir = mkdtempSync(join(tmpdir(), 'openchain-challenge-bench-'));
try {
  // Each round's challenges take 5.12 OPEN from the recorders' 10 OPEN bonds: no minimum here, so
  // the later rounds can still record.
  const chains = await setUpChains(dir, { challengeWindowBlocks: WINDOW, minAttributionBond: '0' });
  const { cold, propose, finalize, commit, spread, inferenceSenders, transferSenders } = chains;
  if (COUNT > transferSenders.length) throw new Error(`--count at most ${transferSenders.length}`);
  const figures = {
    transfer: [] as Rate[],
    record: [] as Rate[],
    challenge: [] as Rate[],
    settle: [] as Rate[],
  };
  const gas = { record: 0, challenge: 0, settle: 0 };
  // Each batch takes one nonce from each of the first COUNT senders.
  let nonce = 0;
  let recordNonce = 1; // nonce 0 posted each operator's attribution bond
  let nextId = 1n;
  /** Proposes, times on the verifier without a proof cache, commits; returns gas per transaction. */
  const measure = async (txs: SignedTx[], into: Rate[]) => {
    const block = await propose(txs);
    into.push(await verifyRate(cold, block));
    await finalize(block);
    return Number(block.header.gasUsed) / txs.length;
  };
  const fromTransferSenders = (data: (i: number) => Uint8Array) => {
    const txs = Array.from({ length: COUNT }, (_, i) =>
      tx(transferSenders[i]!, nonce, ATTRIBUTION_ADDRESS, 0n, data(i), 3_000_000n),
    );
    nonce++;
    return txs;
  };
  for (let round = 0; round < ROUNDS; round++) {
    const plain = Array.from({ length: COUNT }, (_, i) =>
      tx(transferSenders[i]!, nonce, transferTo(i), BigInt(round + 1), new Uint8Array(0), 21_000n),
    );
    nonce++;
    await measure(plain, figures.transfer);

    // Records of 8 spans in 8 contributions, citing them all: the record path with escrow.
    const generated = inferenceRecords(spread, inferenceSenders, COUNT, 100 + round);
    const resign = (cite: boolean) =>
      generated.map((item, i) => {
        const [modelId, output, spans] = decodeArgs(record, decodeTx(item.tx.raw).data);
        const data = hexBytes(inferenceCalldata(modelId, output, cite ? spans.map(asProverSpan) : []));
        return tx(inferenceSenders[i]!, recordNonce, ATTRIBUTION_ADDRESS, FEE, data, 3_000_000n);
      });
    gas.record = await measure(resign(true), figures.record);
    recordNonce++;
    nextId += BigInt(COUNT);

    // The same outputs recorded citing nothing, then challenged with their 8 spans.
    await commit(resign(false));
    recordNonce++;
    const first = nextId;
    nextId += BigInt(COUNT);
    gas.challenge = await measure(
      fromTransferSenders((i) => {
        const [, output, spans] = decodeArgs(record, decodeTx(generated[i]!.tx.raw).data);
        return hexBytes(challengeCalldata(first + BigInt(i), output, spans.map(asProverSpan)));
      }),
      figures.challenge,
    );
    for (let i = 0; i < WINDOW; i++) await commit([]);
    gas.settle = await measure(
      fromTransferSenders((i) => hexBytes(AbiFunction.encodeData(settle, [first + BigInt(i)]))),
      figures.settle,
    );
  }
  for (const db of chains.dbs) await db.close();
  const perSecond = (list: Rate[]) => Math.round(median(list.map((r) => r.cpu)));
  const transfer = perSecond(figures.transfer);
  const rows = [
    ['record, 8 cited spans (escrowed)', gas.record, perSecond(figures.record)],
    ['challenge, 8 spans (8 contributions)', gas.challenge, perSecond(figures.challenge)],
    ['settlement, 8 contributors + treasury', gas.settle, perSecond(figures.settle)],
    ['plain transfer (reference)', 21_000, transfer],
  ] as const;
  console.log(
    `${COUNT} per block, ${ROUNDS} rounds, verifier without proof cache, thread CPU time, load ${loadavg()[0]!.toFixed(1)}`,
  );
  console.log('| transaction | gas | per CPU second | µs CPU each | vs transfers |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, g, rate] of rows)
    console.log(
      `| ${name} | ${Math.round(g)} | ${rate} | ${Math.round(1e6 / rate)} | ${(rate / transfer).toFixed(3)} |`,
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function transferTo(i: number): Address {
  return `0x${(0xb000 + (i % 100)).toString(16).padStart(40, '0')}` as Address;
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.slice(2), 'hex'));
}

function asProverSpan(s: SpanProof) {
  return {
    contributionId: s.contributionId,
    outputStart: Number(s.outputStart),
    length: Number(s.length),
    chunkIndex: s.chunkIndex,
    chunkOffset: Number(s.chunkOffset),
    chunks: s.chunks,
    paths: s.paths,
  };
}
