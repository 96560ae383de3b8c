// Main-thread CPU of three per-block paths a block of thousands of transfers takes, for this
// checkout and another in ONE process, alternating round by round (the side that goes first
// alternates too), so both see the same machine:
//   roots  the transaction and receipt Merkle roots (core/merkle.ts) of a block's worth of leaves;
//   write  the synchronous part of Database.write for a block's operations (its transactions,
//          receipts and locations), until the write is queued to LevelDB's thread;
//   serve  eth_getBlockByNumber(newest, false) as rpc/eth/blocks.ts builds it, on a real Chain
//          whose newest block holds the transfers (JSON serialisation not included).
// Each side imports its own code from its checkout.
//
//   node bench/blockPathsCompare.ts --base /work/main [--rounds 6] [--txs 7500]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './stats.ts';

type Merkle = typeof import('../core/merkle.ts');
type Db = typeof import('../state/store/database.ts');
type Blocks = typeof import('../rpc/eth/blocks.ts');
type Helpers = typeof import('../test/helpers/chain.ts');
type TxModule = typeof import('../core/tx.ts');
type AddressModule = typeof import('../core/address.ts');

const PATHS = ['roots', 'write', 'serve'] as const;
type PathName = (typeof PATHS)[number];

interface Side {
  readonly name: string;
  readonly merkle: Merkle;
  readonly db: Db;
  readonly database: Awaited<ReturnType<Db['Database']['open']>>;
  readonly blocks: Blocks;
  readonly chain: Awaited<ReturnType<Helpers['openTestChain']>>;
  readonly height: number;
  readonly dir: string;
  readonly ms: Record<PathName, number[]>;
}

function threadCpuMs(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
}

const KEYS = Array.from({ length: 40 }, (_, i) => {
  const k = new Uint8Array(32);
  k[31] = i + 1;
  return k;
});

async function open(name: string, root: string, txs: number): Promise<Side> {
  const load = <T>(...path: string[]): Promise<T> => import(join(root, ...path));
  const helpers = await load<Helpers>('test', 'helpers', 'chain.ts');
  const { signTx } = await load<TxModule>('core', 'tx.ts');
  const { addressFromPrivateKey } = await load<AddressModule>('core', 'address.ts');
  const chain = await helpers.openTestChain({
    alloc: KEYS.map((k) => ({ address: addressFromPrivateKey(k), balance: 10n ** 22n })),
  });
  for (let n = 0; n * KEYS.length < txs; n++)
    for (const key of KEYS.slice(0, Math.min(KEYS.length, txs - n * KEYS.length))) {
      const unsigned = {
        type: 2 as const,
        chainId: 1337n,
        nonce: BigInt(n),
        maxFeePerGas: 10n ** 11n,
        maxPriorityFeePerGas: 10n ** 9n,
        gasLimit: 21_000n,
        to: '0x000000000000000000000000000000000000beef' as const,
        value: 1n,
        data: new Uint8Array(),
        accessList: [],
      };
      await chain.chain.checkTx(signTx(unsigned, key).raw);
    }
  const { block } = await chain.produce();
  const db = await load<Db>('state', 'store', 'database.ts');
  const dir = mkdtempSync(join(tmpdir(), 'openchain-blockpaths-'));
  return {
    name,
    merkle: await load<Merkle>('core', 'merkle.ts'),
    db,
    database: await db.Database.open(join(dir, 'db')),
    blocks: await load<Blocks>('rpc', 'eth', 'blocks.ts'),
    chain,
    height: block.header.height,
    dir,
    ms: { roots: [], write: [], serve: [] },
  };
}

/** A block's worth of leaves and operations, the same bytes for both sides. */
function blockData(txs: number, round: number) {
  const raws = Array.from({ length: txs }, (_, i) => new Uint8Array(110).fill((i + round) & 0xff));
  const receipts = Array.from({ length: txs }, (_, i) => new Uint8Array(70).fill((i * 3 + round) & 0xff));
  const position = (bucket: number, i: number) => {
    const key = new Uint8Array(13);
    key[0] = bucket;
    new DataView(key.buffer).setUint32(1, round);
    new DataView(key.buffer).setUint32(9, i);
    return key;
  };
  const location = (i: number) => {
    const key = new Uint8Array(33).fill(i & 0xff);
    key[0] = 0x06;
    new DataView(key.buffer).setUint32(1, round);
    new DataView(key.buffer).setUint32(5, i);
    return key;
  };
  return { raws, receipts, position, location };
}

async function measure(side: Side, txs: number, round: number): Promise<void> {
  const { raws, receipts, position, location } = blockData(txs, round);
  let start = threadCpuMs();
  side.merkle.merkleRoot(raws);
  side.merkle.merkleRoot(receipts);
  side.ms.roots.push(threadCpuMs() - start);

  const batch = new side.db.WriteBatch();
  for (let i = 0; i < txs; i++) {
    batch.put(position(0x04, i), raws[i]!);
    batch.put(position(0x05, i), receipts[i]!);
    batch.put(location(i), new Uint8Array(12));
  }
  start = threadCpuMs();
  const written = side.database.write(batch, false);
  side.ms.write.push(threadCpuMs() - start);
  await written;

  start = threadCpuMs();
  await side.blocks.blockJson(side.chain.chain, side.height, false);
  side.ms.serve.push(threadCpuMs() - start);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { base: { type: 'string' }, rounds: { type: 'string' }, txs: { type: 'string' } },
  });
  if (!values.base)
    throw new Error('usage: node bench/blockPathsCompare.ts --base OTHER_CHECKOUT [--rounds 6] [--txs 7500]');
  const rounds = Number(values.rounds ?? 6);
  const txs = Number(values.txs ?? 7500);
  const here = resolve(fileURLToPath(new URL('..', import.meta.url)));
  const loadStart = loadavg()[0]!;
  const sides = [await open('base', resolve(values.base), txs), await open('this', here, txs)];
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) await measure(side, txs, round);
    }
  } finally {
    for (const side of sides) {
      await side.database.close();
      await side.chain.close();
      rmSync(side.dir, { recursive: true, force: true });
    }
  }
  console.log(
    `main-thread ms per block of ${txs} transfers, medians of ${rounds} rounds, load ${loadStart.toFixed(2)} -> ${loadavg()[0]!.toFixed(2)}`,
  );
  for (const side of sides)
    console.log(
      `${side.name.padEnd(4)} ${PATHS.map((p) => `${p} ${median(side.ms[p]).toFixed(2)}`).join(' | ')}`,
    );
}

await main();
