// Main-thread CPU per transaction whose sender a WorkerRecovery pool recovers, as a node's admission
// and block checks ask for it (decoded transactions, the 'admit' lane), for this checkout and another
// in ONE process, alternating round by round: inference-record-sized transactions (11 KB of calldata)
// and plain transfers. The workers' own CPU is not counted: what the pool saves is the main
// thread's, where consensus, RPC and execution run. Each side uses its own decodeTx and pool.
//
//   node bench/recoveryCompare.ts --base /work/main [--rounds 8] [--count 500] [--threads 1]
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { signTx, type UnsignedTx } from '../core/tx.ts';
import { median } from './stats.ts';

type Tx = typeof import('../core/tx.ts');
type Recovery = typeof import('../core/senderRecovery.ts');

const KINDS = { record: 11_000, transfer: 0 } as const;
type Kind = keyof typeof KINDS;

interface Side {
  readonly name: string;
  readonly tx: Tx;
  readonly pool: ReturnType<Recovery['WorkerRecovery']['start']>;
  readonly cpu: Record<Kind, number[]>;
}

async function open(name: string, root: string, threads: number): Promise<Side> {
  const tx: Tx = await import(join(root, 'core', 'tx.ts'));
  const recovery: Recovery = await import(join(root, 'core', 'senderRecovery.ts'));
  return { name, tx, pool: recovery.WorkerRecovery.start(threads), cpu: { record: [], transfer: [] } };
}

/** Signed transactions of one kind, each from a key of its own (so none is answered from another). */
function signed(kind: Kind, count: number, seed: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const nonce = BigInt(seed * count + i);
    const unsigned: UnsignedTx = {
      type: 2,
      chainId: 1337n,
      nonce,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
      gasLimit: 1_000_000n,
      to: '0x000000000000000000000000000000000000c0de',
      value: 1n,
      data: new Uint8Array(randomBytes(KINDS[kind])),
      accessList: [],
    };
    return signTx(unsigned, new Uint8Array(randomBytes(32))).raw;
  });
}

function threadCpuUs(): number {
  const { user, system } = process.threadCpuUsage();
  return user + system;
}

/** µs of this thread's CPU per transaction: decoding, then asking the pool for every sender. */
async function round(side: Side, raws: readonly Uint8Array[]): Promise<number> {
  const t0 = threadCpuUs();
  const txs = raws.map((raw) => side.tx.decodeTx(raw));
  await Promise.all(txs.map((t) => side.pool.recover(t)));
  return (threadCpuUs() - t0) / raws.length;
}

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    rounds: { type: 'string' },
    count: { type: 'string' },
    threads: { type: 'string' },
  },
});
if (!values.base) throw new Error('--base OTHER_CHECKOUT is required');
const rounds = Number(values.rounds ?? 8);
const count = Number(values.count ?? 500);
const threads = Number(values.threads ?? 1);
const here = fileURLToPath(new URL('..', import.meta.url));
const sides = [await open('base', resolve(values.base), threads), await open('this', here, threads)];
const load = loadavg()[0]!;
// The pools' workers are unref'd (a node's other handles keep it alive); this keeps the bench alive.
const alive = setInterval(() => {}, 1_000);
// Two warm-up rounds, then `rounds` counted; fresh transactions every round (nothing in flight twice).
for (let r = 0; r < 2 + rounds; r++) {
  const order = r % 2 === 0 ? sides : [...sides].reverse();
  for (const kind of Object.keys(KINDS) as Kind[]) {
    const raws = signed(kind, count, r);
    for (const side of order) {
      const us = await round(side, raws);
      if (r >= 2) side.cpu[kind].push(us);
    }
  }
}
console.log(
  `main-thread CPU per transaction (decode + WorkerRecovery.recover, ${threads} worker thread(s)), ${rounds} rounds of ${count}, load ${load.toFixed(2)} -> ${loadavg()[0]!.toFixed(2)}`,
);
for (const side of sides) {
  console.log(
    `${side.name.padEnd(4)} ${(Object.keys(KINDS) as Kind[]).map((k) => `${k} ${median(side.cpu[k]).toFixed(1)} µs (${side.cpu[k].map((x) => x.toFixed(0)).join(' ')})`).join(' | ')}`,
  );
}
for (const side of sides) await side.pool.close();
clearInterval(alive);
