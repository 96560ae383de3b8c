// Invariants read from the nodes' own logs (node.log in each home, every start of the node appended)
// and the chain: a proposer whose clock is far ahead has every block refused while one slightly off
// is taken; a proposer of invalid attribution records (`propose-invalid-attribution`) sees them
// called invalid by honest validators and never committed; a spammer is cut off by every other node,
// and nobody cuts off a node that the run keeps honest.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChainFacts } from './invariants.ts';

export const INVALID_ATTRIBUTION_PROPOSED =
  'byzantine: proposing an invalid attribution record reported as paid out';

export interface LoggedNode {
  readonly name: string;
  readonly home: string;
  /** Its validator address (lower case). */
  readonly address: string;
}

/** The entries of a node's log with message `msg`. */
export function logged(home: string, msg: string): Record<string, unknown>[] {
  const path = join(home, 'node.log');
  if (!existsSync(path)) return [];
  const out: Record<string, unknown>[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.includes(msg)) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry['msg'] === msg) out.push(entry);
    } catch {
      // a line cut by a kill -9
    }
  }
  return out;
}

/**
 * `refused`: validators that proposed (their log says so) and had no block committed;
 * `taken`: validators with at least one committed block.
 */
export function proposerChecks(
  facts: ChainFacts,
  refused: readonly LoggedNode[],
  taken: readonly LoggedNode[],
): string[] {
  const violations: string[] = [];
  const committed = (n: LoggedNode) => facts.proposers.filter((p) => p === n.address).length;
  for (const n of refused) {
    const proposed = logged(n.home, 'proposed block').length;
    if (proposed === 0) violations.push(`${n.name} never proposed, so no refusal of its blocks was shown`);
    const count = committed(n);
    if (count > 0)
      violations.push(
        `${count} block(s) proposed by ${n.name} were committed; its proposals must be refused`,
      );
  }
  for (const n of taken)
    if (committed(n) === 0) violations.push(`no block proposed by ${n.name} was committed`);
  return violations;
}

/**
 * The culprit proposed invalid attribution records (at least one), an honest validator called such
 * a block invalid, and neither the blocks nor the records are in the chain.
 */
export function invalidAttributionChecks(
  facts: ChainFacts,
  culprit: LoggedNode,
  honest: readonly LoggedNode[],
): string[] {
  const proposed = logged(culprit.home, INVALID_ATTRIBUTION_PROPOSED);
  if (proposed.length === 0)
    return [
      `${culprit.name} never proposed an invalid attribution record (is its account funded, a record committed?)`,
    ];
  const violations: string[] = [];
  const blocks = new Set(proposed.map((e) => e['block'] as string));
  for (const e of proposed) {
    const tx = e['tx'] as string;
    if (facts.txHeights.has(tx))
      violations.push(
        `${culprit.name}'s invalid attribution record ${tx} is in block ${facts.txHeights.get(tx)![0]}`,
      );
    if (facts.blockHashes.has(e['block'] as string))
      violations.push(
        `${culprit.name}'s block ${e['block']} with an invalid attribution record was committed`,
      );
  }
  const refusedBy = honest.filter((n) =>
    logged(n.home, 'application rejected the proposal').some((e) => blocks.has(e['hash'] as string)),
  );
  if (refusedBy.length === 0)
    violations.push(`no honest validator logged ${culprit.name}'s invalid attribution blocks as rejected`);
  return violations;
}

/** Every other node disconnected (and banned) the spammer for its score. */
export function bannedChecks(
  spammer: LoggedNode & { readonly peerId: string },
  others: readonly LoggedNode[],
): string[] {
  return others
    .filter(
      (n) => !logged(n.home, 'disconnecting peer with low score').some((e) => e['peer'] === spammer.peerId),
    )
    .map((n) => `${n.name} never banned ${spammer.name}`);
}

/**
 * No node banned a peer that the run keeps honest (`honest`, by name): a ban is 10 minutes in which
 * that validator misses proposals and falls back on sync, as one restarted within gossipsub's prune
 * backoff did before docs/p2p.md's "A restarted peer is taken back".
 */
export function honestBanChecks(
  nodes: readonly (LoggedNode & { readonly peerId: string })[],
  honest: ReadonlySet<string>,
): string[] {
  const byPeer = new Map(nodes.map((n) => [n.peerId, n.name]));
  return nodes.flatMap((n) =>
    logged(n.home, 'disconnecting peer with low score').flatMap((e) => {
      const banned = byPeer.get(e['peer'] as string);
      return banned !== undefined && honest.has(banned)
        ? [`${n.name} banned ${banned} (score ${e['score']}), a node the run keeps honest`]
        : [];
    }),
  );
}
