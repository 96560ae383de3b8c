// Fixtures for the p2p tests: hosts on 127.0.0.1 (port 0) that are always stopped, bounded waits,
// and chains of real core/block.ts blocks with structurally valid dummy commits.
import { mkdtempSync } from 'node:fs';
import { createServer, type Socket, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Address } from '../../core/address.ts';
import {
  type Block,
  blockHash,
  encodeBlock,
  evidenceListHash,
  type Header,
  txRoot,
  ZERO_HASH,
} from '../../core/block.ts';
import { BLOOM_BYTES } from '../../core/bloom.ts';
import { bytesToHex, type Hex } from '../../core/bytes.ts';
import { keccak256 } from '../../core/hash.ts';
import { type Commit, commitHash, decodeCommit, encodeCommit } from '../../core/vote.ts';
import { type P2pConfigInput, p2pConfigSchema } from '../../p2p/config.ts';
import { P2pHost } from '../../p2p/host.ts';
import type { ChainLimits } from '../../p2p/limits.ts';
import { loadOrCreateNodeKey, nodeKeyPath } from '../../p2p/nodeKey.ts';
import type { BlockSource, EncodedBlock, SourceStatus } from '../../p2p/sync/types.ts';
import type { ChainIdentity } from '../../p2p/topics.ts';

export const log = pino({ level: process.env['P2P_TEST_LOG'] ?? 'silent' });

export const CHAIN_ID = 7777n;
export const GENESIS: Hex = bytesToHex(keccak256(new TextEncoder().encode('p2p test genesis')));

export type TestChain = ChainIdentity & ChainLimits;

export function testChain(genesisHash: Hex = GENESIS): TestChain {
  return { chainId: CHAIN_ID, genesisHash, maxTxBytes: 16 * 1024, maxBlockTxBytes: 1024 * 1024 };
}

/** The identity and limits of a real node's chain, for a host that joins its network. */
export function chainOf(chain: {
  readonly chainId: bigint;
  readonly genesisHash: Hex;
  params(): { readonly maxTxBytes: number; readonly maxBlockTxBytes: number };
}): TestChain {
  const { maxTxBytes, maxBlockTxBytes } = chain.params();
  return { chainId: chain.chainId, genesisHash: chain.genesisHash, maxTxBytes, maxBlockTxBytes };
}

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'openchain-p2p-'));
}

/** Starts hosts and remembers them, so afterEach can stop every one. */
export class Hosts {
  readonly #started: P2pHost[] = [];

  async start(
    opts: { chain?: TestChain; config?: P2pConfigInput; home?: string; txBatchMs?: number } = {},
  ): Promise<P2pHost> {
    const nodeKey = await loadOrCreateNodeKey(nodeKeyPath(opts.home ?? tempHome()));
    const config = p2pConfigSchema.parse({ listen: ['/ip4/127.0.0.1/tcp/0'], ...opts.config });
    const host = await P2pHost.start({
      config,
      chain: opts.chain ?? testChain(),
      nodeKey,
      log,
      ...(opts.txBatchMs === undefined ? {} : { txBatchMs: opts.txBatchMs }),
    });
    this.#started.push(host);
    return host;
  }

  async stop(host: P2pHost): Promise<void> {
    this.#started.splice(this.#started.indexOf(host), 1);
    await host.stop();
  }

  async stopAll(): Promise<void> {
    await Promise.allSettled(this.#started.splice(0).map((h) => h.stop()));
  }
}

export async function connect(a: P2pHost, b: P2pHost): Promise<void> {
  await a.libp2p.dial(b.libp2p.getMultiaddrs()[0]!, { signal: AbortSignal.timeout(5_000) });
}

/** Polls `condition` every `intervalMs` until it holds; throws after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
  intervalMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until every host sees every other one subscribed to the topic of `kind`. */
export async function waitForMesh(
  hosts: P2pHost[],
  kind: 'tx' | 'proposal' | 'vote' | 'evidence',
  peersEach: number,
) {
  await waitFor(
    () => hosts.every((h) => h.gossip.subscribers(kind).length >= peersEach),
    `${kind} subscriptions`,
  );
}

const PROPOSER: Address = '0x00000000000000000000000000000000000000aa';

/** A linked chain of `n` blocks (heights 1..n), one tx of `txBytes` each, with commits naming each block; `salt` forks it. */
export function makeBlocks(n: number, salt = 0, txBytes = 6): { block: Block; commit: Commit }[] {
  const out: { block: Block; commit: Commit }[] = [];
  let parentHash: Hex = ZERO_HASH;
  let lastCommit: Commit | null = null;
  for (let height = 1; height <= n; height++) {
    const tx = new Uint8Array(txBytes).fill(salt);
    tx.set([height & 255, height >> 8]);
    const txs = [tx];
    const header: Header = {
      chainId: CHAIN_ID,
      height,
      time: 1_700_000_000_000 + height * 1000,
      parentHash,
      txRoot: txRoot(txs),
      stateRoot: bytesToHex(keccak256(new Uint8Array([salt, height & 255, height >> 8]))),
      receiptsRoot: ZERO_HASH,
      logsBloom: new Uint8Array(BLOOM_BYTES),
      proposer: PROPOSER,
      validatorsHash: ZERO_HASH,
      nextValidatorsHash: ZERO_HASH,
      lastCommitHash: bytesToHex(commitHash(lastCommit)),
      evidenceHash: evidenceListHash([]),
      gasLimit: 30_000_000n,
      gasUsed: 0n,
      baseFeePerGas: 1n,
    };
    const block: Block = { header, txs, lastCommit, evidence: [] };
    const hash = blockHash(header);
    const commit: Commit = { height, round: 0, blockHash: hash, signatures: [] };
    out.push({ block, commit });
    parentHash = hash;
    lastCommit = commit;
  }
  return out;
}

export function encodeAll(chain: { block: Block; commit: Commit }[]): EncodedBlock[] {
  return chain.map(({ block, commit }) => ({ block: encodeBlock(block), commit: encodeCommit(commit) }));
}

/** The status of a node whose chain is `blocks`: its head, backed by the head's commit. */
export function headOf(blocks: readonly EncodedBlock[]): SourceStatus {
  const head = blocks.at(-1);
  return {
    height: blocks.length,
    headHash: head ? decodeCommit(head.commit).blockHash : GENESIS,
    baseHeight: 1,
    headCommit: head?.commit ?? new Uint8Array(0),
  };
}

/** Serves `blocks` (index 0 = height 1), optionally transformed per height to make a liar. */
export function arraySource(
  blocks: readonly EncodedBlock[],
  transform: (b: EncodedBlock, height: number) => EncodedBlock = (b) => b,
): BlockSource {
  return {
    status: () => headOf(blocks),
    *blocks(from, count) {
      for (let h = from; h < from + count && h <= blocks.length; h++) yield transform(blocks[h - 1]!, h);
    },
  };
}

/**
 * A TCP relay on 127.0.0.1 to `port`: `wire` joins each accepted connection to its own outbound one
 * (pipes, counters, writes split up), and an error on either side destroys both. `close` destroys
 * every socket and stops the server.
 */
export async function tcpRelay(
  port: number,
  wire: (inbound: Socket, outbound: Socket) => void,
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createServer((inbound) => {
    const outbound = tcpConnect(port, '127.0.0.1');
    sockets.push(inbound, outbound);
    wire(inbound, outbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no relay port');
  return {
    port: address.port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
