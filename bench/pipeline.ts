// One validator's application work per transfer, in this process, without the network: what a
// 4-validator devnet pays four times for each transaction (issue 10: about 0.16 ms of CPU per
// transfer per validator). Two chains from one genesis on their own LevelDB play the two roles:
//   - proposer: admits the transfers as RPC does (Chain.checkTx), builds the block
//     (prepareProposal) and commits it (finalizeBlock);
//   - verifier: admits the same transfers as gossip does (mempool.add), checks the proposal
//     (processProposal) and commits it.
// Senders are recovered on the calling thread (no worker pool), so every cost is on this thread's
// CPU clock (process.threadCpuUsage), which other processes on a shared machine inflate far less
// than wall time. The reference in the same run is decode + sender recovery of the same
// transactions on one core: the floor of any admission. Rounds alternate with the reference and
// the medians are reported.
//
//   node bench/pipeline.ts [--txs 4000] [--rounds 5] [--senders 200] [--json FILE]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Address, addressFromPrivateKey } from '../core/address.ts';
import type { Block } from '../core/block.ts';
import { utf8ToBytes } from '../core/bytes.ts';
import { ed25519Sign } from '../core/ed25519.ts';
import { sha256 } from '../core/hash.ts';
import { decodeTx, recoverSender, type SignedTx, signTx } from '../core/tx.ts';
import { type Commit, PRECOMMIT, voteSignBytes } from '../core/vote.ts';
import { buildGenesisBlock } from '../genesis/build.ts';
import { makeGenesis } from '../node/init.ts';
import { generateValidatorKey } from '../node/keys.ts';
import { Chain } from '../state/chain.ts';
import { Database } from '../state/store/database.ts';
import { median } from './stats.ts';

const GWEI = 10n ** 9n;

export interface PipelineResult {
  readonly txsPerBlock: number;
  readonly rounds: number;
  /** Median µs of this thread's CPU per transaction. */
  readonly proposerUs: { admit: number; prepare: number; finalize: number; total: number };
  readonly verifierUs: { admit: number; process: number; finalize: number; total: number };
  /** decodeTx + recoverSender of the same transactions, µs each on one core. */
  readonly referenceUs: number;
  /** The verifier's total over the reference: how many recoveries' worth a validator spends per transfer. */
  readonly verifierToReference: number;
  readonly loadAverage: { start: number; end: number };
}

function cpuUs(): number {
  const { user, system } = process.threadCpuUsage();
  return user + system;
}

