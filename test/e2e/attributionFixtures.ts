// What the attribution end-to-end tests share: texts to contribute and quote, the fee split written
// out independently of the module, and reads of one block on every node of a devnet.
import type { Hex } from 'viem';
import { rpc } from './cli.ts';
import { height, waitFor } from './devnet.ts';

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

/** Waits until every node at `urls` has the block, then returns what `read` gives on each. */
export async function onEveryNode<T>(
  urls: readonly string[],
  block: number,
  read: (url: string) => Promise<T>,
): Promise<T[]> {
  await waitFor(`every node to reach block ${block}`, async () =>
    (await Promise.all(urls.map(height))).every((h) => h >= block),
  );
  return Promise.all(urls.map(read));
}

export const balanceAt = async (url: string, who: Hex, block: number) =>
  BigInt(await rpc<Hex>(url, 'eth_getBalance', [who, `0x${block.toString(16)}`]));

/** How much `who`'s balance changed in `block`. */
export const deltaAt = async (url: string, who: Hex, block: number) =>
  (await balanceAt(url, who, block)) - (await balanceAt(url, who, block - 1));
