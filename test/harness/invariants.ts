// The invariants checked over RPC at the end of every run, once every fault is undone and every
// node runs: agreement on every block, one commit per height, every accepted transaction in exactly
// one block, the same balances everywhere, evidence exactly for the planned double signs, every
// node caught up. Each returns violations as sentences; none means the run passed.
import { rpc } from '../e2e/cli.ts';
import type { SentRecord } from './load.ts';

const TIMEOUT_MS = 10_000;
const BATCH = 100;

/** One JSON-RPC batch; a failed call is an error in its slot. */
async function batch<T>(url: string, calls: [string, unknown[]][]): Promise<(T | Error)[]> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(calls.map(([method, params], id) => ({ jsonrpc: '2.0', id, method, params }))),
    signal: AbortSignal.timeout(TIMEOUT_MS * 3),
  });
  const body = (await res.json()) as { id: number; result?: T; error?: { message: string } }[];
  const out: (T | Error)[] = Array.from({ length: calls.length }, () => new Error('no answer'));
  for (const r of body) out[r.id] = r.error ? new Error(r.error.message) : (r.result as T);
  return out;
}

/** `method(height)` for heights 1..to on one node, in batches. */
async function perHeight<T>(
  url: string,
  to: number,
  call: (h: string) => [string, unknown[]],
): Promise<(T | Error)[]> {
  const out: (T | Error)[] = [];
  for (let from = 1; from <= to; from += BATCH) {
    const heights = Array.from(
      { length: Math.min(BATCH, to - from + 1) },
      (_, i) => `0x${(from + i).toString(16)}`,
    );
    out.push(...(await batch<T>(url, heights.map(call))));
  }
  return out;
}

export interface NodeView {
  readonly name: string;
  readonly url: string;
}

interface Block {
  hash: string;
  /** The proposer's validator address. */
  miner: string;
  transactions: string[];
}

export interface ChainFacts {
  /** The lowest head among the nodes. */
  readonly common: number;
  /** Transaction hash → the heights of the longest chain holding it. */
  readonly txHeights: Map<string, number[]>;
  readonly blocks: number;
  /** Hashes of the longest chain's blocks. */
  readonly blockHashes: ReadonlySet<string>;
  /** The proposer of each block of the longest chain (lower case), height 1 first. */
  readonly proposers: readonly string[];
  readonly transactions: number;
  /** The URL of the node with the longest chain. */
  readonly reference: string;
}

