// Four validator processes on loopback, with faults: a crashed validator, two crashed (halt, no
// fork, resume). Safety is checked throughout: no two nodes ever hold different blocks at one
// height. A late full node syncing from height 1 and a key run twice (evidence on every node) are
// tested on the staking devnet (staking.test.ts), across validator set changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../core/bytes.ts';
import { signTx } from '../../core/tx.ts';
import { devAccounts } from '../../node/devAccounts.ts';
import { rpc } from './cli.ts';
import {
  advance,
  assertNoFork as assertNoForkAt,
  height,
  startDevnet,
  type TestDevnet,
  waitFor,
} from './devnet.ts';

const [alice] = devAccounts(1);
const SINK = '0x000000000000000000000000000000000000beef';

/** The consensus part of open_nodeInfo (the engine's status). */
interface ConsensusJson {
  height: number;
  step: string;
}

describe('four validators over libp2p', () => {
  let devnet: TestDevnet;

  beforeAll(async () => {
    devnet = await startDevnet({ validators: 4, blockIntervalMs: 300 });
  });

  afterAll(async () => {
    await devnet?.close();
  });

  const running = () => devnet.nodes.flatMap((n, i) => (n ? [devnet.url(i)] : []));
  const assertNoFork = (urls = running()) => assertNoForkAt(urls);

  it('agrees on identical blocks, and a transfer sent to one node is final on all', async () => {
    await advance(running(), 3);
    const nonce = BigInt(
      await rpc<string>(devnet.url(0), 'eth_getTransactionCount', [alice!.address, 'pending']),
    );
    const tx = signTx(
      {
        type: 2,
        chainId: 1337n,
        nonce,
        maxFeePerGas: 10n ** 10n,
        maxPriorityFeePerGas: 1n,
        gasLimit: 21_000n,
        to: SINK,
        value: 12345n,
        data: new Uint8Array(),
        accessList: [],
      },
      hexToBytes(alice!.privateKey),
    );
    expect(await rpc(devnet.url(0), 'eth_sendRawTransaction', [bytesToHex(tx.raw)])).toBe(tx.hash);
    const receipts = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        let receipt: { blockHash: string; status: string } | null = null;
        await waitFor(`receipt on node${i}`, async () => {
          receipt = await rpc(devnet.url(i), 'eth_getTransactionReceipt', [tx.hash]);
          return receipt !== null;
        });
        return receipt!;
      }),
    );
    expect(new Set(receipts.map((r) => r.blockHash)).size).toBe(1);
    expect(receipts[0]!.status).toBe('0x1');
    for (const i of [0, 1, 2, 3])
      expect(BigInt(await rpc<string>(devnet.url(i), 'eth_getBalance', [SINK, 'latest']))).toBe(12345n);
    await assertNoFork();
  });

  it('keeps going with one validator killed, and the restarted one catches up', async () => {
    await devnet.kill(3);
    await advance(running(), 3);
    const target = Math.max(...(await Promise.all(running().map(height))));
    await devnet.start(3);
    await waitFor('node3 to catch up', async () => (await height(devnet.url(3))) >= target);
    await advance(running(), 2);
    await assertNoFork();
  });

  it('halts without a fork when two of four are down, and resumes when one returns', async () => {
    await devnet.kill(2);
    await devnet.kill(3);
    // A block already in flight may still commit; once both live validators wait for votes at the
    // same next height, nothing can (two of four are no quorum).
    const stuck = async () => {
      const infos = await Promise.all(
        running().map((u) => rpc<{ height: number; consensus: ConsensusJson }>(u, 'open_nodeInfo')),
      );
      return infos.every(
        (i) =>
          i.consensus.height === infos[0]!.consensus.height &&
          i.consensus.height === i.height + 1 &&
          (i.consensus.step === 'prevote' || i.consensus.step === 'precommit'),
      );
    };
    await waitFor('both live validators stuck at one height', stuck);
    const stalled = await Promise.all(running().map(height));
    // Watched for a while: a live chain (300 ms blocks) would have committed several blocks by then.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(await Promise.all(running().map(height))).toEqual(stalled);
    await assertNoFork();

    await devnet.start(2);
    await advance(running(), 2, 90_000);
    await devnet.start(3);
    await advance(running(), 2, 90_000);
    await assertNoFork();
  });
});
