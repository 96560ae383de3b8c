// What the attribution end-to-end tests share: texts to contribute and quote, the fee split written
// out independently of the module, and reads of one block on every node of a devnet.
import type { Hex } from 'viem';
import { expect } from 'vitest';
import { cli, rpc } from './cli.ts';
import { startDevnet, type TestDevnet, waitForHeight } from './devnet.ts';

/** An odd fee, so that every split leaves remainders to hand out. */
export const FEE = 1_000_000_000_000_000_007n;
export const SPLIT = [5_000n, 3_000n, 1_000n, 1_000n] as const;

/** Largest remainder, written out again here: floors, then one unit each to the largest remainders (ties: earlier). */
export function expectedShares(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  const shares = weights.map((w) => (total * w) / sum);
  let left = total - shares.reduce((a, b) => a + b, 0n);
  const order = weights
    .map((w, i) => ({ i, r: (total * w) % sum }))
    .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of order) {
    if (left === 0n) break;
    shares[i]! += 1n;
    left -= 1n;
  }
  return shares;
}

/** Text of random lowercase words: no '|' and no capitals, which the outputs use around their quotes. */
export function text(seed: number, bytes: number): string {
  let x = seed;
  const next = () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
  let out = '';
  while (out.length < bytes) {
    const word = Array.from({ length: 2 + Math.floor(next() * 8) }, () =>
      String.fromCharCode(97 + Math.floor(next() * 26)),
    ).join('');
    out += `${word}${next() < 0.1 ? '. ' : ' '}`;
  }
  return out.slice(0, bytes);
}

export const json = <T>(stdout: string) => JSON.parse(stdout) as T;

/** Runs an `openchain` command that prints one JSON value, and parses it. */
export const cliJson = async <T>(...args: string[]) => json<T>((await cli(...args)).stdout);

/** `openchain contribute` of one file through the node at `url`; resolves with its (accepted) id. */
export async function contribute(datanetId: string, file: string, key: Hex, url: string): Promise<bigint> {
  const out = await cliJson<{ contributions: { contributionId: string; contributionStatus: string }[] }>(
    'contribute',
    '--datanet',
    datanetId,
    file,
    '--private-key',
    key,
    '--rpc',
    url,
  );
  expect(out.contributions[0]!.contributionStatus).toBe('accepted');
  return BigInt(out.contributions[0]!.contributionId);
}

/** Registers a model of FEE and SPLIT on one Datanet and authorizes `operator` to record it; resolves with its id. */
export async function modelWithOperator(
  name: string,
  datanetId: string,
  ownerKey: Hex,
  operator: Hex,
  url: string,
): Promise<string> {
  const signed = ['--private-key', ownerKey, '--rpc', url];
  const { modelId } = await cliJson<{ modelId: string }>(
    'model',
    'register',
    '--name',
    name,
    '--datanets',
    datanetId,
    '--fee-per-inference',
    FEE.toString(),
    '--split',
    SPLIT.join(','),
    ...signed,
  );
  const authorized = await cliJson<{ status: string }>('operator', modelId, operator, ...signed);
  expect(authorized.status).toBe('success');
  return modelId;
}

/** A 32-byte log topic holding a number or an address. */
export const topicOf = (n: bigint | Hex) =>
  typeof n === 'bigint'
    ? (`0x${n.toString(16).padStart(64, '0')}` as Hex)
    : (`0x${n.slice(2).toLowerCase().padStart(64, '0')}` as Hex);

export interface Receipt {
  status: Hex;
  blockNumber: Hex;
  gasUsed: Hex;
  effectiveGasPrice: Hex;
  failureReason?: string;
  logs: { address: Hex; topics: Hex[]; data: Hex; logIndex: Hex }[];
}

/**
 * Four validator processes with 300 ms blocks (or as `blocks` says, see startDevnet) and these
 * attribution parameters in their genesis; resolves once every node has committed a block.
 */
export async function startAttributionDevnet(
  attribution: Record<string, unknown>,
  blocks: { blockIntervalMs?: number; emptyBlocks?: boolean } = {},
): Promise<TestDevnet> {
  const devnet = await startDevnet({
    validators: 4,
    blockIntervalMs: 300,
    ...blocks,
    genesis: (g) => {
      Object.assign((g.params as { attribution: Record<string, unknown> }).attribution, attribution);
    },
  });
  const urls = [0, 1, 2, 3].map((i) => devnet.url(i));
  await waitForHeight(urls, 1, 'every node to commit a block');
  return devnet;
}

/** Waits until every node at `urls` has the block, then returns what `read` gives on each. */
export async function onEveryNode<T>(
  urls: readonly string[],
  block: number,
  read: (url: string) => Promise<T>,
): Promise<T[]> {
  await waitForHeight(urls, block);
  return Promise.all(urls.map(read));
}

export const balanceAt = async (url: string, who: Hex, block: number) =>
  BigInt(await rpc<Hex>(url, 'eth_getBalance', [who, `0x${block.toString(16)}`]));

/** How much `who`'s balance changed in `block`. */
export const deltaAt = async (url: string, who: Hex, block: number) =>
  (await balanceAt(url, who, block)) - (await balanceAt(url, who, block - 1));