/** Waits until every node reaches `target`; the violations name the ones that did not. */
export async function caughtUp(
  nodes: readonly NodeView[],
  target: number,
  timeoutMs: number,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  const heights = new Map<string, number>();
  for (;;) {
    await Promise.all(
      nodes.map(async (n) =>
        heights.set(
          n.name,
          await rpc<string>(n.url, 'eth_blockNumber', [], TIMEOUT_MS).then(Number, () => -1),
        ),
      ),
    );
    const behind = nodes.filter((n) => heights.get(n.name)! < target);
    if (behind.length === 0) return [];
    if (Date.now() > deadline)
      return behind.map(
        (n) =>
          `${n.name} did not catch up: height ${heights.get(n.name)} < ${target} after ${timeoutMs / 1000} s`,
      );
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/**
 * Every node's blocks against the longest chain (the reference): the same hash at every height both
 * have, and the stored commit of each height is for that node's block there. A node that is behind
 * is reported by `caughtUp`, not here.
 */
export async function agreement(nodes: readonly NodeView[], violations: string[]): Promise<ChainFacts> {
  const heights = await Promise.all(
    nodes.map((n) => rpc<string>(n.url, 'eth_blockNumber', [], TIMEOUT_MS).then(Number, () => 0)),
  );
  const common = Math.min(...heights);
  const order = nodes.map((n, i) => ({ n, h: heights[i]! })).sort((a, b) => b.h - a.h);
  let reference: { name: string; blocks: Block[] } | undefined;
  for (const { n, h: head } of order) {
    const blocks = await perHeight<Block | null>(n.url, head, (h) => ['eth_getBlockByNumber', [h, false]]);
    const commits = await perHeight<{ blockHash: string; height: string } | null>(n.url, head, (h) => [
      'open_getCommit',
      [h],
    ]);
    const own: Block[] = [];
    for (let i = 0; i < head; i++) {
      const block = blocks[i];
      const commit = commits[i];
      const h = i + 1;
      if (!block || block instanceof Error) {
        violations.push(
          `${n.name} cannot serve block ${h}: ${block instanceof Error ? block.message : 'null'}`,
        );
        own.push({ hash: '', miner: '', transactions: [] });
        continue;
      }
      own.push(block);
      if (
        !commit ||
        commit instanceof Error ||
        commit.blockHash !== block.hash ||
        Number(commit.height) !== h
      )
        violations.push(
          `${n.name} height ${h}: its commit is for ${commit && !(commit instanceof Error) ? commit.blockHash : 'nothing'}, its block is ${block.hash}`,
        );
      const ref = reference?.blocks[i];
      if (ref && ref.hash !== block.hash)
        violations.push(
          `fork at height ${h}: ${reference!.name} has ${ref.hash}, ${n.name} has ${block.hash}`,
        );
    }
    reference ??= { name: n.name, blocks: own };
  }
  const txHeights = new Map<string, number[]>();
  let transactions = 0;
  for (const [i, b] of (reference?.blocks ?? []).entries())
    for (const tx of b.transactions) {
      transactions++;
      txHeights.set(tx, [...(txHeights.get(tx) ?? []), i + 1]);
    }
  const own = reference?.blocks ?? [];
  return {
    common,
    txHeights,
    blocks: own.length,
    blockHashes: new Set(own.map((b) => b.hash)),
    proposers: own.map((b) => b.miner.toLowerCase()),
    transactions,
    reference: order[0]?.n.url ?? '',
  };
}

/** Every accepted transaction in exactly one block; no refused one in any; unanswered ones at most once. */
export function transactionsAccountedFor(records: readonly SentRecord[], facts: ChainFacts): string[] {
  const violations: string[] = [];
  // A refused nonce is signed again later, and a transfer's fields follow from its nonce: the new
  // copy, accepted, has the refused one's hash. Its inclusion is no fault of the refusal.
  const acceptedLater = new Set(records.filter((r) => r.outcome !== 'refused').map((r) => r.hash));
  for (const r of records) {
    const at = facts.txHeights.get(r.hash) ?? [];
    if (at.length > 1) violations.push(`${r.kind} ${r.hash} is in ${at.length} blocks (${at.join(', ')})`);
    else if (r.outcome === 'accepted' && at.length === 0)
      violations.push(
        `${r.kind} ${r.hash} (nonce ${r.nonce} of ${r.sender}) was accepted but is in no block`,
      );
    else if (r.outcome === 'refused' && at.length > 0 && !acceptedLater.has(r.hash))
      violations.push(`${r.kind} ${r.hash} was refused (${r.error}) yet is in block ${at[0]}`);
  }
  return violations;
}

/** The same balance of every address on every node at `height`, hence the same sum. */
export async function balancesAgree(
  nodes: readonly NodeView[],
  addresses: readonly string[],
  height: number,
): Promise<{ violations: string[]; supply: bigint }> {
  const tag = `0x${height.toString(16)}`;
  const views = await Promise.all(
    nodes.map((n) =>
      batch<string>(
        n.url,
        addresses.map((a) => ['eth_getBalance', [a, tag]]),
      ),
    ),
  );
  const violations: string[] = [];
  const sums = views.map((v) => v.reduce<bigint>((s, b) => s + (b instanceof Error ? 0n : BigInt(b)), 0n));
  for (const [i, a] of addresses.entries()) {
    const values = views.map((v) => v[i]);
    const shown = values.map((b) => (b instanceof Error ? `error ${b.message}` : BigInt(b!).toString()));
    if (new Set(shown).size !== 1)
      violations.push(`balance of ${a} at ${height} differs: ${shown.join(' / ')}`);
  }
  if (new Set(sums.map(String)).size !== 1)
    violations.push(`the supply held by the known accounts differs: ${sums.join(' / ')}`);
  return { violations, supply: sums[0] ?? 0n };
}

/** Evidence in blocks 1..to names exactly the expected culprits (by validator address). */
export async function evidenceMatches(
  url: string,
  to: number,
  expected: ReadonlyMap<string, string>,
  addressOf: ReadonlyMap<string, string>,
): Promise<{ violations: string[]; found: { height: number; validator: string }[] }> {
  const all = await perHeight<{ validator: string }[]>(url, to, (h) => ['open_getEvidence', [h]]);
  const found: { height: number; validator: string }[] = [];
  for (const [i, list] of all.entries())
    if (!(list instanceof Error))
      for (const e of list) found.push({ height: i + 1, validator: e.validator.toLowerCase() });
  const violations: string[] = [];
  const nameOf = new Map([...addressOf].map(([name, addr]) => [addr.toLowerCase(), name]));
  for (const [name, why] of expected)
    if (!found.some((f) => f.validator === addressOf.get(name)?.toLowerCase()))
      violations.push(`no evidence against ${name}, which ${why}`);
  for (const f of found) {
    const name = nameOf.get(f.validator) ?? f.validator;
    if (!expected.has(name))
      violations.push(`evidence against ${name} at height ${f.height}, which no fault planned`);
  }
  return { violations, found };
}
