// What the node does with gossip: transactions go to the mempool, proposals, votes and evidence to
// the consensus engine. Each returns a verdict that p2p turns into ACCEPT / IGNORE / REJECT, so
// peers sending provably invalid messages lose score. Consensus messages are handled from the
// start, also while block sync runs (the engine ignores heights it is not at, and a verified one
// from ahead asks for catch-up). Transactions wait until the node is within a block of its peers:
// checked against an old state they would be judged wrongly, and their relays blamed for it.

import type { ConsensusEngine } from '../consensus/engine.ts';
import { OpenchainError } from '../core/errors.ts';
import type { GossipHandler } from '../p2p/gossip/gossip.ts';
import { ACCEPT, ignore, reject } from '../p2p/gossip/verdict.ts';
import type { Chain } from '../state/chain.ts';
import type { TxRelayBudget } from './txRelayBudget.ts';

/** Rejections that hold for every node whatever its state: the sender should have known. */
const INVALID_TX_CODES: ReadonlySet<string> = new Set([
  'INVALID_ENCODING',
  'INVALID_SIGNATURE',
  'OVERSIZED',
  'WRONG_CHAIN_ID',
  'TIP_ABOVE_MAX_FEE',
  'CONTRACT_CREATION',
  'NO_EVM',
  'INTRINSIC_GAS',
]);

/**
 * Failures that any node at our height sees too (unlike a full pool, or a nonce gap that may only
 * mean we are behind): they count against the relaying peer's budget (txRelayBudget.ts).
 */
const WASTED_TX_CODES: ReadonlySet<string> = new Set([
  ...INVALID_TX_CODES,
  'NONCE_TOO_LOW',
  'INSUFFICIENT_FUNDS',
  'OVERDRAFT',
  'LOCKED_FUNDS',
  'UNDERPRICED',
  'GAS_LIMIT_ABOVE_BLOCK',
]);

export interface GossipDeps {
  /** True while block sync is more than a block behind its peers. */
  readonly syncing: () => boolean;
  readonly txBudget: TxRelayBudget;
}

export function gossipHandlers(chain: Chain, engine: ConsensusEngine, deps: GossipDeps): GossipHandler {
  const syncing = ignore('syncing');
  const overBudget = ignore('peer over its budget of failing transactions');
  return {
    async onTx(raw, from) {
      if (deps.syncing()) return syncing;
      if (!deps.txBudget.admits(from)) return overBudget;
      try {
        await chain.mempool.add(raw);
        deps.txBudget.settle(from, false);
        return ACCEPT;
      } catch (err) {
        const code = err instanceof OpenchainError ? err.code : undefined;
        deps.txBudget.settle(from, code !== undefined && WASTED_TX_CODES.has(code));
        if (code !== undefined && INVALID_TX_CODES.has(code))
          return reject(`${code}: ${(err as Error).message}`);
        return ignore(err instanceof Error ? err.message : String(err));
      }
    },
    onProposal: (proposal, from) => engine.onProposal(proposal, from),
    onVote: (vote, from) => engine.onVote(vote, from),
    onEvidence: (evidence, from) => engine.onEvidence(evidence, from),
    checkProposalHeader: (a) => engine.checkProposalHeader(a, a.blockHash),
  };
}