export async function runPipelineBench(opts: { txs?: number; rounds?: number; senders?: number } = {}) {
  const txsPerBlock = opts.txs ?? 4000;
  const rounds = opts.rounds ?? 5;
  const senderCount = opts.senders ?? 200;
  const loadStart = loadavg()[0]!;
  const keys = Array.from({ length: senderCount }, (_, i) => sha256(utf8ToBytes(`pipeline-bench-${i}`)));
  const senders = keys.map(addressFromPrivateKey);
  const validatorKey = generateValidatorKey();
  const genesis = makeGenesis({
    chainId: 1337,
    genesisTime: new Date('2026-01-01T00:00:00Z'),
    alloc: senders.map((address) => ({ address, balance: 10n ** 24n })),
    params: { blockGasLimit: '100000000000', maxBlockTxBytes: 48 * 1024 * 1024 },
    validators: [
      {
        name: 'v0',
        key: validatorKey,
        power: 10n,
        rewardAddress: '0x00000000000000000000000000000000000fee01',
      },
    ],
  });
  const genesisBlock = await buildGenesisBlock(genesis);
  const dir = mkdtempSync(join(tmpdir(), 'openchain-pipeline-'));
  const dbs: Database[] = [];
  const open = async (name: string) => {
    const db = await Database.open(join(dir, name));
    dbs.push(db);
    return Chain.open(db, genesisBlock, { mempool: { maxTxs: txsPerBlock * 2 } });
  };
  try {
    const proposer = await open('proposer');
    const verifier = await open('verifier');
    const nonces = senders.map(() => 0);
    /** The next block's transfers: consecutive nonces of every sender, to 100 recipients. */
    const nextTxs = (): SignedTx[] =>
      Array.from({ length: txsPerBlock }, (_, i) => {
        const s = i % senderCount;
        const to = `0x${(0xbe_0000 + (i % 100)).toString(16).padStart(40, '0')}` as Address;
        return signTx(
          {
            type: 2,
            chainId: 1337n,
            nonce: BigInt(nonces[s]!++),
            maxFeePerGas: 100n * GWEI,
            maxPriorityFeePerGas: GWEI,
            gasLimit: 21_000n,
            to,
            value: 1n,
            data: new Uint8Array(),
            accessList: [],
          },
          keys[s]!,
        );
      });
    const commitOf = (block: Block, hash: `0x${string}`): Commit => {
      const vote = { type: PRECOMMIT, height: block.header.height, round: 0, blockHash: hash } as const;
      const signature = ed25519Sign(voteSignBytes(proposer.chainId, vote), validatorKey.secretKey);
      return { ...vote, signatures: [{ validator: proposer.validators()[0]!.address, signature }] };
    };

    const samples = { pa: [], pp: [], pf: [], va: [], vp: [], vf: [], ref: [] } as Record<string, number[]>;
    // Round 0 warms both chains and the JIT; it is not counted.
    for (let round = 0; round <= rounds; round++) {
      const txs = nextTxs();
      const per = (us: number) => us / txs.length;
      let t = cpuUs();
      for (const tx of txs) recoverSender(decodeTx(tx.raw));
      const ref = per(cpuUs() - t);

      t = cpuUs();
      for (const tx of txs) await proposer.checkTx(tx.raw);
      const pa = per(cpuUs() - t);
      t = cpuUs();
      const parent = proposer.head;
      const block = await proposer.prepareProposal({
        height: parent.header.height + 1,
        time: parent.header.time + 1000,
        proposer: proposer.validators()[0]!,
        lastCommit: proposer.blocks.getCommit(parent.header.height) ?? null,
        evidence: [],
      });
      const pp = per(cpuUs() - t);
      if (block.txs.length !== txs.length)
        throw new Error(`block holds ${block.txs.length} of ${txs.length}`);

      t = cpuUs();
      for (const tx of txs) await verifier.mempool.add(tx.raw);
      const va = per(cpuUs() - t);
      t = cpuUs();
      const hash = await verifier.processProposal(block);
      const vp = per(cpuUs() - t);

      const commit = commitOf(block, hash);
      t = cpuUs();
      await proposer.finalizeBlock(block, commit);
      const pf = per(cpuUs() - t);
      t = cpuUs();
      await verifier.finalizeBlock(block, commit);
      const vf = per(cpuUs() - t);
      if (round === 0) continue;
      for (const [k, v] of Object.entries({ pa, pp, pf, va, vp, vf, ref })) samples[k]!.push(v);
    }
    const m = (k: string) => Math.round(median(samples[k]!));
    const verifierTotal = m('va') + m('vp') + m('vf');
    const result: PipelineResult = {
      txsPerBlock,
      rounds,
      proposerUs: { admit: m('pa'), prepare: m('pp'), finalize: m('pf'), total: m('pa') + m('pp') + m('pf') },
      verifierUs: { admit: m('va'), process: m('vp'), finalize: m('vf'), total: verifierTotal },
      referenceUs: m('ref'),
      verifierToReference: Number((verifierTotal / m('ref')).toFixed(2)),
      loadAverage: { start: Number(loadStart.toFixed(2)), end: Number(loadavg()[0]!.toFixed(2)) },
    };
    return result;
  } finally {
    for (const db of dbs) await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      txs: { type: 'string' },
      rounds: { type: 'string' },
      senders: { type: 'string' },
      json: { type: 'string' },
    },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const result = await runPipelineBench({
    txs: num(values.txs),
    rounds: num(values.rounds),
    senders: num(values.senders),
  });
  console.log(JSON.stringify(result, null, 2));
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ bench: 'pipeline', result }, null, 2)}\n`);
}
