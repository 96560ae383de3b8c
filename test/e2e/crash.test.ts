// kill -9 at arbitrary moments under load, then restart: same blocks, same state root, every
// committed transaction still there, and no half-applied block (flat state and state tree agree).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../core/bytes.ts';
import { signTx } from '../../core/tx.ts';
import { devAccounts } from '../../node/devAccounts.ts';
import { decodeAccount } from '../../state/accounts.ts';
import { proofFromJson, verifyProof } from '../../state/tree/index.ts';
import { cli, type NodeProcess, rpc, startNode } from './cli.ts';

const senders = devAccounts(4);
const SINK = '0x000000000000000000000000000000000000c0de';
const ROUNDS = 6;

interface ProofResponse {
  stateRoot: string;
  treeKey: string;
  value: string | null;
  proof: unknown;
}

interface Block {
  hash: string;
  stateRoot: string;
  parentHash: string;
  transactions: string[];
}

async function block(url: string, height: number): Promise<Block> {
  return rpc<Block>(url, 'eth_getBlockByNumber', [`0x${height.toString(16)}`, false]);
}

/** Sends batches of signed transfers until stopped; errors (the node vanishing) end it quietly. */
function load(url: string, nonces: bigint[]): { stop: () => Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      const batch = senders.map((s, i) => {
        const tx = signTx(
          {
            type: 2,
            chainId: 1337n,
            nonce: nonces[i]!,
            maxFeePerGas: 10n ** 10n,
            maxPriorityFeePerGas: 1n,
            gasLimit: 21_000n,
            to: SINK,
            value: 1n,
            data: new Uint8Array(),
            accessList: [],
          },
          hexToBytes(s.privateKey),
        );
        nonces[i]!++;
        return { jsonrpc: '2.0', id: i, method: 'eth_sendRawTransaction', params: [bytesToHex(tx.raw)] };
      });
      try {
        await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(batch),
        });
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

describe('crash safety: kill -9 under load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-crash-'));
  const home = join(dir, 'node');
  let node: NodeProcess | undefined;

  afterAll(async () => {
    await node?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`survives ${ROUNDS} kills with nothing lost`, async () => {
    await cli('init', '--home', home, '--dev-accounts', '4', '--reward-address', SINK);
    const seen: { height: number; hash: string; stateRoot: string }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      node = await startNode(home, '--block-interval', '50');
      const url = node.rpcUrl;

      // Everything observed before the previous kill is still exactly there.
      for (const s of seen) {
        const b = await block(url, s.height);
        expect(b.hash).toBe(s.hash);
        expect(b.stateRoot).toBe(s.stateRoot);
      }

      const nonces = await Promise.all(
        senders.map(async (s) =>
          BigInt(await rpc<string>(url, 'eth_getTransactionCount', [s.address, 'latest'])),
        ),
      );
      const traffic = load(url, nonces);
      // Kill at a different moment of the block cycle each round.
      await new Promise((r) => setTimeout(r, 300 + ((round * 137) % 400)));
      const head = Number(await rpc<string>(url, 'eth_blockNumber'));
      const b = await block(url, head);
      seen.push({ height: head, hash: b.hash, stateRoot: b.stateRoot });
      await node.kill();
      await traffic.stop();
    }

    node = await startNode(home, '--block-interval', '50');
    const url = node.rpcUrl;
    const head = Number(await rpc<string>(url, 'eth_blockNumber'));
    expect(head).toBeGreaterThanOrEqual(seen.at(-1)!.height);

    // The chain links up, every transaction of every block has its receipt, and each sender's
    // nonce equals the number of its committed transactions.
    let committed = 0;
    let parent = (await block(url, 0)).hash;
    for (let h = 1; h <= head; h++) {
      const b = await block(url, h);
      expect(b.parentHash).toBe(parent);
      parent = b.hash;
      for (const txHash of b.transactions) {
        const receipt = await rpc<{ status: string; blockHash: string }>(url, 'eth_getTransactionReceipt', [
          txHash,
        ]);
        expect(receipt.status).toBe('0x1');
        expect(receipt.blockHash).toBe(b.hash);
        committed++;
      }
    }
    expect(committed).toBeGreaterThan(0);
    let nonceSum = 0n;
    for (const s of senders)
      nonceSum += BigInt(await rpc<string>(url, 'eth_getTransactionCount', [s.address, 'latest']));
    expect(nonceSum).toBe(BigInt(committed));
    // All value sent arrived, and for every account the flat state (eth_getBalance, nonce) agrees
    // with the state tree under the head's root (open_getProof), which a half-applied block breaks.
    expect(BigInt(await rpc<string>(url, 'eth_getBalance', [SINK, 'latest']))).toBeGreaterThanOrEqual(
      BigInt(committed),
    );
    for (const who of [SINK, ...senders.map((s) => s.address)]) {
      const p = await rpc<ProofResponse>(url, 'open_getProof', [{ address: who }, `0x${head.toString(16)}`]);
      expect(p.value).not.toBeNull();
      expect(
        verifyProof(
          hexToBytes(p.stateRoot),
          hexToBytes(p.treeKey),
          hexToBytes(p.value!),
          proofFromJson(p.proof),
        ),
      ).toBe(true);
      const account = decodeAccount(hexToBytes(p.value!));
      expect(account.balance).toBe(BigInt(await rpc<string>(url, 'eth_getBalance', [who, 'latest'])));
      expect(account.nonce).toBe(BigInt(await rpc<string>(url, 'eth_getTransactionCount', [who, 'latest'])));
    }
  });
});
